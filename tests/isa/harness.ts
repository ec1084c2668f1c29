/**
 * Turns a group of instruction forms into one freestanding program, runs it
 * natively and in the engine, and compares the two case by case.
 *
 * Each case has a record in .data: its memory, then 17 quadwords of output
 * (rflags, then rax..r15 in hardware order). Its inputs (rflags, rax..r15)
 * are in .rodata. The case code points rsp at the inputs and pops them
 * (popfq first), loads rsp, runs the instruction, then stores rsp and pushes
 * the registers and pushfq into the output. At the end the program writes
 * all the records to stdout and exits with 0.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../../src/api/index.js';
import { buildStatic, buildStaticAsync, readBinary, runNative, workDir } from '../helpers/native.js';
import {
  ARITH, Builder, PAGE_CROSS, Case, DF, FLAG_NAMES, Form, Group, REG64, Reg, Rng, SEG_ORIGIN, regOf,
} from './forms.js';

const OUT_SIZE = 17 * 8;
const DEFAULT_CASES = Number(process.env.SUDSIM_ISA_CASES ?? 32);

export interface BuiltCase {
  form: Form;
  /** index within its form */
  n: number;
  label: string;
  c: Case;
  regs: Record<Reg, bigint | string>;
  flags: number;
  mem: Uint8Array;
  offset: number;
  memSize: number;
}

export interface Mismatch {
  c: BuiltCase;
  text: string;
}

export interface FormResult {
  cases: number;
  mismatches: Mismatch[];
  /** The engine died in this form (the rest of the group was rerun without it). */
  error?: string;
}

