/**
 * Running a command again in a node started with V8 options, which Node
 * takes only at startup (not from NODE_OPTIONS, and changing them in a
 * running process crashes V8), the two processes acting as one.
 *
 * The terminal's ^C reaches both (one process group): the parent ignores
 * it and waits while the child acts on it (a campaign stops and writes its
 * summary). A SIGTERM or SIGHUP sent to the parent is passed on. The parent
 * ends as the child did, with its status or by its signal. And the child
 * kills itself at once when the parent dies, a SIGKILL included (its IPC
 * channel closes), as the one process would have died.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** In the environment of a child that rerunWithNodeFlags started. */
const RERUN_ENV = 'SUDSIM_RERUN';

/**
 * Runs this command again in a node with `flags` and waits for it: its
 * exit status, or null when this node was started with them (the caller
 * goes on itself). A child that dies by a signal takes the parent with it.
 */
export function rerunWithNodeFlags(flags: readonly string[]): Promise<number> | null {
  if (flags.every((f) => process.execArgv.includes(f))) return null;
  const child = spawn(process.execPath, [...flags, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [RERUN_ENV]: '1' },
  });
  const ignore = (): void => {};
  const pass = (s: NodeJS.Signals): void => {
    child.kill(s);
  };
  process.on('SIGINT', ignore);
  process.on('SIGTERM', pass);
  process.on('SIGHUP', pass);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.removeListener('SIGINT', ignore);
      process.removeListener('SIGTERM', pass);
      process.removeListener('SIGHUP', pass);
      if (signal !== null) {
        // the same death for the parent, by the signal's default action
        process.kill(process.pid, signal);
        resolve(128 + (constants.signals[signal] ?? 0));
        return;
      }
      resolve(code ?? 1);
    });
  });
}

/**
 * In a child that rerunWithNodeFlags started: die with the parent. The
 * channel is not what keeps this process running (unref), only its watch.
 */
export function followParent(): void {
  if (process.env[RERUN_ENV] !== '1' || process.channel === undefined) return;
  delete process.env[RERUN_ENV];
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
