/**
 * ELF64 parsing for x86-64 executables (ET_EXEC and ET_DYN, with or without
 * a PT_INTERP naming their dynamic loader). Anything else is rejected with
 * ENOEXEC and a message that says why, never a crash: every offset read from
 * the file is bounds-checked against its length.
 */
import { Errno, ENOEXEC } from './errno.js';

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_X86_64 = 62;
export const PT_LOAD = 1;
export const PT_INTERP = 3;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: bigint;
  vaddr: bigint;
  filesz: bigint;
  memsz: bigint;
  align: bigint;
}

export interface ElfImage {
  type: number;
  entry: bigint;
  phoff: bigint;
  phentsize: number;
  phnum: number;
  phdrs: ProgramHeader[];
  /** The program interpreter PT_INTERP names (without its NUL), if any. */
  interp: Uint8Array | undefined;
}

/** Thrown for a file that is not a static x86-64 ELF executable. */
export class ElfError extends Errno {
  constructor(message: string) {
    super(ENOEXEC, message);
  }
}

const MAX_USER = 0x7ffffffff000n;
const PATH_MAX = 4096;

export function parseElf(bytes: Uint8Array): ElfImage {
  if (bytes.length < 64) throw new ElfError('not an ELF file: shorter than an ELF header');
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('not an ELF file: bad magic');
  }
  if (bytes[4] !== 2) throw new ElfError('not a 64-bit ELF file (EI_CLASS is not ELFCLASS64)');
  if (bytes[5] !== 1) throw new ElfError('not a little-endian ELF file');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_X86_64) throw new ElfError(`not an x86-64 ELF file (e_machine ${machine})`);
  if (type !== ET_EXEC && type !== ET_DYN) {
    throw new ElfError(`not an executable (e_type ${type}): only ET_EXEC and ET_DYN run`);
  }
  const entry = dv.getBigUint64(24, true);
  const phoff = dv.getBigUint64(32, true);
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phnum === 0) throw new ElfError('no program headers');
  if (phentsize !== 56) throw new ElfError(`unexpected program header size ${phentsize}`);
  if (phoff + BigInt(phnum * phentsize) > BigInt(bytes.length)) {
    throw new ElfError('program headers lie outside the file');
  }
  const phdrs: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = Number(phoff) + i * phentsize;
    phdrs.push({
      type: dv.getUint32(o, true),
      flags: dv.getUint32(o + 4, true),
      offset: dv.getBigUint64(o + 8, true),
      vaddr: dv.getBigUint64(o + 16, true),
      filesz: dv.getBigUint64(o + 32, true),
      memsz: dv.getBigUint64(o + 40, true),
      align: dv.getBigUint64(o + 48, true),
    });
  }
  // the first PT_INTERP names the loader; binfmt_elf refuses one too short, longer than a
  // path, or without its terminating NUL
  let interp: Uint8Array | undefined;
  const ip = phdrs.find((p) => p.type === PT_INTERP);
  if (ip) {
    if (ip.filesz < 2n || ip.filesz > BigInt(PATH_MAX)) throw new ElfError('PT_INTERP of a bad size');
    if (ip.offset + ip.filesz > BigInt(bytes.length)) throw new ElfError('PT_INTERP lies outside the file');
    const at = Number(ip.offset);
    const end = at + Number(ip.filesz) - 1;
    if (bytes[end] !== 0) throw new ElfError('PT_INTERP without its terminating NUL');
    interp = bytes.slice(at, bytes.indexOf(0, at));
  }
  const loads = phdrs.filter((p) => p.type === PT_LOAD);
  if (loads.length === 0) throw new ElfError('no PT_LOAD segment');
  for (const p of loads) {
    if (p.filesz > p.memsz) throw new ElfError('segment with p_filesz > p_memsz');
    if (p.offset + p.filesz > BigInt(bytes.length)) throw new ElfError('segment lies outside the file');
    if ((p.offset & 0xfffn) !== (p.vaddr & 0xfffn)) {
      throw new ElfError('segment offset and address disagree modulo the page size');
    }
    if (p.vaddr + p.memsz > MAX_USER || p.vaddr + p.memsz < p.vaddr) {
      throw new ElfError('segment outside the user address space');
    }
  }
  return { type, entry, phoff, phentsize, phnum, phdrs, interp };
}
