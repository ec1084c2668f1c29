/**
 * The [vvar] page: what the vDSO (src/kernel/vdso/vdso.c, struct vvar_data)
 * reads to turn the TSC into each clock without entering the kernel.
 *
 *   +0    served  u32   bit n: clock id n is read here (else the vDSO makes the syscall)
 *   +8    offset  s64[16]  ns added to the TSC for clock id n
 *   +136  res     s64[16]  clock_getres's answer for clock id n, in ns
 *   +264  tz      2 x i32  gettimeofday's struct timezone
 *
 * The TSC is the virtual clock itself (the engine counts the kernel's time
 * and the time slept into it), so an offset is the clock's base and never
 * changes: one page, the same for every process, written once.
 */
import { clockBase, CLOCK_RES_NS } from './clocks.js';
import { PAGE_SIZE } from '../engine/layout.js';

/** Clock ids the page has room for (MAX_CLOCKS). */
const VVAR_CLOCKS = 16;
const SERVED = 0;
const OFFSET = 8;
const RES = OFFSET + 8 * VVAR_CLOCKS;

function vvarPage(): Uint8Array {
  const page = new Uint8Array(PAGE_SIZE);
  const dv = new DataView(page.buffer);
  let served = 0;
  for (let id = 0; id < VVAR_CLOCKS; id++) {
    const base = clockBase(id);
    if (base === undefined) continue;
    served |= 1 << id;
    dv.setBigInt64(OFFSET + 8 * id, base, true);
    dv.setBigInt64(RES + 8 * id, CLOCK_RES_NS, true);
  }
  dv.setUint32(SERVED, served, true);
  // tz stays zero: the syscall reports UTC with no DST too
  return page;
}

/** The page's bytes, made once (never written: every address space maps the same). */
export const VVAR_PAGE: Uint8Array = vvarPage();
