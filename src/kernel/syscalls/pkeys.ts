/**
 * Memory protection keys (Linux: mm/mprotect.c, arch/x86/include/asm/pkeys.h)
 * as an x86-64 kernel built with them answers on a CPU without PKU, which
 * is the engine's (its cpuid has no leaf 7: docs/cpuid.md), not
 * necessarily the host's. Such a kernel never sets up an mm's keys: its
 * allocation map starts empty and its execute-only key reads 0, so no key
 * counts as allocated, not even the default key 0. pkey_alloc then takes
 * key 0, fails to program it (EINVAL), fails to free it again (it is the
 * execute-only key), and answers ENOSPC from then on; pkey_free refuses
 * every key; pkey_mprotect is mprotect for key -1 and EINVAL for any other.
 */
import { row, type SyscallRow } from './table.js';
import { Errno, EINVAL, ENOMEM, ENOSPC } from '../errno.js';
import { PAGE, TASK_SIZE_MAX, pageUp } from '../mm.js';

/** PKEY_DISABLE_ACCESS | PKEY_DISABLE_WRITE: the rights pkey_alloc may start a key with. */
const PKEY_ACCESS_MASK = 3n;
/** arch_max_pkey() without OSPKE: key 0 only, so the map is full with its one bit. */
const ALL_PKEYS_MASK = 1;
const PROT_RWX = 7n;
/** PROT_SEM: valid for arch_validate_prot, with no effect on x86. */
const PROT_SEM = 8n;
const PROT_GROWSDOWN = 0x01000000n;
const PROT_GROWSUP = 0x02000000n;
const PROT_GROWS = PROT_GROWSDOWN | PROT_GROWSUP;

export const pkeySyscalls: SyscallRow[] = [
  row(330, 'pkey_alloc', 'xx', (k, a) => {
    if (a.u64(0) !== 0n || (a.u64(1) & ~PKEY_ACCESS_MASK) !== 0n) throw new Errno(EINVAL);
    const mm = k.mm;
    if (mm.pkeyAllocationMap === ALL_PKEYS_MASK) throw new Errno(ENOSPC);
    // mm_pkey_alloc takes key 0; arch_set_user_pkey_access refuses it, and mm_pkey_free cannot undo it
    mm.pkeyAllocationMap |= 1;
    throw new Errno(EINVAL);
  }),
  row(331, 'pkey_free', 'd', () => {
    throw new Errno(EINVAL);
  }),
  // do_mprotect_pkey: its checks before the key's, then the key, then mprotect's work
  row(329, 'pkey_mprotect', 'puxd', (k, a) => {
    const start = a.u64(0);
    const prot = a.u64(2);
    if ((prot & PROT_GROWS) === PROT_GROWS) throw new Errno(EINVAL);
    if (start & (PAGE - 1n)) throw new Errno(EINVAL);
    if (a.u64(1) === 0n) return 0n;
    const end = BigInt.asUintN(64, start + pageUp(a.u64(1)));
    if (end <= start) throw new Errno(ENOMEM);
    if (prot & ~(PROT_RWX | PROT_SEM | PROT_GROWS)) throw new Errno(EINVAL);
    if (a.i32(3) !== -1) throw new Errno(EINVAL);
    if (end > TASK_SIZE_MAX) throw new Errno(ENOMEM);
    if (!k.mm.protect(start, end, Number(prot & PROT_RWX))) throw new Errno(ENOMEM);
    return 0n;
  }),
];
