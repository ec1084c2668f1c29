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
 * changes: one page per realtime epoch, the same for every process of a
 * machine, written once.
 */
import { clockBase, CLOCK_RES_NS } from './clocks.js';
import { PAGE_SIZE } from '../engine/layout.js';

/** Clock ids the page has room for (MAX_CLOCKS). */
const VVAR_CLOCKS = 16;
const SERVED = 0;
const OFFSET = 8;
const RES = OFFSET + 8 * VVAR_CLOCKS;

function makeVvarPage(epochNs: bigint): Uint8Array {
  const page = new Uint8Array(PAGE_SIZE);
  const dv = new DataView(page.buffer);
  let served = 0;
  for (let id = 0; id < VVAR_CLOCKS; id++) {
    const base = clockBase(id, epochNs);
    if (base === undefined) continue;
    served |= 1 << id;
    dv.setBigInt64(OFFSET + 8 * id, base, true);
    dv.setBigInt64(RES + 8 * id, CLOCK_RES_NS, true);
  }
  dv.setUint32(SERVED, served, true);
  // tz stays zero: the syscall reports UTC with no DST too
  return page;
}

/**
 * The pages made so far, by epoch: one array per epoch, never written, so
 * that the page cache hashes its contents once (it remembers a key per
 * array) and shares one frame among every process with that epoch. Bounded:
 * a program making machines of ever new epochs would otherwise keep a page
 * for each.
 */
const pages = new Map<bigint, Uint8Array>();
const PAGES_KEPT = 64;

/** The [vvar] page of a machine whose CLOCK_REALTIME starts at epochNs. */
export function vvarPage(epochNs: bigint): Uint8Array {
  let page = pages.get(epochNs);
  if (page === undefined) {
    if (pages.size >= PAGES_KEPT) pages.clear();
    pages.set(epochNs, (page = makeVvarPage(epochNs)));
  }
  return page;
}
