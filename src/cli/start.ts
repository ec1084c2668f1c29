/**
 * `sudsim start` (what `npm start` runs): the project's main job on a
 * built-in default. A short fuzz campaign of linux-6.17 against the
 * reference model, the host kernel when it can run the cases, and the
 * built-in properties; then the overhead table.
 */
import { fuzzCommand } from './fuzz.js';
import { nativeAvailability } from '../fuzz/native_runner.js';
import { BUILTIN_PROPERTIES } from '../fuzz/properties.js';
import { benchOverhead } from '../bench/overhead.js';

export async function startCommand(opts: { time: number; findings: string }): Promise<number> {
  const n = nativeAvailability();
  const native = n.ok && n.profile === 'linux-6.17';
  process.stdout.write(`== a ${opts.time / 1000} s fuzz campaign: linux-6.17 against the reference model${native ? ` and this host's kernel (Linux ${n.ok ? n.release : ''})` : ''}, with the built-in properties\n`);
  if (!native) process.stdout.write(`   (the native oracle is off: ${n.ok ? `the host kernel behaves as ${n.profile}` : n.why})\n`);
  const status = await fuzzCommand({
    profile: 'linux-6.17',
    oracle: native ? 'both' : 'model',
    property: BUILTIN_PROPERTIES,
    seed: 1n,
    time: opts.time,
    jobs: 1,
    findings: opts.findings,
    shrink: true,
  });
  if (status !== 0) return status;
  process.stdout.write('\n== Syscall User Dispatch overhead per syscall (sudsim bench overhead --quick; npm run bench for the full run)\n');
  await benchOverhead({ quick: true });
  return 0;
}
