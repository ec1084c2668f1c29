/**
 * File descriptors as Linux keeps them: each process has a table (struct
 * files_struct: threads share it, fork copies it, execve makes it the
 * process's own and closes its close-on-exec descriptors) whose slots name
 * open file descriptions (struct file) that dup and fork share with their
 * status flags. A description is released when no slot in any table names
 * it any more: a pipe's reader then sees end of file once every copy of
 * the write end is closed.
 */
import type { Stream } from './kernel.js';
import type { FileLocks } from './locks.js';

/** Status flags a description keeps (fcntl F_GETFL, F_SETFL). */
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_RDWR = 2;
export const O_ACCMODE = 3;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const O_LARGEFILE = 0o100000;
/** A descriptor that names a location only: no reads or writes, fstat, fchdir and *at calls yes. */
export const O_PATH = 0o10000000;

/** An open file description: its stream and status flags, and how many slots name it. */
export class OpenFile {
  /** Slots naming it, in every table: at zero its stream is released. */
  refs = 0;
  /** The machine's lock table, once a flock or OFD lock was taken through it: its last close drops them. */
  locks: FileLocks | undefined;
  constructor(
    /** Replaced only when a given file read as given was copied up (FileStream.successor). */
    public stream: Stream,
    public flags: number,
  ) {}
}

/**
 * The map of a table with no descriptor: shared by every such table and
 * never written (a table copies it before its first change: FdTable.own).
 */
const NO_FDS = new Map<number, OpenFile>();

export class FdTable {
  /** Tasks using the table (threads share it): the last one to go closes every descriptor. */
  users = 1;
  /**
   * The machine's lock table, once the process took a POSIX record lock
   * (the table is their owner, as Linux's files_struct is): closing any
   * descriptor of a file drops the process's locks on it. A fork's copy
   * starts without: the child holds none.
   */
  flPosix: FileLocks | undefined;
  /** Descriptor to description: NO_FDS until the first descriptor is installed. */
  private open: Map<number, OpenFile> = NO_FDS;
  /**
   * `open` is not this table's own: NO_FDS (a new table, a closed one), or
   * a fork's copy still shared with the table it was copied from (and maybe
   * others). It is copied on the first change: most forked children change
   * no descriptor before they exit, and a table that the last of its tasks
   * closed needs no map of its own. The cloexec set is shared too.
   */
  private sharedMap = true;
  /** The descriptors with FD_CLOEXEC, when there are any (a set apart keeps most tables one map). */
  private cloexec: Set<number> | undefined;

  /** The map and set made this table's own before a change. */
  private own(): void {
    if (!this.sharedMap) return;
    this.open = this.open === NO_FDS ? new Map() : new Map(this.open);
    if (this.cloexec) this.cloexec = new Set(this.cloexec);
    this.sharedMap = false;
  }

  get(fd: number): OpenFile | undefined {
    return this.open.get(fd);
  }

  get size(): number {
    return this.open.size;
  }

  closeOnExecOf(fd: number): boolean {
    return this.cloexec?.has(fd) ?? false;
  }

  setCloseOnExec(fd: number, on: boolean): void {
    if (!this.open.has(fd) || (this.cloexec?.has(fd) ?? false) === on) return;
    this.own();
    if (on) (this.cloexec ??= new Set()).add(fd);
    else this.cloexec?.delete(fd);
  }

  /** The lowest free descriptor at or above min, or -1 when there is none below limit. */
  lowestFree(min: number, limit: number): number {
    let fd = min;
    while (this.open.has(fd)) fd++;
    return fd < limit ? fd : -1;
  }

  /** fd names file (a free fd, or one whose description is closed first, as dup2 does). */
  set(fd: number, file: OpenFile, cloexec: boolean): void {
    this.own();
    file.refs++;
    const old = this.open.get(fd);
    this.open.set(fd, file);
    this.setCloseOnExec(fd, cloexec);
    if (old) this.release(old);
  }

  /** Closes fd; false when it was not open. */
  close(fd: number): boolean {
    const f = this.open.get(fd);
    if (!f) return false;
    this.own();
    this.open.delete(fd);
    this.cloexec?.delete(fd);
    this.release(f);
    return true;
  }

  /** fork's copy (and execve's, of a table threads share): the same descriptions, one more slot naming each. */
  copy(): FdTable {
    const t = new FdTable();
    for (const f of this.open.values()) f.refs++;
    // the same map until one of them changes (own); a new table's sharedMap is already set
    t.open = this.open;
    t.cloexec = this.cloexec?.size ? this.cloexec : undefined;
    this.sharedMap = true;
    return t;
  }

  /** execve: the close-on-exec descriptors go; true when one was a pipe end's last. */
  closeOnExec(): boolean {
    if (!this.cloexec || this.cloexec.size === 0) return false;
    this.own();
    let pipes = false;
    for (const fd of [...this.cloexec!]) pipes = this.closeReleasing(fd) || pipes;
    return pipes;
  }

  /** The last task using the table went: every descriptor closes; true when a pipe end's last did. */
  closeAll(): boolean {
    let pipes = false;
    for (const f of this.open.values()) pipes = this.release(f) || pipes;
    // a map another table may share is left to it; a map of its own is left to the collector
    // (Map.clear makes a new backing table anyway), the table keeping the shared empty one
    this.open = NO_FDS;
    this.sharedMap = true;
    this.cloexec = undefined;
    return pipes;
  }

  /** Closes fd; true when that released a stream that counts its ends (a pipe's). */
  private closeReleasing(fd: number): boolean {
    const f = this.open.get(fd)!;
    this.open.delete(fd);
    this.cloexec?.delete(fd);
    return this.release(f);
  }

  /**
   * One slot of this table naming f closed (filp_close): the process's
   * record locks on its file go; at the last slot naming f anywhere, f's
   * own locks and its stream. True when that released a stream that counts
   * its ends (a pipe's).
   */
  private release(f: OpenFile): boolean {
    this.flPosix?.removePosix(f.stream, this);
    return dropFile(f);
  }

  /** The open descriptors, lowest first. */
  fds(): number[] {
    return [...this.open.keys()].sort((a, b) => a - b);
  }
}

/** A reference to f besides the descriptor tables' (a descriptor in flight in an AF_UNIX message). */
export function holdFile(f: OpenFile): void {
  f.refs++;
}

/**
 * One reference to f fewer (fput): at the last, f's own locks (flock, OFD)
 * and its stream go. True when that released a stream that counts its ends
 * (a pipe's).
 */
export function dropFile(f: OpenFile): boolean {
  if (--f.refs !== 0) return false;
  f.locks?.removeFile(f);
  if (f.stream.release === undefined) return false;
  f.stream.release();
  return true;
}
