/**
 * The writable part of the file tree, held in memory: tmpfs at /tmp and
 * /dev/shm, and every change made to the root filesystem and /dev over the
 * files the machine was given (an overlay's upper layer: files created or
 * written there, directories made, and whiteouts for given files and
 * directories that were removed or renamed away). A program creates,
 * writes, reads back, truncates, renames and removes files and
 * directories as on a disk mounted read-write; the given bytes themselves
 * are never written (a file's first write copies them, as overlayfs
 * copies up). A file's pages are frames of the engine's memory (TmpFile);
 * an unlinked file lives on while a descriptor or a mapping names it.
 */

import type { Engine } from '../engine/engine.js';
import { Errno, ENOMEM } from './errno.js';
import { EPOCH_NS } from './epoch.js';
import type { Pipe } from './pipe.js';
import { GivenInode } from './file_streams.js';

/** The tmpfs mounts: directories that always exist. */
export const TMP_ROOTS: readonly string[] = ['/tmp', '/dev/shm'];

/** Every mount, longest first: a path is on the first that holds it. */
const MOUNTS: readonly string[] = ['/dev/shm', '/proc', '/sys', '/tmp', '/dev', '/'];

/** The mount point of the filesystem path is on: rename between two is EXDEV, and st_dev tells them apart. */
export function mountOf(path: string): string {
  for (const m of MOUNTS) if (path === m || path.startsWith(m + '/') || m === '/') return m;
  return '/';
}

/** Whether path's filesystem is mounted nodev (/dev/shm, /proc): a device node there opens as no device. */
export function isNodev(path: string): boolean {
  const m = mountOf(path);
  return m === '/dev/shm' || m === '/proc';
}

/** Whether path is a mount point (rmdir and rename of one are EBUSY). */
export function isMountPoint(path: string): boolean {
  return MOUNTS.includes(path);
}

/** memfd's seals (fcntl F_ADD_SEALS): what a sealed file refuses. */
export const F_SEAL_SEAL = 0x1;
export const F_SEAL_SHRINK = 0x2;
export const F_SEAL_GROW = 0x4;
export const F_SEAL_WRITE = 0x8;
export const F_SEAL_FUTURE_WRITE = 0x10;
export const F_SEAL_EXEC = 0x20;

const PAGE = 4096;

/**
 * What stat reports of an inode of the writable layer besides its size:
 * owner, type and permission bits, and times (ns since the epoch, on the
 * machine's realtime clock).
 */
export class Inode {
  uid = 0;
  gid = 0;
  /**
   * Names it has in the tree (0 once unlinked: a file then goes with its
   * last descriptor and mapping); a directory's count is stat's to reckon.
   */
  nlink = 1;
  atime: bigint;
  mtime: bigint;
  ctime: bigint;
  /** Birth: when the inode was made (statx's btime). */
  readonly btime: bigint;

  constructor(
    readonly ino: bigint,
    /** The permission bits and set-id/sticky bits (the type comes from the class). */
    public mode: number,
    now: bigint,
  ) {
    this.atime = this.mtime = this.ctime = this.btime = now;
  }

  /** The contents changed at `now` (write, truncate): mtime and ctime. */
  modified(now: bigint): void {
    this.mtime = this.ctime = now;
  }

  /** Read at `now`: atime moves as under relatime (when older than mtime or ctime, or a day old). */
  accessed(now: bigint): void {
    if (this.atime <= this.mtime || this.atime <= this.ctime || now - this.atime >= DAY_NS) this.atime = now;
  }
}

const DAY_NS = 86_400n * 1_000_000_000n;

/**
 * A file of tmpfs (shmem): its pages are frames of the engine's memory, as
 * Linux keeps a tmpfs file in its page cache, so that a shared mapping of
 * it maps those very frames and write(2) and every mapping see one copy.
 * A page never written is a hole (reads as zeros, holds no frame).
 */
