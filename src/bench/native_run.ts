/**
 * Running a scenario binary on the host kernel. The program times its own
 * loop with CLOCK_MONOTONIC and prints "ns T1 T2 ...", one figure per
 * repetition, so process start-up never enters the figure.
 */
import { spawnSync } from 'node:child_process';

export type NativeOutcome =
  | { ok: true; perCallNs: number[]; stdout: string }
  | { ok: false; why: string };

/** Runs `path n reps` (optionally under a wrapper such as qemu-x86_64) and returns ns per call for each rep. */
export function runTimed(path: string, n: number, reps: number, wrapper: string[] = []): NativeOutcome {
  const [cmd, ...pre] = wrapper.length ? wrapper : [path];
  const args = wrapper.length ? [...pre, path, String(n), String(reps)] : [String(n), String(reps)];
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { ok: false, why: r.error.message };
  const line = r.stdout.split('\n').find((l) => l.startsWith('ns'));
  if (r.status !== 0 || !line) {
    const said = r.stdout.replace(/^ns[^\n]*\n?/, '').trim() || r.stderr.trim();
    return { ok: false, why: r.signal ? `killed by ${r.signal}` : `exit ${r.status}${said ? `: ${said}` : ''}` };
  }
  const totals = line.split(' ').slice(1).map(Number);
  return { ok: true, perCallNs: totals.map((t) => t / Math.max(n, 1)), stdout: r.stdout };
}
