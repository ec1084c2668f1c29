/** Process identity and lifetime: exit, ids, limits, umask, personality, arch_prctl, set_tid_address. */
import { row, type SyscallRow } from './table.js';
import { Errno, EINVAL, EPERM, ESRCH, EFAULT } from '../errno.js';
import { writeU64, copyFromUser, tryCopyToUser } from '../uaccess.js';
import type { Kernel } from '../kernel.js';
import { RLIMIT_NOFILE } from '../task.js';

const RLIM_NLIMITS = 16;
/** fs.nr_open: the most RLIMIT_NOFILE may be raised to. */
const NR_OPEN = 1048576n;

/**
 * prlimit64 for process pid (0: the caller's): writes the old limit to
 * oldAddr, then sets the new one from newAddr, either 0 to skip it.
 */
function prlimit(k: Kernel, pid: number, resource: number, newAddr: bigint, oldAddr: bigint): bigint {
  if (resource < 0 || resource >= RLIM_NLIMITS) throw new Errno(EINVAL);
  const t = pid === 0 ? k.current : k.tasks.get(pid);
  if (!t || t.state === 'zombie') throw new Errno(ESRCH);
  const leader = k.tasks.get(t.tgid) ?? t;
  let cur = 0n;
  let max = 0n;
  if (newAddr !== 0n) {
    const dv = new DataView(copyFromUser(k.mm, newAddr, 16).buffer);
    cur = dv.getBigUint64(0, true);
    max = dv.getBigUint64(8, true);
    if (cur > max) throw new Errno(EINVAL);
    if (resource === RLIMIT_NOFILE && max > NR_OPEN) throw new Errno(EPERM);
  }
  if (oldAddr !== 0n) {
    const b = new Uint8Array(16);
    const dv = new DataView(b.buffer);
    dv.setBigUint64(0, leader.rlimits[resource * 2], true);
    dv.setBigUint64(8, leader.rlimits[resource * 2 + 1], true);
    if (!tryCopyToUser(k.mm, oldAddr, b)) throw new Errno(EFAULT);
  }
  if (newAddr !== 0n) {
    // the caller is root: raising a hard limit is allowed
    const next = leader.rlimits.slice();
    next[resource * 2] = cur;
    next[resource * 2 + 1] = max;
    leader.rlimits = next;
  }
  return 0n;
}
import { CPU_FS_BASE, CPU_GS_BASE } from '../../engine/layout.js';
import { TASK_SIZE_MAX } from '../mm.js';

/** personality(2)'s argument that reads the persona without setting one. */
const PER_QUERY = 0xffffffff;

const ARCH_SET_GS = 0x1001;
const ARCH_SET_FS = 0x1002;
const ARCH_GET_FS = 0x1003;
const ARCH_GET_GS = 0x1004;

export const processSyscalls: SyscallRow[] = [
  row(60, 'exit', 'd', (k, a) => { k.exitThread(a.i32(0) & 0xff); return 0n; }, 'd', true),
  row(231, 'exit_group', 'd', (k, a) => { k.exitGroup(a.i32(0) & 0xff); return 0n; }, 'd', true),
  row(39, 'getpid', '', (k) => BigInt(k.current.tgid)),
  row(110, 'getppid', '', (k) => BigInt(k.current.ppid)),
  row(186, 'gettid', '', (k) => BigInt(k.current.tid)),
  row(97, 'getrlimit', 'dp', (k, a) => prlimit(k, 0, a.i32(0), 0n, a.u64(1))),
  row(160, 'setrlimit', 'dp', (k, a) => prlimit(k, 0, a.i32(0), a.u64(1), 0n)),
  row(302, 'prlimit64', 'ddpp', (k, a) => prlimit(k, a.i32(0), a.i32(1), a.u64(2), a.u64(3))),
  row(24, 'sched_yield', '', (k) => { k.yieldRequested = true; return 0n; }),
  row(95, 'umask', 'x', (k, a) => {
    const old = k.current.umask;
    k.current.umask = a.u32(0) & 0o777;
    return BigInt(old);
  }),
  // the persona is stored as given (set_personality); of its flags only UNAME26 changes what a program sees (uname)
  row(135, 'personality', 'x', (k, a) => {
    const old = k.current.personality;
    if (a.u32(0) !== PER_QUERY) k.current.personality = a.u32(0);
    return BigInt(old);
  }),
  row(218, 'set_tid_address', 'p', (k, a) => {
    k.current.clearChildTid = a.u64(0);
    return BigInt(k.current.tid);
  }),
  row(158, 'arch_prctl', 'xx', (k, a) => {
    const code = a.u32(0);
    const e = k.engine;
    switch (code) {
      case ARCH_SET_FS:
      case ARCH_SET_GS:
        if (a.u64(1) >= TASK_SIZE_MAX) throw new Errno(EPERM);
        e.setU64(code === ARCH_SET_FS ? CPU_FS_BASE : CPU_GS_BASE, a.u64(1));
        return 0n;
      case ARCH_GET_FS:
      case ARCH_GET_GS:
        writeU64(k.mm, a.u64(1), e.u64(code === ARCH_GET_FS ? CPU_FS_BASE : CPU_GS_BASE));
        return 0n;
      default:
        throw new Errno(EINVAL);
    }
  }),
];
