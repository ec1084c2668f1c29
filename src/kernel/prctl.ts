/** prctl(2): the Syscall User Dispatch option; other options are EINVAL. */
import { row, type SyscallRow } from './syscalls/table.js';
import { EINVAL } from './errno.js';
import { PR_SET_SYSCALL_USER_DISPATCH, checkSud } from './sud.js';

export const prctlSyscalls: SyscallRow[] = [
  row(157, 'prctl', 'dxxxx', (k, a) => {
    const option = Number(BigInt.asIntN(32, a[0]));
    // errors are returned, not thrown: a throw costs about a microsecond
    if (option !== PR_SET_SYSCALL_USER_DISPATCH) return BigInt(-EINVAL);
    const cfg = checkSud(k.profile, a[1], a[2], a[3], a[4], k.sysctlSud);
    if (typeof cfg === 'number') return BigInt(-cfg);
    k.setSud(k.current, cfg);
    return 0n;
  }),
];
