/** Process identity and lifetime: exit, ids, arch_prctl, set_tid_address. */
import { row, type SyscallRow } from './table.js';
import { Errno, EINVAL, EPERM } from '../errno.js';
import { writeU64 } from '../uaccess.js';
import { CPU_FS_BASE, CPU_GS_BASE } from '../../engine/layout.js';
import { TASK_SIZE_MAX } from '../mm.js';

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
  row(102, 'getuid', '', () => 0n),
  row(104, 'getgid', '', () => 0n),
  row(107, 'geteuid', '', () => 0n),
  row(108, 'getegid', '', () => 0n),
  row(24, 'sched_yield', '', (k) => { k.yieldRequested = true; return 0n; }),
  row(95, 'umask', 'x', (k, a) => {
    const old = k.current.umask;
    k.current.umask = a.u32(0) & 0o777;
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