/** Seed for a group: stable for a given run seed, independent of the other groups. */
export function groupSeed(seed: number, name: string): number {
  let h = seed >>> 0;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

export function generate(group: Group, seed: number): BuiltCase[] {
  const out: BuiltCase[] = [];
  let offset = 0;
  let id = 0;
  for (const form of group.forms) {
    const r = new Rng(groupSeed(seed, `${group.name}/${form.name}`));
    const memSize = form.memSize ?? 32;
    const count = Math.max(1, Math.round(((form.cases ?? 32) * DEFAULT_CASES) / 32));
    for (let n = 0; n < count; n++) {
      const label = `m${id++}`;
      const b = new Builder(r, label, memSize);
      const c = form.gen(b);
      const regs = {} as Record<Reg, bigint | string>;
      for (const g of REG64) regs[g] = b.regs[g] ?? (g === 'rsp' ? `${label}+${memSize / 2}` : r.u64());
      offset = (offset + 15) & ~15;
      // page-crossing forms put a page boundary PAGE_CROSS bytes into the memory
      if (form.pageCross) offset = ((offset + PAGE_CROSS + 4095) & ~4095) - PAGE_CROSS;
      out.push({ form, n, label, c, regs, flags: b.flags, mem: b.mem, offset, memSize });
      offset += memSize + OUT_SIZE;
    }
  }
  return out;
}

/** .byte lines for memory, with runs of a repeated 8-byte chunk as .rept. */
function emitBytes(out: string[], mem: Uint8Array): void {
  const same = (i: number, j: number) => mem.subarray(i, i + 8).every((v, k) => v === mem[j + k]);
  let i = 0;
  while (i < mem.length) {
    let run = 1;
    while (i + (run + 1) * 8 <= mem.length && same(i, i + run * 8)) run++;
    if (run >= 4) {
      out.push(`\t.rept ${run}`, `\t.byte ${Array.from(mem.subarray(i, i + 8)).join(',')}`, '\t.endr');
      i += run * 8;
    } else {
      out.push(`\t.byte ${Array.from(mem.subarray(i, i + 8)).join(',')}`);
      i += 8;
    }
  }
}

const PUSH_ORDER: Reg[] = ['r15', 'r14', 'r13', 'r12', 'r11', 'r10', 'r9', 'r8', 'rdi', 'rsi', 'rbp'];

export function assemble(cases: BuiltCase[]): string {
  const text: string[] = [
    '\t.text', '\t.globl _start', '_start:',
    // arch_prctl(ARCH_SET_FS, recs_start), arch_prctl(ARCH_SET_GS, recs_start - 256)
    '\tmov $158, %eax', '\tmov $0x1002, %edi', `\tlea ${SEG_ORIGIN}(%rip), %rsi`, '\tsyscall',
    '\tmov $158, %eax', '\tmov $0x1001, %edi', `\tlea ${SEG_ORIGIN}-256(%rip), %rsi`, '\tsyscall',
  ];
  const data: string[] = ['\t.data', '\t.balign 4096', 'recs_start:'];
  const ro: string[] = ['\t.section .rodata', '\t.balign 8'];
  for (const bc of cases) {
    const L = bc.label;
    text.push(`c${L.slice(1)}:`, `\tlea i${L}(%rip), %rsp`, '\tpopfq');
    for (const g of REG64) text.push(g === 'rsp' ? '\tlea 8(%rsp), %rsp' : `\tpop %${g}`);
    text.push(`\tmov i${L}+40(%rip), %rsp`);
    for (const line of bc.c.asm.split('\n')) text.push(`\t${line}`);
    text.push(`\tmov %rsp, o${L}+40(%rip)`, `\tlea o${L}+${OUT_SIZE}(%rip), %rsp`);
    for (const g of PUSH_ORDER) text.push(`\tpush %${g}`);
    text.push('\tlea -8(%rsp), %rsp', '\tpush %rbx', '\tpush %rdx', '\tpush %rcx', '\tpush %rax', '\tpushfq');

    data.push(`\t.skip ${bc.offset} - (. - recs_start)`, `${L}:`);
    emitBytes(data, bc.mem);
    data.push(`o${L}:\t.zero ${OUT_SIZE}`);
    const q = [String(bc.flags | 0x202), ...REG64.map((g) => (typeof bc.regs[g] === 'string' ? bc.regs[g] : `0x${(bc.regs[g] as bigint).toString(16)}`))];
    ro.push(`i${L}:\t.quad ${q.join(',')}`);
  }
  data.push('recs_end:');
  text.push(
    '\tlea recs_start(%rip), %rsi',
    '\tmov $(recs_end - recs_start), %edx',
    '1:\tmov $1, %eax',
    '\tmov $1, %edi',
    '\tsyscall',
    '\ttest %rax, %rax',
    '\tjle 2f',
    '\tadd %rax, %rsi',
    '\tsub %rax, %rdx',
    '\tjnz 1b',
    '2:\tmov $60, %eax',
    '\txor %edi, %edi',
    '\tsyscall',
  );
  return [...text, ...data, ...ro, ''].join('\n');
}

function fmtFlags(f: bigint | number): string {
  const v = Number(f);
  const names = FLAG_NAMES.filter(([bit]) => (v & bit) !== 0).map(([, n]) => n);
  return names.length ? names.join('|') : '-';
}

function hex64(v: bigint): string {
  return `0x${v.toString(16).padStart(16, '0')}`;
}

function q(buf: Buffer, off: number): bigint {
  return buf.readBigUInt64LE(off);
}

/** Registers an instruction names (so the report shows their inputs). */
function namedRegs(asm: string): Reg[] {
  const out = new Set<Reg>();
  for (const m of asm.matchAll(/%([a-z0-9]+)/g)) {
    const o = regOf(m[1]);
    if (o) out.add(o.reg);
  }
  return [...out];
}

function compareCase(bc: BuiltCase, nat: Buffer, eng: Buffer): string | null {
  const o = bc.offset + bc.memSize;
  const lines: string[] = [];
  const fm = BigInt((bc.c.flagMask & ARITH) | DF);
  const nf = q(nat, o);
  const ef = q(eng, o);
  const diffs: Reg[] = [];
  REG64.forEach((g, i) => {
    if (bc.c.ignoreRegs?.includes(g)) return;
    if (q(nat, o + 8 + i * 8) !== q(eng, o + 8 + i * 8)) diffs.push(g);
  });
  const memDiff: number[] = [];
  if (!bc.c.ignoreMem) {
    for (let i = 0; i < bc.memSize; i++) if (nat[bc.offset + i] !== eng[bc.offset + i]) memDiff.push(i);
  }
  if (diffs.length === 0 && memDiff.length === 0 && (nf & fm) === (ef & fm)) return null;

  const inRegs = [...new Set([...namedRegs(bc.c.asm), ...diffs])];
  const fmtIn = (g: Reg) => `${g}=${typeof bc.regs[g] === 'string' ? bc.regs[g] : hex64(bc.regs[g] as bigint)}`;
  lines.push(`[${bc.form.name}] case ${bc.n}: ${bc.c.asm.replace(/\n/g, '; ')}`);
  lines.push(`  in:     flags=${fmtFlags(bc.flags)} ${inRegs.map(fmtIn).join(' ')}`);
  const side = (name: string, buf: Buffer, f: bigint) => {
    const regs = diffs.map((g) => `${g}=${hex64(q(buf, o + 8 + REG64.indexOf(g) * 8))}`).join(' ');
    const mem = memDiff.slice(0, 16).map((i) => `m[${i}]=${buf[bc.offset + i].toString(16).padStart(2, '0')}`).join(' ');
    return `  ${name}: flags=${fmtFlags(f & fm)} ${regs}${mem ? ` ${mem}` : ''}`;
  };
  lines.push(side('native', nat, nf), side('engine', eng, ef));
  lines.push(`  (compared flags: ${fmtFlags(fm)})`);
  return lines.join('\n');
}

/** Case label addresses from the symbol table, to name the case where the engine stopped. */
function caseAddrs(exe: string): [bigint, number][] {
  const out: [bigint, number][] = [];
  const nm = execFileSync('nm', [exe], { encoding: 'utf8', maxBuffer: 64 << 20 });
  for (const line of nm.split('\n')) {
    const m = /^([0-9a-f]+) t c(\d+)$/.exec(line);
    if (m) out.push([BigInt(`0x${m[1]}`), Number(m[2])]);
  }
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

const GCC_FLAGS = ['-nostdlib', '-ffreestanding', '-mgeneral-regs-only'];

/** A group's cases and program, built ahead of time. */
export interface Prebuilt {
  cases: BuiltCase[];
  exe: string;
}

/** Builds every group's program at once (gcc runs in parallel). */
export async function buildAll(groups: Group[], seed: number): Promise<Map<string, Prebuilt>> {
  const out = new Map<string, Prebuilt>();
  await Promise.all(groups.map(async (g) => {
    const cases = generate(g, seed);
    const src = join(workDir, `isa-${g.name}-prog.S`);
    writeFileSync(src, assemble(cases));
    out.set(g.name, { cases, exe: await buildStaticAsync(`isa-${g.name}`, [src], GCC_FLAGS) });
  }));
  return out;
}

export interface GroupRun {
  results: Map<string, FormResult>;
  cases: number;
}

/**
 * Builds, runs and compares a group. When the engine dies in some case (an
 * unimplemented or mis-decoded instruction), that form is reported and the
 * group is rebuilt without it so the other forms still get compared.
 */
export function runGroup(group: Group, seed: number, prebuilt?: Prebuilt): GroupRun {
  const results = new Map<string, FormResult>();
  let forms = group.forms;
  let total = 0;
  for (let attempt = 0; attempt < 20 && forms.length; attempt++) {
    const g: Group = { name: group.name, forms };
    const pre = attempt === 0 ? prebuilt : undefined;
    const cases = pre ? pre.cases : generate(g, seed);
    const exe = pre ? pre.exe : buildStatic(`isa-${group.name}`, { 'prog.S': assemble(cases) }, GCC_FLAGS);
    const nat = runNative(exe);
    if (nat.status !== 0) throw new Error(`isa ${group.name}: native run failed (status ${nat.status}, signal ${nat.signal})`);
    const m = new Machine();
    m.load(readBinary(exe), { argv: [`isa-${group.name}`] });
    const r = m.run({ maxInsns: 100_000_000 });
    if (r.kind !== 'exited' || r.status !== 0) {
      const rip = m.getReg('rip');
      const addrs = caseAddrs(exe);
      let idx = -1;
      for (const [a, i] of addrs) if (a <= rip) idx = i;
      const bad = idx >= 0 ? cases[idx] : undefined;
      const why = r.kind === 'killed' ? `killed by ${r.signalName}` : r.kind === 'budget' ? 'ran out of budget' : r.kind === 'deadlock' ? 'deadlocked' : `exited ${r.status}`;
      if (!bad) throw new Error(`isa ${group.name}: engine ${why} at rip 0x${rip.toString(16)} outside the cases`);
      results.set(bad.form.name, {
        cases: 0,
        mismatches: [],
        error: `engine ${why} at rip 0x${rip.toString(16)} in case ${bad.n}: ${bad.c.asm.replace(/\n/g, '; ')}`,
      });
      forms = forms.filter((f) => f !== bad.form);
      continue;
    }
    const eng = Buffer.from(m.stdout());
    if (!process.env.SUDSIM_ISA_KEEP) {
      // the programs are large; SUDSIM_ISA_KEEP=1 leaves them for objdump
      rmSync(exe, { force: true });
      rmSync(join(workDir, `isa-${group.name}-prog.S`), { force: true });
    }
    if (eng.length !== nat.stdout.length) throw new Error(`isa ${group.name}: engine wrote ${eng.length} bytes, native ${nat.stdout.length}`);
    for (const f of forms) results.set(f.name, { cases: 0, mismatches: [] });
    for (const bc of cases) {
      const fr = results.get(bc.form.name)!;
      fr.cases++;
      total++;
      const t = compareCase(bc, nat.stdout, eng);
      if (t) fr.mismatches.push({ c: bc, text: t });
    }
    break;
  }
  return { results, cases: total };
}

export function report(name: string, fr: FormResult | undefined): string {
  if (!fr) return `${name}: not run`;
  if (fr.error) return `${name}: ${fr.error}`;
  if (!fr.mismatches.length) return '';
  const shown = fr.mismatches.slice(0, 4).map((m) => m.text).join('\n');
  return `${name}: ${fr.mismatches.length} of ${fr.cases} cases differ from the CPU\n${shown}`;
}
