/**
 * The writable part of the file tree, held in memory: tmpfs at /tmp and
 * /dev/shm, and every change made to the root filesystem and /dev over the
 * files the machine was given (an overlay's upper layer: files created or
 * written there, directories made, and whiteouts for given files and
 * directories that were removed or renamed away). A program creates,
 * writes, reads back, truncates, renames and removes files and
 * directories as on a disk mounted read-write; the given bytes themselves
 * are never written (a file's first write copies them, as overlayfs
 * copies up). Files are byte arrays that grow as they are written; an
 * unlinked file lives on while a descriptor names it.
 */

/** The tmpfs mounts: directories that always exist. */
export const TMP_ROOTS: readonly string[] = ['/tmp', '/dev/shm'];

/** Every mount, longest first: a path is on the first that holds it. */
const MOUNTS: readonly string[] = ['/dev/shm', '/proc', '/tmp', '/dev', '/'];

/** The mount point of the filesystem path is on: rename between two is EXDEV, and st_dev tells them apart. */
export function mountOf(path: string): string {
  for (const m of MOUNTS) if (path === m || path.startsWith(m + '/') || m === '/') return m;
  return '/';
}

/** Whether path is a mount point (rmdir and rename of one are EBUSY). */
export function isMountPoint(path: string): boolean {
  return MOUNTS.includes(path);
}

/**
 * What stat reports of an inode of the writable layer besides its size:
 * owner, type and permission bits, and times (ns since the epoch, on the
 * machine's realtime clock).
 */
export class Inode {
  uid = 0;
  gid = 0;
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

export class TmpFile extends Inode {
  private bytes = new Uint8Array(0);
  size = 0;
  /** Names it has in the tree (0 once unlinked: it goes with its last descriptor). */
  nlink = 1;
  /** Made by O_TMPFILE without O_EXCL: linkat may give it a name while it has none (I_LINKABLE). */
  linkable = false;

  /** The file's bytes [from, from + n), shorter at its end. */
  read(from: number, n: number): Uint8Array {
    if (from >= this.size) return new Uint8Array(0);
    return this.bytes.slice(from, Math.min(this.size, from + n));
  }

  /** Writes data at `at`, the gap before it (a hole) reading as zeros. */
  write(at: number, data: Uint8Array): void {
    const end = at + data.length;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2, 256));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.bytes.set(data, at);
    if (end > this.size) this.size = end;
  }

  truncate(n: number): void {
    if (n < this.size) this.bytes.fill(0, n, this.size);
    else if (n > this.bytes.length) {
      const grown = new Uint8Array(n);
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.size = n;
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

  constructor(ino: bigint, mode: number, now: bigint, socket: object) {
    super(ino, mode, now);
    this.socket = socket;
  }
}

/** The writable layer's contents, by absolute path (the mounts themselves are not entries). */
export class TmpFs {
  readonly entries = new Map<string, TmpFile | TmpDir | TmpLink | TmpSock>();
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
}
