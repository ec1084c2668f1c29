/** prctl(2): the Syscall User Dispatch option; other options are EINVAL. */
import { row, errnoResult, type SyscallRow } from './syscalls/table.js';
import { EINVAL } from './errno.js';
import { PR_SET_SYSCALL_USER_DISPATCH, checkSud } from './sud.js';

export const prctlSyscalls: SyscallRow[] = [
  row(157, 'prctl', 'dxxxx', (k, a) => {
    const option = a.i32(0);
    if (option !== PR_SET_SYSCALL_USER_DISPATCH) return errnoResult(EINVAL);
    const cfg = checkSud(k.profile, a.u64(1), a.u64(2), a.u64(3), a.u64(4), k.sysctlSud);
    if (typeof cfg === 'number') return errnoResult(cfg);
    k.setSud(k.current, cfg);
    return 0n;
  }),
];
