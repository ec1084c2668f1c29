/** execve(2) of programs from the machine's in-memory filesystem. */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, ENOENT, E2BIG, ENOEXEC } from '../errno.js';
import { readCString, readU64 } from '../uaccess.js';

const MAX_ARGS = 0x7fffffff;
const dec = new TextDecoder();

/**
 * A NULL-terminated array of string pointers (argv, envp); NULL itself is an
 * empty array. The strings stay bytes: the new image gets them exactly.
 */
function readStrings(k: Kernel, addr: bigint): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (addr === 0n) return out;
  let bytes = 0;
  for (let i = 0; i < MAX_ARGS; i++) {
    const p = readU64(k.mm, addr + BigInt(i * 8));
    if (p === 0n) return out;
    // MAX_ARG_STRLEN per string; the whole set is bounded before it grows large
    const str = readCString(k.mm, p, 128 * 1024);
    bytes += str.length + 1;
    if (bytes > 2 * 1024 * 1024 || out.length >= 65536) throw new Errno(E2BIG);
    out.push(str);
  }
  throw new Errno(E2BIG);
}

/** Normalizes a path (no cwd: relative paths are taken from the root). */
export function normalizePath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

/** The path execve last looked up, as the guest gave it and normalized: a program executes one path again and again. */
let lastPath: Uint8Array = new Uint8Array(0);
let lastNormalized = '/';

function normalizedPath(bytes: Uint8Array): string {
  let same = bytes.length === lastPath.length;
  for (let i = 0; same && i < bytes.length; i++) same = bytes[i] === lastPath[i];
  if (!same) {
    lastNormalized = normalizePath(dec.decode(bytes));
    lastPath = bytes;
  }
  return lastNormalized;
}

export const execSyscalls: SyscallRow[] = [
  row(59, 'execve', 'spp', (k, a) => {
    const pathBytes = readCString(k.mm, a.u64(0));
    const argv = readStrings(k, a.u64(1));
    const env = readStrings(k, a.u64(2));
    const path = normalizedPath(pathBytes);
    // /proc/self/exe names the running image, unless the machine was given a file there
    const file = k.fsFiles.get(path) ?? (path === '/proc/self/exe' ? k.mm.exe : undefined);
    if (!file) throw new Errno(ENOENT);
    if (file.length < 4) throw new Errno(ENOEXEC);
    k.execImage(file, { argv, env, execfn: pathBytes });
    return 0n;
  }),
];

