/**
 * The vDSO's mappings, which exec gives every new image as Linux 6.18's
 * map_vdso does on x86-64: [vvar] (4 pages, the first the clock data of
 * src/kernel/vvar.ts), [vvar_vclock] (2 pages, for paravirtual clocks: none
 * here, so never filled) and [vdso] (2 pages, the image of
 * src/kernel/vdso_image.ts), one after the other where mmap would put 8
 * pages, so below the interpreter when there is one, as with ASLR off. The
 * vDSO finds its data at a fixed distance before its own first byte.
 *
 * The pages are special mappings (Linux's vm_special_mapping): they cannot
 * be split, nor resized, and [vvar] never becomes writable or executable.
 */
import type { Engine } from '../engine/engine.js';
import { PTE_COW, PAGE_SIZE } from '../engine/layout.js';
import { type AddressSpace, PAGE, PROT_READ, PROT_EXEC, protBits, VVAR, VVAR_VCLOCK, VDSO } from './mm.js';
import type { PageCache } from './page_cache.js';
import { pokeUser } from './uaccess.js';
import { Errno, ENOMEM } from './errno.js';
import { VDSO_IMAGE } from './vdso_image.js';

const VVAR_PAGES = 4n;
const VVAR_VCLOCK_PAGES = 2n;
const VDSO_PAGES = 2n;

/** The image, zero-padded to its mapping's size, made once so the page cache keys it once. */
const VDSO_PAGES_BYTES: Uint8Array = (() => {
  const b = new Uint8Array(Number(VDSO_PAGES) * PAGE_SIZE);
  if (VDSO_IMAGE.length > b.length) throw new Error('the vDSO image outgrew its pages');
  b.set(VDSO_IMAGE);
  return b;
})();

/**
 * Maps [vvar], [vvar_vclock] and [vdso] into mm where mmap finds room and
 * fills the pages that hold something, [vvar]'s first with vvarPage (the
 * machine's clocks: src/kernel/vvar.ts), from the page cache's frames when
 * given (every process shares them, copy-on-write); returns the vDSO's
 * address, for AT_SYSINFO_EHDR.
 */
export function mapVdso(engine: Engine, mm: AddressSpace, vvarPage: Uint8Array, cache?: PageCache): bigint {
  const vvar = mm.findFree((VVAR_PAGES + VVAR_VCLOCK_PAGES + VDSO_PAGES) * PAGE, 0n);
  const vclock = vvar + VVAR_PAGES * PAGE;
  const vdso = vclock + VVAR_VCLOCK_PAGES * PAGE;
  // exec's new address space (mapNew: see there)
  mm.mapNew(vvar, vclock, PROT_READ, VVAR);
  mm.mapNew(vclock, vdso, PROT_READ, VVAR_VCLOCK);
  mm.mapNew(vdso, vdso + VDSO_PAGES * PAGE, PROT_READ | PROT_EXEC, VDSO);
  fill(engine, mm, vvar, vvarPage, PROT_READ, cache);
  fill(engine, mm, vdso, VDSO_PAGES_BYTES, PROT_READ | PROT_EXEC, cache);
  return vdso;
}

/** Puts bytes' pages at addr: the cache's shared frames, or copies. */
function fill(engine: Engine, mm: AddressSpace, addr: bigint, bytes: Uint8Array, prot: number, cache?: PageCache): void {
  const bits = protBits(prot, false) | PTE_COW;
  for (let off = 0; off < bytes.length; off += PAGE_SIZE, addr += PAGE) {
    const f = cache ? cache.frame(engine, bytes, off) : 0;
    if (f === 0) pokeUser(mm, addr, bytes.subarray(off, off + PAGE_SIZE));
    else if (engine.x.ptMap(mm.root, addr, f, bits) !== 0) {
      engine.x.frameUnref(f);
      throw new Errno(ENOMEM);
    }
  }
}
