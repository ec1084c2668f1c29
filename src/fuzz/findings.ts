/**
 * Findings on disk. Each finding is a self-contained JSON file (the case,
 * which oracle fired and why, both sides' outcomes, the campaign it came
 * from) plus the static ELF that reproduces it on a real kernel, written
 * and flushed the moment it is found; `findings.jsonl` lists them one per
 * line so that a sharded campaign's results concatenate.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { needNode } from '../engine/node_builtins.js';
import { type FuzzCase, CASE_ADDR, caseToJson, caseFromJson, encodeCase } from './case.js';
import { type Outcome, outcomeToJson, outcomeFromJson, formatRecord, formatEnd } from './outcome.js';
import { GUEST_ELF } from './guest_program.js';

export interface Finding {
  /** Stable id: a hash of the signature. */
  id: string;
  oracle: string;
  signature: string;
  summary: string;
  case: FuzzCase;
  /** Steps before shrinking. */
  originalSteps: number;
  sides: { name: string; outcome: Outcome }[];
  /** Where it came from: seed, worker, case index. */
  origin: { seed: string; worker: number; index: number };
  host?: string;
}

export const findingId = (signature: string): string => bytesToHex(sha256(utf8ToBytes(signature))).slice(0, 12);

/** Node's fs and path, for the functions that read and write finding files (a browser has none). */
const fs = () => needNode('fs', 'reading and writing finding files');
const join = (...parts: string[]) => needNode('path', 'reading and writing finding files').join(...parts);

export function findingToJson(f: Finding): unknown {
  return {
    id: f.id,
    oracle: f.oracle,
    summary: f.summary,
    signature: f.signature,
    case: caseToJson(f.case),
    originalSteps: f.originalSteps,
    sides: f.sides.map((s) => ({ name: s.name, outcome: outcomeToJson(s.outcome), trace: [...s.outcome.log.map(formatRecord), formatEnd(s.outcome.end)] })),
    origin: f.origin,
    host: f.host,
    reproduce: `sudsim repro ${f.id}.json   (natively: ./${f.id}.elf)`,
  };
}

/** Reads a finding file; a bad file is an Error naming what is wrong. */
export function readFinding(path: string): Finding {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(fs().readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`sudsim: ${path} is not a finding file: ${(err as Error).message}`);
  }
  if (!v || typeof v !== 'object' || !('case' in v)) throw new Error(`sudsim: ${path} has no "case"`);
  const sides = Array.isArray(v.sides) ? (v.sides as { name: string; outcome: unknown }[]).map((s) => ({ name: String(s.name), outcome: outcomeFromJson(s.outcome) })) : [];
  return {
    id: String(v.id ?? ''),
    oracle: String(v.oracle ?? 'model'),
    signature: String(v.signature ?? ''),
    summary: String(v.summary ?? ''),
    case: caseFromJson(v.case),
    originalSteps: Number(v.originalSteps ?? 0),
    sides,
    origin: (v.origin as Finding['origin']) ?? { seed: '0', worker: 0, index: 0 },
    host: v.host as string | undefined,
  };
}

/** The guest ELF with a case patched in at CASE: it runs that case when started with no argument. */
export function reproducerElf(c: FuzzCase): Uint8Array {
  const elf = GUEST_ELF.slice();
  const dv = new DataView(elf.buffer);
  const phoff = Number(dv.getBigUint64(32, true));
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (dv.getUint32(p, true) !== 1) continue; // PT_LOAD
    const vaddr = dv.getBigUint64(p + 16, true);
    if (vaddr !== CASE_ADDR) continue;
    elf.set(encodeCase(c, false), Number(dv.getBigUint64(p + 8, true)));
    return elf;
  }
  throw new Error('sudsim: the guest ELF has no CASE segment (rebuild it with scripts/gen-fuzz-guest.sh)');
}

/** Writes a file so that it is either absent or complete, and on disk, when this returns. */
function writeDurable(path: string, data: string | Uint8Array, mode = 0o644): void {
  const { openSync, writeSync, fsyncSync, closeSync, renameSync } = fs();
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Appends one line and flushes it to disk. */
export function appendLine(path: string, line: string): void {
  const { openSync, writeSync, fsyncSync, closeSync } = fs();
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, line.endsWith('\n') ? line : line + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export class FindingStore {
  constructor(readonly dir: string) {
    fs().mkdirSync(dir, { recursive: true });
  }

  has(id: string): boolean {
    return fs().existsSync(join(this.dir, `${id}.json`));
  }

  /** Writes the finding's JSON and reproducing ELF, and lists it in findings.jsonl. */
  write(f: Finding, replace = false): string {
    const path = join(this.dir, `${f.id}.json`);
    const known = this.has(f.id);
    writeDurable(join(this.dir, `${f.id}.elf`), reproducerElf(f.case), 0o755);
    writeDurable(path, JSON.stringify(findingToJson(f), null, 2) + '\n');
    if (!known || replace) appendLine(join(this.dir, 'findings.jsonl'), JSON.stringify({ id: f.id, oracle: f.oracle, summary: f.summary, file: `${f.id}.json` }));
    return path;
  }
}
