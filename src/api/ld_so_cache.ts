/**
 * /etc/ld.so.cache as glibc's ldconfig writes it (the "glibc-ld.so.cache"
 * format, version 1.1): a header, then entries of flags, key (the soname)
 * and value (the path) as offsets into a string table that the offsets
 * count from the start of the file. The dynamic loader looks a needed name
 * up here before the default directories; only entries for this machine's
 * objects (x86-64, libc6) count.
 */
const MAGIC = 'glibc-ld.so.cache1.1';
const HEADER_SIZE = 48;
const ENTRY_SIZE = 24;
/** FLAG_ELF_LIBC6 | FLAG_X8664_LIB64: a 64-bit x86 glibc object. */
const X86_64_LIBC6 = 0x0303;

const dec = new TextDecoder();

/** soname -> path, the first entry of each name winning (as the loader's search of the sorted table finds it). */
export function readLdSoCache(bytes: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  if (bytes.length < HEADER_SIZE || dec.decode(bytes.subarray(0, MAGIC.length)) !== MAGIC) return out;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = dv.getUint32(20, true);
  const str = (off: number): string | undefined => {
    if (off >= bytes.length) return undefined;
    const end = bytes.indexOf(0, off);
    return end < 0 ? undefined : dec.decode(bytes.subarray(off, end));
  };
  for (let i = 0; i < count; i++) {
    const o = HEADER_SIZE + i * ENTRY_SIZE;
    if (o + ENTRY_SIZE > bytes.length) break;
    if ((dv.getInt32(o, true) & 0xffff) !== X86_64_LIBC6) continue;
    // an entry with hwcaps names a copy for CPUs beyond the x86-64 baseline (glibc-hwcaps/x86-64-v2
    // and up), which the engine's CPU is not: its loader passes those by
    if (dv.getBigUint64(o + 16, true) !== 0n) continue;
    const key = str(dv.getUint32(o + 4, true));
    const value = str(dv.getUint32(o + 8, true));
    if (key !== undefined && value !== undefined && !out.has(key)) out.set(key, value);
  }
  return out;
}
