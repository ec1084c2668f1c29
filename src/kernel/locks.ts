/**
 * File locks as Linux keeps them (fs/locks.c). Every inode has a lock
 * context (struct file_lock_context) with two lists that never conflict
 * with each other:
 *
 *   flock   flock(2) locks, whole-file, owned by an open file description
 *           (dup and fork share them; a second open(2) is another owner)
 *   posix   byte-range record locks, sorted by start within each owner,
 *           owned by a process's descriptor table (fcntl F_SETLK: dropped
 *           when the process closes any descriptor of the inode) or by an
 *           open file description (F_OFD_SETLK: dropped with its last
 *           descriptor)
 *
 * A task that must wait sleeps on the lock in its way (Task.lockWait) and
 * is woken when that lock goes or shrinks (locks_wake_up_blocks); it then
 * runs its syscall again and looks once more.
 */
import type { Stream } from './kernel.js';
import type { OpenFile } from './files.js';
import type { Task } from './task.js';
import { DeviceStream, DirStream, FileStream, TmpStream } from './file_streams.js';
import { PipeEnd } from './pipe.js';
import { TmpDir } from './tmpfs.js';
import { inodeOf } from './vfs.js';
import { Sock } from './sock.js';

export const F_RDLCK = 0;
export const F_WRLCK = 1;
export const F_UNLCK = 2;
/** The last byte a lock can cover (a length of 0 locks to here). */
export const OFFSET_MAX = (1n << 63n) - 1n;

/**
 * The one inode every anonymous-inode file shares (eventfd, timerfd,
 * signalfd, epoll, pidfd): anon_inode_getfile gives them all the same, so
 * a flock of one eventfd conflicts with a flock of another.
 */
const ANON_INODE = 1n;

/** struct file_lock: a held lock, or a request being applied. */
export class FileLock {
  /** Tasks sleeping until this lock goes or shrinks (flc_blocked_requests). */
  waiters: Task[] = [];

  constructor(
    public type: number,
    /** First and last byte covered (a flock lock covers 0 to OFFSET_MAX). */
    public start: bigint,
    public end: bigint,
    /** The descriptor table (POSIX) or the open file description (flock, OFD) the lock belongs to. */
    readonly owner: object,
    /** The process that took it (F_GETLK's l_pid; an OFD lock reports -1). */
    readonly pid: number,
    /** The description it was taken through (none for the unlock a close makes). */
    readonly file: OpenFile | undefined,
    /** An OFD lock (FL_OFDLCK): never part of a deadlock check. */
    readonly ofd: boolean,
  ) {}

  /** A copy holding the same range for the same owner (locks_copy_lock). */
  copy(): FileLock {
    return new FileLock(this.type, this.start, this.end, this.owner, this.pid, this.file, this.ofd);
  }
}

/** What a task sleeping on a lock waits for: the lock in its way, and who asked. */
export interface LockWait {
  blocker: FileLock;
  owner: object;
  /** A process-owned POSIX request: what posix_locks_deadlock's blocked_hash holds. */
  posix: boolean;
}

/** struct file_lock_context: one inode's locks. */
export class FileLockContext {
  flock: FileLock[] = [];
  posix: FileLock[] = [];
}

/** Wakes the tasks sleeping on fl (locks_wake_up_blocks): each runs its syscall again. */
function locksWakeUpBlocks(fl: FileLock): void {
  if (fl.waiters.length === 0) return;
  for (const t of fl.waiters) {
    if (t.lockWait?.blocker !== fl || t.state !== 'blocked') continue;
    t.lockWait = undefined;
    // a stopped task looks again when SIGCONT or its tracer resumes it
    if (!t.jobStop && !t.ptraceStop) t.state = 'runnable';
  }
  fl.waiters = [];
}

/** Removes list[i] and wakes its waiters (locks_delete_lock_ctx). */
function locksDeleteLock(list: FileLock[], i: number): void {
  const [fl] = list.splice(i, 1);
  locksWakeUpBlocks(fl);
}

const locksOverlap = (a: FileLock, b: FileLock): boolean => a.start <= b.end && b.start <= a.end;

/** Two locks of different owners that overlap conflict when either is a write lock (posix_locks_conflict). */
export function posixLocksConflict(caller: FileLock, sys: FileLock): boolean {
  if (caller.owner === sys.owner || !locksOverlap(caller, sys)) return false;
  return sys.type === F_WRLCK || caller.type === F_WRLCK;
}

/**
 * posix_test_lock: the first lock in the way of fl, if any. An F_UNLCK
 * request (F_OFD_GETLK) asks for the first lock its own owner holds in the
 * range instead.
 */
export function posixTestLock(ctx: FileLockContext, fl: FileLock): FileLock | undefined {
  for (const sys of ctx.posix) {
    if (fl.type === F_UNLCK ? sys.owner === fl.owner && locksOverlap(fl, sys) : posixLocksConflict(fl, sys)) return sys;
  }
  return undefined;
}

/**
 * posix_lock_inode: applies a lock or unlock of request's range for its
 * owner, splitting, trimming, merging or replacing the owner's locks as
 * Linux does; returns the first conflicting lock instead when there is one
 * (nothing is changed then).
 */