export class TmpFile extends Inode {
  /** The frame of each page, by index (0 or absent: a hole). */
  private pages: number[] = [];
  size = 0;
  /** Open file descriptions of it: with nlink and the mappings, what keeps its pages. */
  opens = 0;
  /** VMAs mapping it, in every address space (MappedFiles), and how many of those are shared and writable. */
  maps = 0;
  writers = 0;
  /** memfd seals; a file made otherwise is sealed against sealing, as shmem's are. */
  seals = F_SEAL_SEAL;
  /** The number VMAs name it by while mapped (MappedFiles), 0 before its first mapping. */
  mapId = 0;
  /** Made by O_TMPFILE without O_EXCL: linkat may give it a name while it has none (I_LINKABLE). */
  linkable = false;

  constructor(
    readonly engine: Engine,
    ino: bigint,
    mode: number,
    now: bigint,
  ) {
    super(ino, mode, now);
  }

  /** The frame holding page index, made (zero) for a hole when alloc is set; 0 for a hole otherwise. */
  frameAt(index: number, alloc: boolean): number {
    let f = this.pages[index] ?? 0;
    if (f === 0 && alloc) {
      f = this.engine.x.frameAlloc();
      if (f === 0) throw new Errno(ENOMEM);
      this.pages[index] = f;
    }
    return f;
  }

  /** The file's bytes [from, from + n), shorter at its end. */
  read(from: number, n: number): Uint8Array {
    if (from >= this.size) return new Uint8Array(0);
    const out = new Uint8Array(Math.min(this.size, from + n) - from);
    for (let done = 0; done < out.length; ) {
      const at = from + done;
      const len = Math.min(out.length - done, PAGE - (at % PAGE));
      const f = this.frameAt(Math.floor(at / PAGE), false);
      if (f !== 0) out.set(this.engine.u8.subarray(f + (at % PAGE), f + (at % PAGE) + len), done);
      done += len;
    }
    return out;
  }

  /** Writes data at `at`, the gap before it (a hole) reading as zeros. */
  write(at: number, data: Uint8Array): void {
    for (let done = 0; done < data.length; ) {
      const pos = at + done;
      const len = Math.min(data.length - done, PAGE - (pos % PAGE));
      const f = this.frameAt(Math.floor(pos / PAGE), true);
      this.engine.x.frameWrite(f);
      this.engine.u8.set(data.subarray(done, done + len), f + (pos % PAGE));
      done += len;
    }
    if (at + data.length > this.size) this.size = at + data.length;
  }

  /**
   * Truncation: the bytes past a shorter end become zeros, and its pages
   * wholly past it leave the file (the caller has unmapped them from every
   * mapping first, as truncate_pagecache does, so they are freed).
   */
  truncate(n: number): void {
    if (n < this.size) {
      const first = Math.ceil(n / PAGE);
      const tail = this.frameAt(first - 1, false);
      if (n % PAGE !== 0 && tail !== 0) {
        this.engine.x.frameWrite(tail);
        this.engine.u8.fill(0, tail + (n % PAGE), tail + PAGE);
      }
      for (let i = first; i < this.pages.length; i++) if (this.pages[i]) this.engine.x.frameUnref(this.pages[i]);
      this.pages.length = Math.min(this.pages.length, first);
    }
    this.size = n;
  }

  /** Drops a holder (a name, a description, a mapping): the last one's going frees the pages. */
  put(): void {
    if (this.nlink > 0 || this.opens > 0 || this.maps > 0) return;
    for (const f of this.pages) if (f) this.engine.x.frameUnref(f);
    this.pages = [];
  }

  /** Whether a write of n bytes at `at` passes the seals (EPERM otherwise: F_SEAL_WRITE, F_SEAL_GROW past the end). */
  mayWrite(at: number, n: number): boolean {
    if (this.seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) return false;
    return !(this.seals & F_SEAL_GROW) || at + n <= this.size;
  }

  /** Whether truncation to n passes the seals (F_SEAL_SHRINK, F_SEAL_GROW). */
  mayResize(n: number): boolean {
    if (n < this.size) return !(this.seals & F_SEAL_SHRINK);
    return n === this.size || !(this.seals & F_SEAL_GROW);
  }
}

