/**
 * The guest's memory as far as a case can reach it: the fixed pages of
 * docs/fuzz-case.md, with their bytes and protections. Anything else
 * (UNMAPPED, the guard page at TOP, low addresses, the kernel half) counts as
 * unmapped. The guest's text, data and stack are left out: no address base
 * points at them.
 *
 *   0x10000000 SITES   r-x  8 slots of 32 bytes, then int3 (0xcc) padding
 *   0x10010000 SEL_RW  rw-  zeros; private (fork copies it)
 *   0x10020000 SEL_RO  r--  byte 0 = roValue, then zeros
 *   0x10030000 CASE    rw-  encodeCase(c, direct)
 *   0x10040000 LOG     rw-  2 pages, MAP_SHARED: the log, then the scratch page
 *   TOP - 4096 [stack] rw-  the top of the initial stack, as exec leaves it
 *                           without ASLR (the engine; `setarch -R`): its last
 *                           8 bytes are the zero end marker; the rest (strings,
 *                           auxv) is not modelled and reads as 0
 *
 * With ASLR (a native run by default) the stack's top page lies lower and the
 * page below TOP is unmapped: a selector there is flagged by `stackRead`.
 */
import { SITES, SEL_RW, SEL_RO, CASE_ADDR, LOG_ADDR, LOG_BYTES, SLOTS, TOP, encodeCase, type FuzzCase } from '../case.js';

export const PAGE = 4096n;
export const PROT_READ = 1;
export const PROT_WRITE = 2;
export const PROT_EXEC = 4;

interface Page {
  /** The page's bytes, or null while it is all zeros (most pages are never written). */
  bytes: Uint8Array | null;
  /** Content made on first use (the CASE page: nothing reads it unless a selector points there). */
  lazy?: () => Uint8Array;
  prot: number;
  shared: boolean;
  /** The bytes are shared with another address space (fork) or a constant: copy before writing. */
  cow: boolean;
  /** A view of `bytes` for word access, made on first use. */
  dv?: DataView;
}

/** One slot: syscall; ret; int3 x13; mov $15,%eax; syscall; ud2; int3 x7. */
function sitesPage(): Uint8Array {
  const p = new Uint8Array(4096).fill(0xcc);
  const slot = [0x0f, 0x05, 0xc3, ...Array(13).fill(0xcc), 0xb8, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x0f, 0x0b, ...Array(7).fill(0xcc)];
  for (let k = 0; k < SLOTS; k++) p.set(slot, 32 * k);
  return p;
}

const SITES_PAGE = sitesPage();

/** An address space: fork copies private pages and shares MAP_SHARED ones. */
export class Memory {
  private pages = new Map<bigint, Page>();

  static initial(c: FuzzCase, direct: boolean): Memory {
    const m = new Memory();
    m.pages.set(SITES, { bytes: SITES_PAGE, prot: PROT_READ | PROT_EXEC, shared: false, cow: true });
    m.pages.set(SEL_RW, { bytes: null, prot: PROT_READ | PROT_WRITE, shared: false, cow: false });
    let ro: Uint8Array | null = null;
    if (c.roValue & 0xff) {
      ro = new Uint8Array(4096);
      ro[0] = c.roValue & 0xff;
    }
    m.pages.set(SEL_RO, { bytes: ro, prot: PROT_READ, shared: false, cow: false });
    m.pages.set(CASE_ADDR, { bytes: null, lazy: () => encodeCase(c, direct), prot: PROT_READ | PROT_WRITE, shared: false, cow: false });
    for (let o = 0n; o < BigInt(LOG_BYTES); o += PAGE) {
      m.pages.set(LOG_ADDR + o, { bytes: null, prot: PROT_READ | PROT_WRITE, shared: true, cow: false });
    }
    m.pages.set(TOP - PAGE, { bytes: null, prot: PROT_READ | PROT_WRITE, shared: false, cow: false });
    return m;
  }

  /** Whether a read of `addr` depends on the stack layout (ASLR, strings and auxv the model leaves out). */
  static stackRead(addr: bigint): 'end-marker' | 'unknown' | null {
    if (addr >= TOP - 8n && addr < TOP) return 'end-marker';
    if (addr >= TOP - PAGE && addr < TOP) return 'unknown';
    return null;
  }

  fork(): Memory {
    const m = new Memory();
    for (const [a, p] of this.pages) {
      if (p.shared) {
        m.pages.set(a, p);
      } else {
        // both sides copy on their next write
        if (p.bytes) p.cow = true;
        m.pages.set(a, { ...p, dv: undefined });
      }
    }
    return m;
  }

  /** The page's bytes for reading (zeros while untouched). */
  private view(p: Page): Uint8Array | null {
    if (!p.bytes && p.lazy) {
      p.bytes = p.lazy();
      p.lazy = undefined;
    }
    return p.bytes;
  }

  /** The page's bytes for writing: made real, and private if shared by fork. */
  private own(p: Page): Uint8Array {
    const b = this.view(p);
    if (!b) {
      p.bytes = new Uint8Array(4096);
      p.cow = false;
      p.dv = undefined;
    } else if (p.cow) {
      p.bytes = b.slice();
      p.cow = false;
      p.dv = undefined;
    }
    return p.bytes!;
  }

  private dataView(p: Page, b: Uint8Array): DataView {
    if (!p.dv || p.dv.buffer !== b.buffer) p.dv = new DataView(b.buffer, b.byteOffset, 4096);
    return p.dv;
  }

  isMapped(page: bigint): boolean {
    return this.pages.has(page);
  }

  /** A user read of one byte (x86: any accessible page is readable; no protection keys). */
  read(addr: bigint): number | 'unreadable' {
    const p = this.pages.get(addr & ~(PAGE - 1n));
    if (!p || !(p.prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) return 'unreadable';
    const b = this.view(p);
    return b ? b[Number(addr & (PAGE - 1n))] : 0;
  }

  /** A user write of one byte: false when it faults. */
  write(addr: bigint, v: number): boolean {
    const p = this.pages.get(addr & ~(PAGE - 1n));
    if (!p || !(p.prot & PROT_WRITE)) return false;
    this.own(p)[Number(addr & (PAGE - 1n))] = v & 0xff;
    return true;
  }

  /** mprotect of one page: false (ENOMEM) when it is not mapped. */
  protect(page: bigint, prot: number): boolean {
    const p = this.pages.get(page);
    if (!p) return false;
    p.prot = prot;
    return true;
  }

  unmap(page: bigint): void {
    this.pages.delete(page);
  }

  /** A u64 of a page the guest itself writes (the log); faults are not modelled here. */
  word(addr: bigint): bigint {
    const p = this.pages.get(addr & ~(PAGE - 1n))!;
    const b = this.view(p);
    return b ? this.dataView(p, b).getBigUint64(Number(addr & (PAGE - 1n)), true) : 0n;
  }

  setWord(addr: bigint, v: bigint): void {
    const p = this.pages.get(addr & ~(PAGE - 1n))!;
    const b = this.own(p);
    this.dataView(p, b).setBigUint64(Number(addr & (PAGE - 1n)), BigInt.asUintN(64, v), true);
  }

  /** The bytes of [addr, addr + n) across pages (all mapped). */
  bytes(addr: bigint, n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let o = 0; o < n; o += 4096) {
      const b = this.view(this.pages.get(addr + BigInt(o))!);
      if (b) out.set(b.subarray(0, Math.min(4096, n - o)), o);
    }
    return out;
  }
}
