/**
 * The `sudsim` command line: `run` executes a static x86-64 ELF in the
 * engine; `demo` is what `npm start` runs.
 */
import { Command, InvalidArgumentError } from 'commander';
import { runCommand } from './run.js';
import { demoCommand } from './demo.js';
import { registerBenchCommand } from './bench.js';
import { registerFuzzCommands } from './fuzz.js';
import { CaseError } from '../fuzz/case.js';
import { startCommand } from './start.js';
import { parseProfile, parseBigCount, parseCpus, parseEpoch, PROFILE_NAMES } from './options.js';
import { followParent } from './rerun.js';


export async function main(argv: string[]): Promise<number> {
  followParent();
  let status = 0;
  const program = new Command();
  program
    .name('sudsim')
    .description('Run x86-64 Linux programs under a simulated kernel with Syscall User Dispatch')
    .showHelpAfterError()
    .enablePositionalOptions()
    .exitOverride();

  program
    .command('run')
    .description('run a static x86-64 ELF executable in the engine')
    .option('--profile <name>', `kernel profile (${PROFILE_NAMES.join(', ')})`, parseProfile, 'linux-6.17')
    .option('--trace', 'print one strace-style line per syscall to stderr')
    .option('--max-insns <n>', 'stop after this many guest instructions', parseBigCount)
    .option('--seed <n>', 'seed for AT_RANDOM and other random choices (default 0)', parseBigCount)
    .option('--file <name=path>', 'put a host file in the machine\'s filesystem, for the program to open or execve (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--env <name=value>', 'set an environment variable for the program (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--clear-env', 'start from an empty environment instead of this shell\'s')
    .option('--cwd <dir>', 'the program\'s working directory in the machine (default: this shell\'s)')
    .option('--no-host-files', 'show the program only the files given with --file (and its own), not the host\'s, read-only, under them')
    .option('--no-smap', 'model a machine with SMAP off')
    .option('--cpus <n>', 'the CPUs the machine reports, 1 to 64 (default: the host\'s online CPUs, as a shell sees them)', parseCpus)
    .option('--epoch <seconds>', 'the machine\'s clock at start, in seconds since 1970 (default: the host\'s current time, as a shell sees it)', parseEpoch)
    .option('--sysctl-sud <0|1>', 'kernel.syscall_user_dispatch for linux-next (default 1)')
    .argument('<program>', 'path of the ELF file')
    .argument('[args...]', 'arguments for the program')
    .passThroughOptions()
    .action((prog: string, args: string[], opts) => {
      status = runCommand(prog, args, { ...opts, noSmap: opts.smap === false, sysctl: opts.sysctlSud, hostFiles: opts.hostFiles !== false });
    });

  program
    .command('demo')
    .description('run the built-in demonstration')
    .action(() => {
      status = demoCommand();
    });

  program
    .command('start')
    .description('the main job on a built-in default (npm start): a short fuzz campaign, then the overhead table')
    .option('--time <seconds>', 'length of the campaign in seconds', (v: string) => {
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('expected a whole number of seconds');
      return Number(v);
    }, 10)
    .option('--findings <dir>', 'write findings here', 'sudsim-findings')
    .action(async (opts: { time: number; findings: string }) => {
      status = await startCommand({ time: opts.time * 1000, findings: opts.findings });
    });

  registerBenchCommand(program, (s) => (status = s));
  registerFuzzCommands(program, (s) => (status = s));

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    if (e.code === 'commander.help') return 0;
    if (typeof e.exitCode === 'number') return e.exitCode === 0 ? 0 : 2;
    // bad input (a finding file that does not parse, a plug-in that does not load): its message is the report
    if (err instanceof CaseError || (err instanceof Error && err.message.startsWith('sudsim'))) {
      process.stderr.write(`${err instanceof CaseError ? 'sudsim: ' : ''}${err.message}\n`);
      return 1;
    }
    throw err;
  }
  return status;
}
