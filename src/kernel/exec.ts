/**
 * execve's loader: maps an ELF's PT_LOAD segments with their permissions,
 * and its interpreter's (the dynamic loader PT_INTERP names), sets up bss
 * and the program break, and builds the initial stack (argc, argv, envp,
 * auxv) the way Linux's binfmt_elf does.
 *
 *   STACK_TOP  +------------------------------+
 *              | 8 zero bytes                 |
 *              | execfn string                |
 *              | envp strings, argv strings   |
 *              | "x86_64" (AT_PLATFORM)       |
 *              | 16 random bytes (AT_RANDOM)  |
 *              | (align 16)                   |
 *              | auxv pairs ... AT_NULL       |
 *              | envp[] NULL                  |
 *              | argv[] NULL                  |
 *   rsp ->     | argc                         |
 */
import { CPUID } from './cpuinfo.js';
import type { Engine } from '../engine/engine.js';
import { parseElf, ET_DYN, PT_LOAD, PT_PHDR, PF_R, PF_W, PF_X, type ElfImage } from './elf.js';
import {
  AddressSpace, PAGE, pageDown, pageUp, STACK_TOP, STACK_SIZE, ELF_ET_DYN_BASE, PROT_READ, PROT_WRITE,
  PROT_EXEC, protBits, FILE_PAGES,
} from './mm.js';
import { PTE_COW, PAGE_SIZE } from '../engine/layout.js';
import type { PageCache } from './page_cache.js';
import type { MappedFiles } from './tmpfs.js';
import { pokeUser } from './uaccess.js';
import { Errno, E2BIG, ENOMEM } from './errno.js';
import { mapVdso } from './vdso.js';
import { MINSIGSTKSZ_AUX } from './signal_frame.js';

export const AT_NULL = 0;
export const AT_PHDR = 3;
export const AT_PHENT = 4;
export const AT_PHNUM = 5;
export const AT_PAGESZ = 6;
export const AT_BASE = 7;
export const AT_FLAGS = 8;
export const AT_ENTRY = 9;
export const AT_UID = 11;
export const AT_EUID = 12;
export const AT_GID = 13;
export const AT_EGID = 14;
export const AT_PLATFORM = 15;
export const AT_HWCAP = 16;
export const AT_CLKTCK = 17;
export const AT_SECURE = 23;
export const AT_RANDOM = 25;
export const AT_HWCAP2 = 26;
export const AT_EXECFN = 31;
export const AT_SYSINFO_EHDR = 33;
export const AT_MINSIGSTKSZ = 51;

/** AT_HWCAP on x86-64 is cpuid(1).edx: what the engine's fixed cpuid reports. */
const HWCAP = CPUID.get(1)![3];
const MAX_ARG_BYTES = 128 * 1024;

/**
 * An argument or environment string: text (UTF-8 encoded), or bytes as
 * execve(2) takes them, any byte but NUL.
 */
export type ArgString = string | Uint8Array;

export interface ExecArgs {
  argv: ArgString[];
  env: ArgString[];
  /** The path the program was executed as (AT_EXECFN). */
  execfn: ArgString;
  /** 16 bytes for AT_RANDOM, from the machine's seeded source. */
  random: Uint8Array;
  /** The machine's [vvar] page (src/kernel/vvar.ts): its clocks, for the vDSO. */
  vvar: Uint8Array;
}

export interface LoadedImage {
  mm: AddressSpace;
  entry: bigint;
  sp: bigint;
  elf: ElfImage;
}

const enc = new TextEncoder();
/** AT_PLATFORM's string, encoded once (pokeUser only reads it). */
const PLATFORM = enc.encode('x86_64\0');
/** The auxv entries buildStack puts (AT_NULL's included). */
const AUX_COUNT = 21;

const ELF_HEADER_SIZE = 64;

/**
 * The headers of each file loaded (a fork server's program is executed
 * again and again), with the bytes they were read from: parseElf reads the
 * ELF header, the program headers and the file's length only, so a file
 * with the same bytes there parses the same (the array given to spawn is
 * the caller's, which may change). Never written: loads share it.
 */
const parsed = new WeakMap<Uint8Array, ParsedElf>();

