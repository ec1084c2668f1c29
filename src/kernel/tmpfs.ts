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

export class TmpFile {
  private bytes = new Uint8Array(0);
  size = 0;
  /** Names it has in the tree (0 once unlinked: it goes with its last descriptor). */
  nlink = 1;

  constructor(
    readonly ino: bigint,
    public mode: number,
  ) {}

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

/** A directory made under a tmpfs mount. */
export class TmpDir {
  constructor(
    readonly ino: bigint,
    public mode: number,
  ) {}
}

/** The writable layer's contents, by absolute path (the mounts themselves are not entries). */
export class TmpFs {
  readonly entries = new Map<string, TmpFile | TmpDir>();
  /**
   * Whiteouts: paths of given files, devices and directories that were
   * removed or renamed away. An entry at the same path (made later) is
   * seen instead.
   */
  readonly removed = new Set<string>();

}
