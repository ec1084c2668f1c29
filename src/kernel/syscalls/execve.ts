/** execve(2) of programs from the machine's file tree (src/kernel/vfs.ts). */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EACCES, E2BIG, ENOEXEC } from '../errno.js';
import { resolve } from '../vfs.js';
import { readCString, readU64 } from '../uaccess.js';
import { pathText } from './paths.js';
import { sendSignalTo } from '../signals.js';
import { killInfo } from '../signal_frame.js';
import { SI_USER } from '../siginfo.js';
import { SIGTRAP } from '../signal_names.js';
import { PTRACE_O_TRACEEXEC, PTRACE_EVENT_EXEC } from '../ptrace.js';

const MAX_ARGS = 0x7fffffff;

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

/** Normalizes a path lexically, relative ones taken from the root (how the machine's files are named). */
export function normalizePath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

export const execSyscalls: SyscallRow[] = [
  row(59, 'execve', 'spp', (k, a) => {
    const pathBytes = readCString(k.mm, a.u64(0));
    const argv = readStrings(k, a.u64(1));
    const env = readStrings(k, a.u64(2));
    // resolved in the file tree: /proc/self/exe names the running image
    const node = resolve(k.fileTree(), k.cwd(), pathText(pathBytes), true);
    // a directory or a device is no program (may_open's EACCES for a non-regular file), nor a
    // tmpfs file without an execute bit
    if (node.kind === 'tmp' && !(node.file.mode & 0o111)) throw new Errno(EACCES);
    if (node.kind === 'file' && node.lower && !(node.lower.mode & 0o111)) throw new Errno(EACCES);
    if (node.kind !== 'file' && node.kind !== 'tmp') throw new Errno(EACCES);
    const file = node.kind === 'file' ? node.data : node.file.read(0, node.file.size);
    if (file.length < 4) throw new Errno(ENOEXEC);
    k.execImage(file, { argv, env, execfn: pathBytes }, node.path, node.kind === 'tmp' ? node.file : undefined);
    // ptrace_event(PTRACE_EVENT_EXEC, the former tid): a stop here under PTRACE_O_TRACEEXEC, else
    // the legacy report, SIGTRAP to a task traced by TRACEME or ATTACH, stopped for on the way out
    const t = k.current;
    if (t.tracer !== undefined && (t.ptraceOptions & PTRACE_O_TRACEEXEC) !== 0) k.ptraceNotify(t, undefined, SIGTRAP | (PTRACE_EVENT_EXEC << 8), t.tid);
    else if (t.tracer !== undefined && !t.ptraceSeized) sendSignalTo(t, SIGTRAP, killInfo(SIGTRAP, SI_USER, t.tgid, t.cred.uid));
    return 0n;
  }),
];

