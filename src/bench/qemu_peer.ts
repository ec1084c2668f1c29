/**
 * The qemu-user peer (`qemu-x86_64`, Debian's qemu-user). qemu-user
 * forwards most syscalls to the host but has no Syscall User Dispatch: its
 * answer to prctl(PR_SET_SYSCALL_USER_DISPATCH) is probed, never assumed.
 */
import { spawnSync } from 'node:child_process';

export interface QemuPeer {
  command: string;
  version: string;
}

export function findQemu(): QemuPeer | null {
  const r = spawnSync('qemu-x86_64', ['--version'], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) return null;
  return { command: 'qemu-x86_64', version: r.stdout.split('\n')[0].trim() };
}

export interface PrctlProbe {
  /** True when prctl(59, ON, ...) succeeded under the peer. */
  supported: boolean;
  /** The errno the peer answered, when it failed. */
  errno: number | null;
  text: string;
}

const ERRNO_NAMES: Record<number, string> = { 1: 'EPERM', 14: 'EFAULT', 22: 'EINVAL', 38: 'ENOSYS' };

/**
 * Runs the region scenario (it arms SUD first and prints the errno when the
 * prctl fails) for one iteration under the wrapper.
 */
export function probePrctl(wrapper: string[], regionBinary: string): PrctlProbe {
  const [cmd, ...pre] = wrapper;
  const r = spawnSync(cmd, [...pre, regionBinary, '1', '1'], { encoding: 'utf8', timeout: 60_000 });
  const m = r.stdout.match(/prctl\(PR_SET_SYSCALL_USER_DISPATCH\) failed: (\d+)/);
  if (m) {
    const errno = Number(m[1]);
    const name = ERRNO_NAMES[errno] ?? `errno ${errno}`;
    return { supported: false, errno, text: `prctl(PR_SET_SYSCALL_USER_DISPATCH) -> ${name}` };
  }
  if (r.status === 0) return { supported: true, errno: null, text: 'prctl(PR_SET_SYSCALL_USER_DISPATCH) -> 0' };
  return { supported: false, errno: null, text: `probe failed: ${r.signal ?? `exit ${r.status}`} ${r.stderr.trim()}`.trim() };
}
