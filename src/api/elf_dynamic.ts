/**
 * What an ELF file's dynamic section (PT_DYNAMIC) tells the dynamic loader
 * about the objects it needs: DT_NEEDED names, DT_RPATH and DT_RUNPATH
 * search paths, DT_SONAME, DF_1_NODEFLIB, and the interpreter PT_INTERP
 * names. Strings are found through DT_STRTAB, an address turned into a file
 * offset by the PT_LOAD segment holding it; anything out of bounds is left
 * out rather than read.
 */
import { parseElf, PT_LOAD } from '../kernel/elf.js';

const PT_DYNAMIC = 2;
const DT_NULL = 0n;
const DT_NEEDED = 1n;
const DT_STRTAB = 5n;
const DT_SONAME = 14n;
const DT_RPATH = 15n;
const DT_RUNPATH = 29n;
const DT_FLAGS_1 = 0x6ffffffbn;
const DF_1_NODEFLIB = 0x800n;

export interface DynamicInfo {
  /** PT_INTERP's path, if any. */
  interp: string | undefined;
  needed: string[];
  soname: string | undefined;
  /** The colon-separated lists, unexpanded ($ORIGIN and the like stay). */
  rpath: string | undefined;
  runpath: string | undefined;
  /** DF_1_NODEFLIB: the cache and default directories are not searched for this object's needs. */
  nodeflib: boolean;
}

const dec = new TextDecoder();

/** The dynamic information of an ELF file; throws ElfError for a file that is no x86-64 ELF. */
export function readDynamic(bytes: Uint8Array): DynamicInfo {
  const elf = parseElf(bytes);
  const info: DynamicInfo = {
    interp: elf.interp && dec.decode(elf.interp), needed: [], soname: undefined, rpath: undefined, runpath: undefined, nodeflib: false,
  };
  const dyn = elf.phdrs.find((p) => p.type === PT_DYNAMIC);
  if (!dyn || dyn.offset + dyn.filesz > BigInt(bytes.length)) return info;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: [bigint, bigint][] = [];
  for (let o = Number(dyn.offset); o + 16 <= Number(dyn.offset + dyn.filesz); o += 16) {
    const tag = dv.getBigInt64(o, true);
    if (tag === DT_NULL) break;
    entries.push([tag, dv.getBigUint64(o + 8, true)]);
  }
  const strtabAddr = entries.find(([t]) => t === DT_STRTAB)?.[1];
  const load = strtabAddr === undefined ? undefined
    : elf.phdrs.find((p) => p.type === PT_LOAD && strtabAddr >= p.vaddr && strtabAddr < p.vaddr + p.filesz);
  const str = (off: bigint): string | undefined => {
    if (!load || strtabAddr === undefined) return undefined;
    const at = Number(load.offset + (strtabAddr - load.vaddr) + off);
    if (at >= bytes.length) return undefined;
    const end = bytes.indexOf(0, at);
    return end < 0 ? undefined : dec.decode(bytes.subarray(at, end));
  };
  for (const [tag, val] of entries) {
    if (tag === DT_NEEDED) {
      const s = str(val);
      if (s !== undefined) info.needed.push(s);
    } else if (tag === DT_SONAME) info.soname = str(val);
    else if (tag === DT_RPATH) info.rpath = str(val);
    else if (tag === DT_RUNPATH) info.runpath = str(val);
    else if (tag === DT_FLAGS_1) info.nodeflib = (val & DF_1_NODEFLIB) !== 0n;
  }
  return info;
}