export function posixLockInode(ctx: FileLockContext, req: FileLock): FileLock | undefined {
  const list = ctx.posix;
  if (req.type !== F_UNLCK) {
    for (const fl of list) if (posixLocksConflict(req, fl)) return fl;
  }
  let request = req;
  let added = false;
  let left: FileLock | undefined;
  let right: FileLock | undefined;
  // the owner's locks are together in the list, each owner's sorted by start
  let i = list.findIndex((fl) => fl.owner === req.owner);
  if (i < 0) i = list.length;
  while (i < list.length) {
    const fl = list[i];
    if (fl.owner !== req.owner) break;
    if (request.type === fl.type) {
      // adjacent or overlapping locks of one type become one ("start - 1", never "end + 1": end may be OFFSET_MAX)
      if (fl.end < request.start - 1n) {
        i++;
        continue;
      }
      if (fl.start - 1n > request.end) break;
      if (fl.start > request.start) fl.start = request.start;
      else request.start = fl.start;
      if (fl.end < request.end) fl.end = request.end;
      else request.end = fl.end;
      if (added) {
        locksDeleteLock(list, i);
        continue;
      }
      request = fl;
      added = true;
      i++;
      continue;
    }
    if (fl.end < request.start) {
      i++;
      continue;
    }
    if (fl.start > request.end) break;
    if (request.type === F_UNLCK) added = true;
    if (fl.start < request.start) left = fl;
    if (fl.end > request.end) {
      right = fl;
      break;
    }
    if (fl.start >= request.start) {
      // the request covers fl wholly: fl goes (its place taken by the request, once)
      if (added) {
        locksDeleteLock(list, i);
        continue;
      }
      request = request.copy();
      list.splice(i, 0, request);
      locksDeleteLock(list, i + 1);
      added = true;
    }
    i++;
  }
  if (!added) {
    if (request.type === F_UNLCK) return undefined;
    // a new lock goes before the lock the loop stopped at (or at the end)
    request = request.copy();
    list.splice(i, 0, request);
  }
  if (right) {
    if (left === right) {
      // the request falls inside one lock, which becomes two: its part before the request goes
      // before the new lock (or, for an unlock, before its part after)
      left = right.copy();
      const at = list.indexOf(request);
      list.splice(at >= 0 ? at : list.indexOf(right), 0, left);
    }
    right.start = request.end + 1n;
    locksWakeUpBlocks(right);
  }
  if (left) {
    left.end = request.start - 1n;
    locksWakeUpBlocks(left);
  }
  return undefined;
}

/**
 * flock_lock_inode: the description's flock lock becomes request's type.
 * A conversion drops the old lock first, so one that must wait (or fails
 * with LOCK_NB) leaves the file unlocked, as on Linux. Returns the first
 * conflicting lock when the request cannot be granted.
 */
export function flockLockInode(ctx: FileLockContext, request: FileLock): FileLock | undefined {
  const list = ctx.flock;
  const i = list.findIndex((fl) => fl.file === request.file);
  if (i >= 0) {
    if (list[i].type === request.type) return undefined;
    locksDeleteLock(list, i);
  }
  if (request.type === F_UNLCK) return undefined;
  for (const fl of list) {
    if (fl.file !== request.file && (fl.type === F_WRLCK || request.type === F_WRLCK)) return fl;
  }
  list.push(request.copy());
  return undefined;
}

/**
 * The machine's lock contexts, by inode. Descriptor tables and
 * descriptions that hold locks point here, so that closing them drops
 * their locks (locks_remove_posix, locks_remove_file).
 */
export class FileLocks {
  private contexts = new Map<bigint | Stream, FileLockContext>();

  /** The lock context of the inode behind s, made on first use. */
  contextOf(s: Stream): FileLockContext {
    const key = inodeKey(s);
    let ctx = this.contexts.get(key);
    if (!ctx) {
      ctx = new FileLockContext();
      this.contexts.set(key, ctx);
    }
    return ctx;
  }

  /** locks_remove_posix: a descriptor of s closed in owner's table; the table's POSIX locks on the inode go. */
  removePosix(s: Stream, owner: object): void {
    const ctx = this.contexts.get(inodeKey(s));
    if (!ctx || !ctx.posix.some((fl) => fl.owner === owner)) return;
    posixLockInode(ctx, new FileLock(F_UNLCK, 0n, OFFSET_MAX, owner, 0, undefined, false));
  }

  /** locks_remove_file: f's last descriptor closed; its OFD and flock locks go. */
  removeFile(f: OpenFile): void {
    const ctx = this.contexts.get(inodeKey(f.stream));
    if (!ctx) return;
    this.removePosix(f.stream, f);
    const i = ctx.flock.findIndex((fl) => fl.file === f);
    if (i >= 0) locksDeleteLock(ctx.flock, i);
  }
}

/** The inode a stream's locks are kept on: its st_ino where it has one of its own. */
function inodeKey(s: Stream): bigint | Stream {
  if (s instanceof TmpStream) return s.file.ino;
  if (s instanceof FileStream) return inodeOf(s.node.path);
  if (s instanceof DirStream) return s.node.tmp instanceof TmpDir ? s.node.tmp.ino : inodeOf(s.node.path);
  if (s instanceof DeviceStream) return inodeOf(`/dev/${s.dev}`);
  // both ends of a pipe are one inode; each socket is its own
  if (s instanceof PipeEnd) return s.pipe.ino;
  if (s instanceof Sock) return s.ino;
  if (s.pid !== undefined || s.sysRead !== undefined || s.readyEvents !== undefined) return ANON_INODE;
  // the machine's own streams: each its own pipe
  return s;
}
