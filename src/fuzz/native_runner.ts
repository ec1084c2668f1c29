/**
 * Runs fuzz cases on the host kernel: the guest ELF as a fork server
 * (`guest --server`, docs/fuzz-case.md) fed 4096-byte cases on a pipe, one
 * forked child per case. Cases are pipelined, so the cost per case is a
 * fork, the case itself and a wait, not a process start.
 */
import type { ChildProcess } from 'node:child_process';
import { nodeBuiltin, needNode } from '../engine/node_builtins.js';
import { GUEST_ELF } from './guest_program.js';
import { LOG_BYTES, encodeCase, type FuzzCase, type ProfileName } from './case.js';
import { decodeLog, endFromWaitStatus, type Outcome } from './outcome.js';

/** Node's modules for the native runner (the module itself loads in a browser, where there is no host to run on). */
const fs = () => needNode('fs', 'the native runner');
const os = () => needNode('os', 'the native runner');

const REPLY_BYTES = LOG_BYTES + 8;
/** A case that has not answered in this long is hung (real ones take microseconds). */
const CASE_TIMEOUT_MS = 5000;

/** The kernel profile the host kernel behaves as, from its release. */
export function hostProfile(rel: string = os().release()): ProfileName | undefined {
  const m = /^(\d+)\.(\d+)/.exec(rel);
  if (!m) return undefined;
  const v = Number(m[1]) * 1000 + Number(m[2]);
  if (v >= 6017) return 'linux-6.17';
  if (v >= 6004) return 'linux-6.4';
  if (v >= 5011) return 'linux-5.11';
  return undefined;
}

export type NativeAvailability =
  | { ok: true; release: string; profile: ProfileName }
  | { ok: false; why: string };

/** Whether this host can run cases natively, and as which profile. */
export function nativeAvailability(): NativeAvailability {
  const o = nodeBuiltin('os');
  if (o === undefined) return { ok: false, why: 'not in Node: no host kernel to run cases on' };
  if (o.platform() !== 'linux' || o.arch() !== 'x64') return { ok: false, why: `host is ${o.platform()}/${o.arch()}, not linux/x64` };
  const profile = hostProfile();
  if (!profile) return { ok: false, why: `host kernel ${o.release()} predates Syscall User Dispatch (5.11)` };
  return { ok: true, release: o.release(), profile };
}

interface Pending {
  resolve: (o: Outcome) => void;
  timer?: ReturnType<typeof setTimeout>;
}

export class NativeRunner {
  private dir: string;
  private path: string;
  private proc: ChildProcess | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private queue: Pending[] = [];

  constructor() {
    const { join } = needNode('path', 'the native runner');
    this.dir = fs().mkdtempSync(join(os().tmpdir(), 'sudsim-native-'));
    this.path = join(this.dir, 'guest');
    fs().writeFileSync(this.path, GUEST_ELF);
    fs().chmodSync(this.path, 0o755);
  }

  private start(): ChildProcess {
    const p = needNode('child_process', 'the native runner').spawn(this.path, ['--server'], { stdio: ['pipe', 'pipe', 'inherit'] });
    p.stdout!.on('data', (d: Buffer) => this.onData(d));
    p.on('exit', () => {
      if (this.proc === p) this.proc = undefined;
      // whatever was in flight will never answer
      const lost = this.queue.splice(0);
      this.buf = Buffer.alloc(0);
      for (const q of lost) {
        if (q.timer) clearTimeout(q.timer);
        q.resolve({ log: [], overflow: false, end: { kind: 'hung' } });
      }
    });
    p.stdin!.on('error', () => {});
    this.proc = p;
    return p;
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    while (this.buf.length >= REPLY_BYTES && this.queue.length) {
      const reply = new Uint8Array(this.buf.subarray(0, REPLY_BYTES));
      this.buf = this.buf.subarray(REPLY_BYTES);
      const q = this.queue.shift()!;
      if (q.timer) clearTimeout(q.timer);
      this.arm();
      const { log, overflow } = decodeLog(reply.subarray(0, LOG_BYTES));
      const st = Number(new DataView(reply.buffer, reply.byteOffset + LOG_BYTES, 8).getBigUint64(0, true) & 0xffffffffn);
      q.resolve({ log, overflow, end: endFromWaitStatus(st) });
    }
  }

  /** Runs one case on the host kernel. */
  run(c: FuzzCase): Promise<Outcome> {
    const p = this.proc ?? this.start();
    return new Promise((resolve) => {
      this.queue.push({ resolve });
      this.arm();
      p.stdin!.write(encodeCase(c, false));
    });
  }

  /**
   * The watchdog: the case at the head of the queue has CASE_TIMEOUT_MS to
   * answer (counted from when it became the head, not from when it was
   * queued behind thousands of others); a hung one gets the server killed,
   * and the next case starts a new one.
   */
  private arm(): void {
    const head = this.queue[0];
    if (!head || head.timer) return;
    const p = this.proc;
    head.timer = setTimeout(() => p?.kill('SIGKILL'), CASE_TIMEOUT_MS);
  }

  /** Runs many cases, pipelined, in order. */
  runMany(cases: FuzzCase[]): Promise<Outcome[]> {
    return Promise.all(cases.map((c) => this.run(c)));
  }

  close(): void {
    this.proc?.stdin?.end();
    this.proc?.kill('SIGKILL');
    this.proc = undefined;
    fs().rmSync(this.dir, { recursive: true, force: true });
  }
}