/**
 * The tmpfs files that VMAs map, by the number a VMA names its file with:
 * VMA records are values that address spaces and snapshot copies share,
 * so they cannot hold the file object, which is kernel state copied with
 * the rest. One per machine, shared by every address space. A file is here
 * while it has a mapping.
 */
export class MappedFiles {
  private readonly byId = new Map<number, TmpFile>();
  /** The machine's boot date (Kernel.epochNs), which the shmem inodes behind shared anonymous mappings carry. */
  epochNs = EPOCH_NS;
  private lastId = 0;

  get(id: number): TmpFile {
    return this.byId.get(id)!;
  }

  /** One more VMA maps file (shared and writable: one more writer); returns its number. */
  hold(file: TmpFile, writer: boolean): number {
    if (file.maps++ === 0) {
      if (file.mapId === 0) file.mapId = ++this.lastId;
      this.byId.set(file.mapId, file);
    }
    if (writer) file.writers++;
    return file.mapId;
  }

  /** One VMA of file id fewer: the last one's going may free the file (put). */
  drop(id: number, writer: boolean): void {
    const file = this.byId.get(id)!;
    if (writer) file.writers--;
    if (--file.maps === 0) {
      this.byId.delete(id);
      file.put();
    }
  }
}

/** A directory of the writable layer: made by a program, or a given one whose attributes changed. */
export class TmpDir extends Inode {}

/** A symbolic link made by a program. */
export class TmpLink extends Inode {
  constructor(ino: bigint, readonly target: string, now: bigint) {
    super(ino, 0o777, now);
  }
}

/**
 * A socket's name in the tree (what bind(2) of a path makes): connect
 * finds the listening socket through it while that socket is open.
 */
export class TmpSock extends Inode {
  /** The socket bound to it, until that socket is closed (then a connect is refused). */
  socket: object | undefined;

  constructor(ino: bigint, mode: number, now: bigint, socket: object | undefined) {
    super(ino, mode, now);
    this.socket = socket;
  }
}

/**
 * A named pipe (mknod S_IFIFO): its pipe_inode_info exists while the FIFO
 * is open or an open of it waits for its other end, and goes, with any
 * bytes still in it, when the last of those is gone (Linux: fs/pipe.c,
 * fifo_open and put_pipe_info).
 */
export class TmpFifo extends Inode {
  pipe: Pipe | undefined;
}

/**
 * A character or block device node (mknod S_IFCHR, S_IFBLK): an open finds
 * the device by its major and minor numbers.
 */
export class TmpDevNode extends Inode {
  constructor(
    ino: bigint,
    /** S_IFCHR or S_IFBLK. */
    readonly type: number,
    mode: number,
    now: bigint,
    readonly major: number,
    readonly minor: number,
  ) {
    super(ino, mode, now);
  }
}

/** What the writable layer holds at a path. */
export type TmpEntry = TmpFile | TmpDir | TmpLink | TmpSock | TmpFifo | TmpDevNode;

/** The writable layer's contents, by absolute path (the mounts themselves are not entries). */
export class TmpFs {
  readonly entries = new Map<string, TmpEntry>();
  /**
   * Whiteouts: paths of given files, devices and directories that were
   * removed or renamed away. An entry at the same path (made later) is
   * seen instead.
   */
  readonly removed = new Set<string>();
  /**
   * The attributes of mount points and devices once changed (chmod /tmp,
   * chown /dev/null): they have no entry of their own, by path.
   */
  readonly fixed = new Map<string, Inode>();
  /** Given files open for reading while still as given, by path (see GivenInode). */
  readonly givenOpen = new Map<string, GivenInode>();

  /** The inode of the given file at path, for one more FileStream on it. */
  givenInode(path: string): GivenInode {
    let i = this.givenOpen.get(path);
    if (i === undefined) {
      i = new GivenInode(path, this.givenOpen);
      this.givenOpen.set(path, i);
    }
    return i;
  }
}