/**
 * A parse and what it was read from: the header and program headers as
 * copies, compared with the file as 32-bit words where the file's bytes
 * are 4-byte aligned in their buffer (words: a view of the file's own
 * bytes, so a change to them shows), byte by byte where they are not.
 */
interface ParsedElf {
  elf: ElfImage;
  length: number;
  header: Uint8Array;
  phdrs: Uint8Array;
  words: Int32Array | undefined;
  headerWords: Int32Array;
  phdrsWords: Int32Array;
}

export function parseElfOnce(bytes: Uint8Array): ElfImage {
  const p = parsed.get(bytes);
  if (p !== undefined && p.length === bytes.length && sameHeaders(bytes, p)) return p.elf;
  const elf = parseElf(bytes);
  const phoff = Number(elf.phoff);
  const phdrs = bytes.slice(phoff, phoff + elf.phnum * elf.phentsize);
  const header = bytes.slice(0, ELF_HEADER_SIZE);
  const aligned = bytes.byteOffset % 4 === 0 && phoff % 4 === 0 && phdrs.length % 4 === 0;
  parsed.set(bytes, {
    elf, length: bytes.length, header, phdrs,
    words: aligned ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2) : undefined,
    headerWords: new Int32Array(header.buffer, 0, ELF_HEADER_SIZE >> 2),
    phdrsWords: new Int32Array(phdrs.buffer, 0, phdrs.length >> 2),
  });
  return elf;
}

/** The file still holds the header and program headers p was parsed from. */
function sameHeaders(bytes: Uint8Array, p: ParsedElf): boolean {
  const w = p.words;
  if (w === undefined) return sameAt(bytes, 0, p.header) && sameAt(bytes, Number(p.elf.phoff), p.phdrs);
  return sameWordsAt(w, 0, p.headerWords) && sameWordsAt(w, Number(p.elf.phoff) >> 2, p.phdrsWords);
}

/** bytes holds part at offset at. */
function sameAt(bytes: Uint8Array, at: number, part: Uint8Array): boolean {
  for (let i = 0; i < part.length; i++) if (bytes[at + i] !== part[i]) return false;
  return true;
}

/** words holds part at word index at. */
function sameWordsAt(words: Int32Array, at: number, part: Int32Array): boolean {
  for (let i = 0; i < part.length; i++) if (words[at + i] !== part[i]) return false;
  return true;
}

/** A program's interpreter (PT_INTERP): its absolute path in the file tree and its bytes. */
export interface Interpreter {
  path: string;
  bytes: Uint8Array;
}

/** The span of an image's PT_LOAD segments, from the first one's page (total_mapping_size). */
function loadSpan(elf: ElfImage): { first: bigint; size: bigint } {
  let first = -1n;
  let last = 0n;
  for (const p of elf.phdrs) {
    if (p.type !== PT_LOAD) continue;
    if (first < 0n) first = pageDown(p.vaddr);
    if (p.vaddr + p.memsz > last) last = p.vaddr + p.memsz;
  }
  return { first, size: pageUp(last) - first };
}

/** The largest power-of-two p_align of the PT_LOAD segments (maximum_alignment), at least a page. */
function maxAlign(elf: ElfImage): bigint {
  let align = PAGE;
  for (const p of elf.phdrs) {
    if (p.type === PT_LOAD && (p.align & (p.align - 1n)) === 0n && p.align > align) align = p.align;
  }
  return align;
}

/**
 * Where an image with no fixed address goes when nothing asks for one: as
 * mmap places it (top-down below the mmap base), aligned as its segments
 * ask. The bias is what its link addresses are moved by.
 */
function mmapBias(mm: AddressSpace, elf: ElfImage): bigint {
  const { first, size } = loadSpan(elf);
  const align = maxAlign(elf);
  const at = mm.findFree(size + align - PAGE, 0n);
  return ((at + align - PAGE) & ~(align - 1n)) - first;
}

/**
 * Loads an ELF into a fresh address space, its whole file pages from cache
 * when given, with its interpreter when it names one (the caller found it
 * in the file tree). Throws ElfError (ENOEXEC) for a bad file.
 *
 * As binfmt_elf with randomization off: ET_EXEC at its addresses; an ET_DYN
 * program with an interpreter at ELF_ET_DYN_BASE; an ET_DYN without one
 * (static-pie, or a loader run as a program) where mmap puts it, with its
 * heap from ELF_ET_DYN_BASE; the interpreter where mmap puts it. The
 * program then starts at the interpreter's entry.
 */
