/** prctl(2): the Syscall User Dispatch option; other options are EINVAL. */
import { row, type SyscallRow } from './syscalls/table.js';
import { Errno, EINVAL } from './errno.js';
import { PR_SET_SYSCALL_USER_DISPATCH, validateSud } from './sud.js';

export const prctlSyscalls: SyscallRow[] = [
  row(157, 'prctl', 'dxxxx', (k, a) => {
    const option = Number(BigInt.asIntN(32, a[0]));
    if (option !== PR_SET_SYSCALL_USER_DISPATCH) throw new Errno(EINVAL);
    const cfg = validateSud(k.profile, a[1], a[2], a[3], a[4], k.sysctlSud);
    k.setSud(k.current, cfg);
    return 0n;
  }),
];
