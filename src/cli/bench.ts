/**
 * `sudsim bench overhead` and `sudsim bench peers`: the benchmarks of
 * issue 5, registered on the main command.
 */
import type { Command } from 'commander';
import { benchOverhead } from '../bench/overhead.js';
import { benchPeers } from '../bench/peers.js';

/** Adds the `bench` command; `setStatus` receives the exit status of the subcommand run. */
export function registerBenchCommand(program: Command, setStatus: (status: number) => void): void {
  const bench = program.command('bench').description('measure Syscall User Dispatch overhead and engine throughput');

  bench
    .command('overhead')
    .description('SUD overhead per syscall: seed claim, host kernel, timing model and engine, side by side')
    .option('--json <file>', 'write every figure (unit, spread, source, host) as JSON')
    .option('--svg <file>', 'write a grouped bar chart of the overheads')
    .option('--calibrate', 'fit the timing model to the host kernel rows and print the fit')
    .option('--quick', 'few iterations (CI): rough figures')
    .action(async (opts: { json?: string; svg?: string; calibrate?: boolean; quick?: boolean }) => {
      await benchOverhead(opts);
      setStatus(0);
    });

  bench
    .command('peers')
    .description('throughput against native, qemu-user and Unicorn (those installed)')
    .option('--json <file>', 'write every figure as JSON')
    .option('--quick', 'few iterations (CI): rough figures')
    .action(async (opts: { json?: string; quick?: boolean }) => {
      await benchPeers(opts);
      setStatus(0);
    });
}