export function loadElf(
  engine: Engine, files: MappedFiles, bytes: Uint8Array, args: ExecArgs, cache?: PageCache, interp?: Interpreter,
): LoadedImage {
  const elf = parseElfOnce(bytes);
  const interpElf = interp && parseElfOnce(interp.bytes);
  const mm = new AddressSpace(engine, files);
  mm.exe = bytes;
  try {
    mm.mapNew(STACK_TOP - STACK_SIZE, STACK_TOP, PROT_READ | PROT_WRITE, '[stack]');
    let bias = 0n;
    if (elf.type === ET_DYN) {
      bias = interpElf ? pageDown((ELF_ET_DYN_BASE & ~(maxAlign(elf) - 1n)) - loadSpan(elf).first) : mmapBias(mm, elf);
    }
    mm.exeBias = bias;
    const { end, phdr } = mapSegments(engine, mm, bytes, elf, bias, FILE_PAGES, cache);
    mm.brkStart = elf.type === ET_DYN && !interpElf ? pageUp(ELF_ET_DYN_BASE) : pageUp(end);
    mm.brk = mm.brkStart;
    let base = 0n;
    let entry = elf.entry + bias;
    if (interp && interpElf) {
      base = interpElf.type === ET_DYN ? mmapBias(mm, interpElf) : 0n;
      mapSegments(engine, mm, interp.bytes, interpElf, base, interp.path);
      entry = interpElf.entry + base;
    }
    // after the images, as arch_setup_additional_pages: so below the interpreter
    const vdso = mapVdso(engine, mm, args.vvar, cache);
    const sp = buildStack(engine, mm, elf, bias, phdr, base, vdso, args);
    return { mm, entry, sp, elf };
  } catch (err) {
    mm.destroy();
    throw err;
  }
}

/**
 * Maps an image's PT_LOAD segments at their addresses plus bias, with their
 * permissions, into VMAs named name; whole file pages come from cache when
 * given. Returns where the last segment ends and where the program headers
 * lie in memory.
 */
function mapSegments(
  engine: Engine, mm: AddressSpace, bytes: Uint8Array, elf: ElfImage, bias: bigint, name: string, cache?: PageCache,
): { end: bigint; phdr: bigint } {
  let end = 0n;
  let phdr = 0n;
  for (const p of elf.phdrs) {
    if (p.type === PT_PHDR) phdr = p.vaddr + bias;
  }
  for (const p of elf.phdrs) {
    if (p.type !== PT_LOAD || p.memsz === 0n) continue;
    const vaddr = p.vaddr + bias;
    const start = pageDown(vaddr);
    const stop = pageUp(vaddr + p.memsz);
    const prot = (p.flags & PF_R ? PROT_READ : 0) | (p.flags & PF_W ? PROT_WRITE : 0) | (p.flags & PF_X ? PROT_EXEC : 0);
    // a page shared with the previous segment keeps its bytes: map only the new pages
    let from = start;
    const prev = mm.find(start);
    if (prev) {
      mm.protect(start, start + PAGE, prot | prev.prot);
      from = start + PAGE;
    }
    if (from < stop) mm.mapNew(from, stop, prot, name);
    // file pages as mmap maps them: from the page-aligned offset to the end of p_filesz,
    // whole pages, so that with no bss after it the last page goes on with the file's next
    // bytes (zero past the file's end), while a bss begins zeroed (binfmt_elf's padzero).
    // This segment's own pages come from the page cache, copy-on-write; a page shared
    // with the previous segment and a page with bss in it are copied
    const fileStart = Number(p.offset - (vaddr - start));
    const fileEnd = Number(p.offset + p.filesz);
    const noBss = p.memsz === p.filesz;
    const bits = protBits(prot, false) | PTE_COW;
    for (let off = fileStart, va = start; off < fileEnd; off += PAGE_SIZE, va += PAGE) {
      const own = va >= from;
      const pageEnd = own && noBss ? off + PAGE_SIZE : Math.min(fileEnd, off + PAGE_SIZE);
      const f = cache && own && pageEnd === off + PAGE_SIZE ? cache.frame(engine, bytes, off) : 0;
      if (f === 0) pokeUser(mm, va, bytes.subarray(off, pageEnd));
      else if (engine.x.ptMap(mm.root, va, f, bits) !== 0) {
        engine.x.frameUnref(f);
        throw new Errno(ENOMEM);
      }
    }
    if (phdr === 0n && elf.phoff >= p.offset && elf.phoff < p.offset + p.filesz) {
      phdr = vaddr + (elf.phoff - p.offset);
    }
    if (vaddr + p.memsz > end) end = vaddr + p.memsz;
  }
  return { end, phdr };
}

