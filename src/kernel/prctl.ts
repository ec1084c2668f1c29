/**
 * prctl(2): the Syscall User Dispatch option, seccomp (kernel/seccomp.ts),
 * no_new_privs, the child subreaper, and the task's name, dumpability and
 * parent-death signal as programs query them; other options are EINVAL.
 */
import { row, errnoResult, type SyscallRow } from './syscalls/table.js';
import { EINVAL, EFAULT } from './errno.js';
import { PR_SET_SYSCALL_USER_DISPATCH, checkSud } from './sud.js';
import { copyFromUser, tryCopyToUser } from './uaccess.js';
import { commFrom } from './task.js';
import { prctlSetSeccomp } from './seccomp.js';

const PR_SET_PDEATHSIG = 1;
const PR_GET_PDEATHSIG = 2;
const PR_GET_DUMPABLE = 3;
const PR_SET_NAME = 15;
const PR_GET_NAME = 16;
const PR_GET_SECCOMP = 21;
const PR_SET_SECCOMP = 22;
const PR_SET_CHILD_SUBREAPER = 36;
const PR_GET_CHILD_SUBREAPER = 37;
const PR_SET_NO_NEW_PRIVS = 38;
const PR_GET_NO_NEW_PRIVS = 39;

export const prctlSyscalls: SyscallRow[] = [
  row(157, 'prctl', 'dxxxx', (k, a) => {
    const option = a.i32(0);
    const t = k.current;
    switch (option) {
      case PR_SET_SYSCALL_USER_DISPATCH: break;
      case PR_SET_NAME: {
        // up to 15 bytes of the string, whatever its length
        t.comm = commFrom(copyFromUser(t.mm, a.u64(1), 16), 0);
        return 0n;
      }
      case PR_GET_NAME: {
        const b = new Uint8Array(16);
        for (let i = 0; i < t.comm.length; i++) b[i] = t.comm.charCodeAt(i);
        return tryCopyToUser(t.mm, a.u64(1), b) ? 0n : errnoResult(EFAULT);
      }
      case PR_SET_PDEATHSIG: {
        const sig = a.u64(1);
        if (sig > 64n) return errnoResult(EINVAL);
        t.pdeathSig = Number(sig);
        return 0n;
      }
      case PR_GET_PDEATHSIG: {
        const b = new Uint8Array(4);
        new DataView(b.buffer).setInt32(0, t.pdeathSig, true);
        return tryCopyToUser(t.mm, a.u64(1), b) ? 0n : errnoResult(EFAULT);
      }
      case PR_GET_DUMPABLE: return 1n;
      case PR_GET_SECCOMP: return BigInt(t.seccompMode);
      case PR_SET_SECCOMP: return prctlSetSeccomp(k, a.u64(1), a.u64(2));
      case PR_SET_CHILD_SUBREAPER:
        // the process's, whichever thread asks
        (k.tasks.get(t.tgid) ?? t).childSubreaper = a.u64(1) !== 0n;
        return 0n;
      case PR_GET_CHILD_SUBREAPER: {
        const b = new Uint8Array(4);
        b[0] = (k.tasks.get(t.tgid) ?? t).childSubreaper ? 1 : 0;
        return tryCopyToUser(t.mm, a.u64(1), b) ? 0n : errnoResult(EFAULT);
      }
      case PR_SET_NO_NEW_PRIVS:
        if (a.u64(1) !== 1n || a.u64(2) !== 0n || a.u64(3) !== 0n || a.u64(4) !== 0n) return errnoResult(EINVAL);
        t.noNewPrivs = true;
        return 0n;
      case PR_GET_NO_NEW_PRIVS:
        if (a.u64(1) !== 0n || a.u64(2) !== 0n || a.u64(3) !== 0n || a.u64(4) !== 0n) return errnoResult(EINVAL);
        return t.noNewPrivs ? 1n : 0n;
      default: return errnoResult(EINVAL);
    }
    const cfg = checkSud(k.profile, a.u64(1), a.u64(2), a.u64(3), a.u64(4), k.sysctlSud);
    if (typeof cfg === 'number') return errnoResult(cfg);
    k.setSud(k.current, cfg);
    return 0n;
  }),
];
