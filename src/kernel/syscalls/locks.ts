/**
 * flock(2) and fcntl's record-lock commands (F_GETLK, F_SETLK, F_SETLKW
 * and their F_OFD_ forms), over the lock contexts of src/kernel/locks.ts.
 * A task that must wait sleeps in ERESTARTSYS, as Linux's
 * wait_event_interruptible does: a handler with SA_RESTART restarts the
 * call, any other makes it fail with EINTR. A process-owned F_SETLKW that
 * would close a cycle of processes waiting on each other's locks fails
 * with EDEADLK instead (posix_locks_deadlock).
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
import { Errno, EAGAIN, EBADF, EINVAL, EDEADLK, EOVERFLOW } from '../errno.js';
import { copyFromUser, copyToUser } from '../uaccess.js';
import { O_ACCMODE, O_RDONLY, O_RDWR, O_WRONLY, type OpenFile } from '../files.js';
import { FileStream, TmpStream, DirStream } from '../file_streams.js';
import { FileLock, F_RDLCK, F_UNLCK, F_WRLCK, OFFSET_MAX, flockLockInode, posixLockInode, posixTestLock } from '../locks.js';
import { signalDeliverable } from '../signals.js';
import { RestartSyscall } from './tasks.js';

export const F_GETLK = 5;
export const F_SETLK = 6;
export const F_SETLKW = 7;
export const F_OFD_GETLK = 36;
export const F_OFD_SETLK = 37;
export const F_OFD_SETLKW = 38;

const LOCK_SH = 1;
const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;
/** LOCK_MAND: never worked; Linux now ignores such a request, before it even looks at the descriptor. */
const LOCK_MAND = 32;

const SEEK_SET = 0;
const SEEK_CUR = 1;
const SEEK_END = 2;
/** posix_locks_deadlock gives up on a chain longer than this (and lets the caller wait). */
const MAX_DEADLK_ITERATIONS = 10;

const SLEEP = new RestartSyscall();

const mayRead = (f: OpenFile): boolean => (f.flags & O_ACCMODE) === O_RDONLY || (f.flags & O_ACCMODE) === O_RDWR;
const mayWrite = (f: OpenFile): boolean => (f.flags & O_ACCMODE) === O_WRONLY || (f.flags & O_ACCMODE) === O_RDWR;

/**
 * The task sleeps on the lock in its way until that lock goes or shrinks,
 * then runs the call again. With a signal already there to take, it does
 * not wait at all (the call ends in ERESTARTSYS at once).
 */
function sleepOnLock(k: Kernel, blocker: FileLock, owner: object, posix: boolean): never {
  const t = k.current;
  if (!signalDeliverable(t)) {
    t.lockWait = { blocker, owner, posix };
    blocker.waiters.push(t);
  }
  t.state = 'blocked';
  throw SLEEP;
}

/** A task running its lock call again (woken, or interrupted) no longer waits on anything. */
function dropLockWait(t: Task): void {
  const w = t.lockWait;
  if (!w) return;
  t.lockWait = undefined;
  const i = w.blocker.waiters.indexOf(t);
  if (i >= 0) w.blocker.waiters.splice(i, 1);
}

/** flock(2): the description's whole-file lock. */
function flock(k: Kernel, fd: number, cmd: number): bigint {
  if (cmd & LOCK_MAND) return 0n;
  // flock_translate_cmd, before the descriptor is looked at
  const op = cmd & ~LOCK_NB;
  const type = op === LOCK_SH ? F_RDLCK : op === LOCK_EX ? F_WRLCK : op === LOCK_UN ? F_UNLCK : -1;
  if (type < 0) throw new Errno(EINVAL);
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  if (type !== F_UNLCK && !mayRead(f) && !mayWrite(f)) throw new Errno(EBADF);
  const t = k.current;
  dropLockWait(t);
  f.locks = k.fileLocks;
  const blocker = flockLockInode(k.fileLocks.contextOf(f.stream), new FileLock(type, 0n, OFFSET_MAX, f, t.tgid, f, false));
  if (!blocker) return 0n;
  if (cmd & LOCK_NB) throw new Errno(EAGAIN);
  sleepOnLock(k, blocker, f, false);
}

/**
 * flock_to_posix_lock: the byte range of a struct flock (l_whence, l_start,
 * l_len) as first and last byte; a length of 0 runs to OFFSET_MAX, a
 * negative one ends before l_start.
 */
