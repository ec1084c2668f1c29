/**
 * What Linux refuses to do to the vDSO's special mappings (mm/vma.c,
 * mm/mremap.c, and _install_special_mapping's flags): they are never split
 * (munmap, mprotect or mremap of part of one is EINVAL), never grow (mremap:
 * VM_DONTEXPAND, EFAULT) and [vvar] has neither VM_MAYWRITE nor VM_MAYEXEC
 * (mprotect asking for either is EACCES). [vdso] may become writable, as a
 * debugger's breakpoints need: its pages are copied on write.
 */
import { type AddressSpace, isVdsoMapping, VDSO, PROT_WRITE, PROT_EXEC } from './mm.js';

/** Whether [start, end) cuts through one of the special mappings. */
export function splitsSpecial(mm: AddressSpace, start: bigint, end: bigint): boolean {
  for (const v of mm.vmas) {
    // the name first, as in vvarForbids
    if (!isVdsoMapping(v.name) || v.end <= start || v.start >= end) continue;
    if (v.start < start || v.end > end) return true;
  }
  return false;
}

/** Whether prot asks a [vvar] page in [start, end) for a permission it may never have. */
export function vvarForbids(mm: AddressSpace, start: bigint, end: bigint, prot: number): boolean {
  if ((prot & (PROT_WRITE | PROT_EXEC)) === 0) return false;
  for (const v of mm.vmas) {
    // the names first: a string compare costs less than two bigint ones, and most mappings are none of these
    if (isVdsoMapping(v.name) && v.name !== VDSO && v.end > start && v.start < end) return true;
  }
  return false;
}
