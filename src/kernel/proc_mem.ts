/**
 * /proc/<pid>/mem (fs/proc/base.c's mem_rw): a process's memory as a file
 * whose offsets are its addresses, read and written as ptrace's
 * PEEKDATA and POKEDATA reach it (a write lands on a read-only private
 * page too: a debugger's breakpoint). A transfer goes page by page and
 * stops at the first page it cannot reach: the bytes done so far, or EIO
 * when there are none; a mapped page is reached whatever its protection
 * (FOLL_FORCE). The address space is the one the process had at open:
 * once it has no users (the process ended or exec'd) nothing is read or
 * written. Opening it takes the right to trace the process: the same
 * user, or root (else EACCES).
 */
import type { Kernel, Stream } from './kernel.js';
import type { OpenFile } from './files.js';
import type { Task } from './task.js';
import type { AddressSpace } from './mm.js';
import { Errno, EACCES, EIO, EINVAL } from './errno.js';
import { peekUser, pokeUser } from './uaccess.js';

const PAGE = 4096;
/** What one read or write moves at most (mem_rw's loop is bounded by the count only; this keeps arrays sane). */
const MAX_TRANSFER = 1 << 20;
const SEEK_SET = 0;
const SEEK_CUR = 1;

export class MemStream implements Stream {
  /** The file offset: an address (an unsigned 64-bit value). */
  pos = 0n;

  constructor(private readonly mm: AddressSpace) {}

  /** Up to n bytes at address off, stopping at the first page that cannot be read. */
  readAt(off: bigint, n: number): Uint8Array {
    // the process ended (or exec'd) since the open: its old address space has no users, nothing is read
    if (this.mm.users <= 0) return new Uint8Array(0);
    const out = new Uint8Array(Math.min(n, MAX_TRANSFER));
    const done = peekUser(this.mm, BigInt.asUintN(64, off), out);
    if (done === 0 && out.length > 0) throw new Errno(EIO);
    return out.subarray(0, done);
  }

  /** data written at address off as far as it goes: the count written. */
  private writeAt(off: bigint, data: Uint8Array): number {
    if (this.mm.users <= 0) return 0;
    let done = 0;
    while (done < data.length) {
      const a = BigInt.asUintN(64, off + BigInt(done));
      const len = Math.min(data.length - done, PAGE - Number(a & 4095n));
      try {
        pokeUser(this.mm, a, data.subarray(done, done + len));
      } catch {
        break;
      }
      done += len;
    }
    if (done === 0 && data.length > 0) throw new Errno(EIO);
    return done;
  }

  sysRead(_k: Kernel, _f: OpenFile, max: number): Uint8Array {
    const got = this.readAt(this.pos, max);
    this.pos = BigInt.asUintN(64, this.pos + BigInt(got.length));
    return got;
  }

  /** pwrite's part: n bytes from `read` written at address off, as far as they go: the count written. */
  writeFrom(off: bigint, n: number, read: (off: number, len: number) => Uint8Array): number {
    return this.writeAt(off, read(0, Math.min(n, MAX_TRANSFER)));
  }

  sysWrite(_k: Kernel, _f: OpenFile, n: number, read: (off: number, len: number) => Uint8Array): bigint {
    const done = this.writeFrom(this.pos, n, read);
    this.pos = BigInt.asUintN(64, this.pos + BigInt(done));
    return BigInt(done);
  }

  /** mem_lseek: SEEK_SET and SEEK_CUR only, any offset (the result is an address, not a size). */
  seek(offset: bigint, whence: number): bigint {
    if (whence === SEEK_SET) this.pos = BigInt.asUintN(64, offset);
    else if (whence === SEEK_CUR) this.pos = BigInt.asUintN(64, this.pos + offset);
    else throw new Errno(EINVAL);
    return this.pos;
  }
}

/**
 * Opens /proc/<pid>/mem of task t for the current process: its address
 * space now, if the caller may trace it (ptrace_may_access with the
 * filesystem ids: root, or every uid and gid of t the caller's).
 */
export function openMem(k: Kernel, t: Task): MemStream {
  const me = k.current.cred;
  const c = t.cred;
  const same = c.uid === me.fsuid && c.euid === me.fsuid && c.suid === me.fsuid && c.gid === me.fsgid && c.egid === me.fsgid && c.sgid === me.fsgid;
  if (me.euid !== 0 && !same) throw new Errno(EACCES);
  return new MemStream(t.mm);
}