/** s with its terminating NUL, as the stack holds it. */
export function cString(s: ArgString): Uint8Array {
  if (typeof s === 'string') return enc.encode(s + '\0');
  const out = new Uint8Array(s.length + 1);
  out.set(s);
  return out;
}

/**
 * The top of the initial stack (strings, AT_RANDOM's bytes, the pointer
 * table) is laid out here, at the scratch's end, and written in one copy a
 * page: an exec step's stack is a few hundred bytes in one page, and a copy
 * per string, or a typed array per string, cost more than the layout.
 * Grown when a stack does not fit.
 */
let stackScratch = new Uint8Array(16384);
let stackScratchDv = new DataView(stackScratch.buffer);

/**
 * The stack's addresses as numbers (all below 2^47, exact as doubles): the
 * layout measures depths below STACK_TOP in small integers, where BigInt
 * arithmetic allocated at every step of it.
 */
const STACK_TOP_N = Number(STACK_TOP);
const MINSIGSTKSZ = Number(MINSIGSTKSZ_AUX);

/** The list as the bytes the stack holds, the list itself when it holds bytes already (as execve's do). */
function argBytes(list: ArgString[]): Uint8Array[] {
  for (const s of list) if (typeof s === 'string') return list.map((a) => (typeof a === 'string' ? enc.encode(a) : a));
  return list as Uint8Array[];
}

/** A 64-bit little-endian word at o of a number below 2^53. */
function putWord(dv: DataView, o: number, w: number): void {
  dv.setUint32(o, w >>> 0, true);
  dv.setUint32(o + 4, (w / 0x100000000) >>> 0, true);
}

/** An auxv pair at o; returns where the next one goes. */
function putAux(dv: DataView, o: number, type: number, value: number): number {
  putWord(dv, o, type);
  putWord(dv, o + 8, value);
  return o + 16;
}

/** An auxv pair of a loader's value (modulo 2^64, as the stack holds it). */
function putAuxBig(dv: DataView, o: number, type: number, value: bigint): number {
  putWord(dv, o, type);
  dv.setBigUint64(o + 8, value, true);
  return o + 16;
}

/** A depth below STACK_TOP made a multiple of 16: the address there aligned down (STACK_TOP is aligned). */
const align16 = (d: number): number => (d + 15) & ~15;