function posixRange(f: OpenFile, whence: number, lstart: bigint, len: bigint): [bigint, bigint] {
  const s = f.stream;
  let start: bigint;
  if (whence === SEEK_SET) start = 0n;
  else if (whence === SEEK_CUR) start = BigInt(s instanceof TmpStream || s instanceof FileStream || s instanceof DirStream ? s.pos : 0);
  else if (whence === SEEK_END) start = BigInt(s instanceof TmpStream ? s.file.size : s instanceof FileStream ? s.node.data.length : 0);
  else throw new Errno(EINVAL);
  if (lstart > OFFSET_MAX - start) throw new Errno(EOVERFLOW);
  start += lstart;
  if (start < 0n) throw new Errno(EINVAL);
  if (len > 0n) {
    if (len - 1n > OFFSET_MAX - start) throw new Errno(EOVERFLOW);
    return [start, start + len - 1n];
  }
  if (len < 0n) {
    if (start + len < 0n) throw new Errno(EINVAL);
    return [start + len, start - 1n];
  }
  return [start, OFFSET_MAX];
}

/**
 * posix_locks_deadlock: whether the owner asking would wait, through a
 * chain of process-owned requests each waiting on the next one's lock,
 * for itself. OFD requests are no part of a chain (no process owns them).
 */
function posixLocksDeadlock(k: Kernel, owner: object, block: FileLock): boolean {
  let blocker: FileLock | undefined = block;
  let i = 0;
  while ((blocker = whatOwnerIsWaitingFor(k, blocker.owner))) {
    if (i++ > MAX_DEADLK_ITERATIONS) return false;
    if (blocker.owner === owner) return true;
  }
  return false;
}

/** The lock a process-owned request of owner's sleeps on, if one does (blocked_hash). */
function whatOwnerIsWaitingFor(k: Kernel, owner: object): FileLock | undefined {
  for (const t of k.tasks.values()) {
    const w = t.lockWait;
    if (w !== undefined && w.posix && w.owner === owner && t.state === 'blocked') return w.blocker;
  }
  return undefined;
}

/**
 * fcntl's lock commands on description f, with the struct flock at arg
 * (x86-64: l_type and l_whence shorts, l_start and l_len at 8 and 16,
 * l_pid at 24; 32 bytes).
 */
export function fcntlLock(k: Kernel, f: OpenFile, cmd: number, arg: bigint): bigint {
  const raw = copyFromUser(k.mm, arg, 32);
  const dv = new DataView(raw.buffer);
  const type = dv.getInt16(0, true);
  const ofd = cmd === F_OFD_GETLK || cmd === F_OFD_SETLK || cmd === F_OFD_SETLKW;
  const getlk = cmd === F_GETLK || cmd === F_OFD_GETLK;
  // F_GETLK asks about a lock it could take; F_OFD_GETLK with F_UNLCK asks for its own
  if (getlk && !ofd && type !== F_RDLCK && type !== F_WRLCK) throw new Errno(EINVAL);
  const [start, end] = posixRange(f, dv.getInt16(2, true), dv.getBigInt64(8, true), dv.getBigInt64(16, true));
  if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) throw new Errno(EINVAL);
  if (!getlk && ((type === F_RDLCK && !mayRead(f)) || (type === F_WRLCK && !mayWrite(f)))) throw new Errno(EBADF);
  if (ofd && dv.getInt32(24, true) !== 0) throw new Errno(EINVAL);
  const t = k.current;
  const owner = ofd ? f : t.files;
  const request = new FileLock(type, start, end, owner, t.tgid, f, ofd);
  const ctx = k.fileLocks.contextOf(f.stream);
  if (getlk) {
    const held = posixTestLock(ctx, request);
    dv.setInt16(0, held ? held.type : F_UNLCK, true);
    if (held) {
      // what is in the way, from the start of the file
      dv.setInt16(2, SEEK_SET, true);
      dv.setBigInt64(8, held.start, true);
      dv.setBigInt64(16, held.end === OFFSET_MAX ? 0n : held.end - held.start + 1n, true);
      dv.setInt32(24, held.ofd ? -1 : held.pid, true);
    }
    copyToUser(k.mm, arg, raw);
    return 0n;
  }
  dropLockWait(t);
  if (ofd) f.locks = k.fileLocks;
  else t.files.flPosix = k.fileLocks;
  const blocker = posixLockInode(ctx, request);
  if (!blocker) return 0n;
  if (cmd === F_SETLK || cmd === F_OFD_SETLK) throw new Errno(EAGAIN);
  if (!ofd && posixLocksDeadlock(k, owner, blocker)) throw new Errno(EDEADLK);
  sleepOnLock(k, blocker, owner, !ofd);
}

export const lockSyscalls: SyscallRow[] = [row(73, 'flock', 'dx', (k, a) => flock(k, a.u32(0), a.u32(1)))];
