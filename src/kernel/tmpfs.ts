/**
 * The writable part of the file tree: tmpfs at /tmp and /dev/shm, where a
 * program creates, writes, reads back, truncates, renames and removes
 * files and directories, as on a machine whose root is mounted read-only
 * with tmpfs there. Files are byte arrays that grow as they are written;
 * an unlinked file lives on while a descriptor names it.
 */

/** The tmpfs mounts: directories that always exist. */
export const TMP_ROOTS: readonly string[] = ['/tmp', '/dev/shm'];

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

/** The tmpfs mounts' contents, by absolute path (the mounts themselves are not entries). */
export class TmpFs {
  readonly entries = new Map<string, TmpFile | TmpDir>();

  /** Whether path is a directory of tmpfs (a mount or one made in it). */
  isDir(path: string): boolean {
    return TMP_ROOTS.includes(path) || this.entries.get(path) instanceof TmpDir;
  }
}