function buildStack(
  engine: Engine, mm: AddressSpace, elf: ElfImage, bias: bigint, phdr: bigint, base: bigint, vdso: bigint, args: ExecArgs,
): bigint {
  const argv = argBytes(args.argv);
  const env = argBytes(args.env);
  const execfn = typeof args.execfn === 'string' ? enc.encode(args.execfn) : args.execfn;
  let total = execfn.length + 1;
  for (const b of argv) total += b.length + 1;
  for (const b of env) total += b.length + 1;
  if (total > MAX_ARG_BYTES) throw new Errno(E2BIG);
  // argc, argv[], NULL, envp[], NULL, auxv pairs
  const count = 1 + argv.length + 1 + env.length + 1 + 2 * AUX_COUNT;
  // what lies below top: the strings, AT_PLATFORM's, AT_RANDOM's bytes, the table, and
  // three alignments to 16 bytes
  const most = total + PLATFORM.length + 16 + count * 8 + 3 * 15;
  if (most > stackScratch.length) {
    stackScratch = new Uint8Array(Math.max(most, 2 * stackScratch.length));
    stackScratchDv = new DataView(stackScratch.buffer);
  }
  const buf = stackScratch;
  const dv = stackScratchDv;
  // the scratch ends at top, 8 bytes below STACK_TOP: depth d lies at end - d
  const end = buf.length + 8;
  // the page is new: what the layout skips (alignment) is zero there, and here
  buf.fill(0, buf.length - most);
  // the strings, each with its NUL: argv's lowest, then envp's, then execfn just below top
  let d = 8 + total;
  const argStart = STACK_TOP_N - d;
  let o = end - d;
  for (const b of argv) {
    buf.set(b, o);
    o += b.length + 1;
  }
  const argEnd = STACK_TOP_N - (end - o);
  for (const b of env) {
    buf.set(b, o);
    o += b.length + 1;
  }
  const execfnAddr = STACK_TOP_N - (end - o);
  buf.set(execfn, o);
  // where the argument strings lie (/proc/self/cmdline reads them there, changes included)
  mm.argStart = BigInt(argStart);
  mm.argEnd = BigInt(argEnd);
  mm.envEnd = BigInt(execfnAddr);
  d += PLATFORM.length;
  const platform = STACK_TOP_N - d;
  buf.set(PLATFORM, end - d);
  d = align16(d) + 16;
  const random = STACK_TOP_N - d;
  for (let i = 0; i < 16; i++) buf[end - d + i] = args.random[i];
  // rsp must be 16-byte aligned at entry with argc at rsp
  d = align16(d + count * 8);
  const sp = STACK_TOP_N - d;
  o = end - d;
  putWord(dv, o, argv.length);
  o += 8;
  for (let i = 0, a = argStart; i < argv.length; a += argv[i].length + 1, i++, o += 8) putWord(dv, o, a);
  putWord(dv, o, 0);
  o += 8;
  for (let i = 0, a = argEnd; i < env.length; a += env[i].length + 1, i++, o += 8) putWord(dv, o, a);
  putWord(dv, o, 0);
  o += 8;
  const auxv = sp + (o - (end - d));
  // in the order Linux's create_elf_tables puts them (ARCH_DLINFO's first)
  o = putAuxBig(dv, o, AT_SYSINFO_EHDR, vdso);
  o = putAux(dv, o, AT_MINSIGSTKSZ, MINSIGSTKSZ);
  o = putAux(dv, o, AT_HWCAP, HWCAP);
  o = putAux(dv, o, AT_PAGESZ, 4096);
  o = putAux(dv, o, AT_CLKTCK, 100);
  o = putAuxBig(dv, o, AT_PHDR, phdr);
  o = putAux(dv, o, AT_PHENT, elf.phentsize);
  o = putAux(dv, o, AT_PHNUM, elf.phnum);
  o = putAuxBig(dv, o, AT_BASE, base);
  o = putAux(dv, o, AT_FLAGS, 0);
  o = putAuxBig(dv, o, AT_ENTRY, elf.entry + bias);
  o = putAux(dv, o, AT_UID, 0);
  o = putAux(dv, o, AT_EUID, 0);
  o = putAux(dv, o, AT_GID, 0);
  o = putAux(dv, o, AT_EGID, 0);
  o = putAux(dv, o, AT_SECURE, 0);
  o = putAux(dv, o, AT_RANDOM, random);
  o = putAux(dv, o, AT_HWCAP2, 0);
  o = putAux(dv, o, AT_EXECFN, execfnAddr);
  o = putAux(dv, o, AT_PLATFORM, platform);
  o = putAux(dv, o, AT_NULL, 0);
  if (o !== end - d + count * 8) throw new Error('sudsim: AUX_COUNT is not the auxv built here');
  // written a page at a time from the top page down, as the writes went when each string
  // was written apart (from the top string down), so that the pages fault in in that order
  const top = STACK_TOP_N - 8;
  for (let hi = top; hi > sp; ) {
    const lo = Math.max(hi - 1 - ((hi - 1) % PAGE_SIZE), sp);
    pokeUser(mm, BigInt(lo), buf.subarray(end - (STACK_TOP_N - lo), end - (STACK_TOP_N - hi)));
    hi = lo;
  }
  mm.startStack = BigInt(sp);
  mm.auxv = BigInt(auxv);
  return mm.startStack;
}
