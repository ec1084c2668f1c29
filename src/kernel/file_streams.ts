/**
 * The streams an open(2) of the file tree gives (src/kernel/vfs.ts): a
 * regular file read from its offset, a directory listed by getdents64, and
 * /dev's character devices. The offset belongs to the open file
 * description, so dup and fork share it, as Linux's f_pos is shared.
 */
import type { Stream } from './kernel.js';
import type { DeviceName, Node } from './vfs.js';
import { Errno, EISDIR, EPERM } from './errno.js';
import type { TmpFile } from './tmpfs.js';
import type { Kernel } from './kernel.js';
import { O_APPEND, type OpenFile } from './files.js';

/**
 * Copies n bytes to a stream a page of data at a time, as a pipe and a
 * tmpfs file take them (Linux: pipe_write, generic_perform_write): a copy
 * that faults part-way through a page ends the write with the bytes of the
 * pages already taken, or EFAULT when there are none. A huge count never
 * becomes a huge host buffer.
 */
export function writeByPage(write: (d: Uint8Array) => void, n: number, read: (off: number, len: number) => Uint8Array): number {
  let done = 0;
  while (done < n) {
    const len = Math.min(4096, n - done);
    let data: Uint8Array;
    try {
      data = read(done, len);
      write(data);
    } catch (err) {
      // what was written before a fault or a refusal is the call's result
      if (err instanceof Errno && done > 0) return done;
      throw err;
    }
    done += len;
  }
  return done;
}

/**
 * A given file that descriptors read while it is unchanged: the inode they
 * share. Its first change copies the file up (givenCopy); from then on the
 * copy is this inode, so the descriptors opened before read what is
 * written after, as every descriptor of one file does on Linux. Each
 * FileStream on it counts as an open of the copy.
 */
export class GivenInode {
  /** The copy the file's first change made, once made. */
  up: TmpFile | undefined;
  /** FileStreams open on it. */
  streams = 0;
  constructor(
    readonly path: string,
    /** The writable layer's table of these (TmpFs.givenOpen), which holds it while it is unchanged. */
    private readonly table: Map<string, GivenInode>,
  ) {}

  /** The file was copied up to `file`: its descriptors hold the copy from now on. */
  copiedUp(file: TmpFile): void {
    this.table.delete(this.path);
    this.up = file;
    file.opens += this.streams;
  }

  /** One FileStream on it fewer. */
  put(): void {
    this.streams--;
    if (this.up !== undefined) {
      this.up.opens--;
      this.up.put();
    } else if (this.streams === 0) {
      this.table.delete(this.path);
    }
  }
}

/** A regular file of the tree, opened for reading while it is as given. */
export class FileStream implements Stream {
  pos = 0;
  constructor(
    readonly node: Node & { kind: 'file' },
    /** The inode it shares with other descriptors of the file (none for /proc's files, never copied up). */
    private readonly inode: GivenInode | undefined,
  ) {
    if (inode !== undefined) inode.streams++;
  }

  read(max: number): Uint8Array {
    const data = this.node.data;
    const out = data.slice(Math.min(this.pos, data.length), Math.min(this.pos + max, data.length));
    this.pos += out.length;
    return out;
  }

  /**
   * Once the file was copied up, the stream that takes this one's place
   * in its open file description: the copy, at this offset, under the path
   * it was opened by (undefined while the file is as given).
   */
  successor(): TmpStream | undefined {
    const up = this.inode?.up;
    if (up === undefined) return undefined;
    const t = new TmpStream(up, this.node.path);
    t.pos = this.pos;
    this.inode!.put();
    return t;
  }

  release(): void {
    this.inode?.put();
  }
}

/**
 * What an O_PATH open gives: a location in the tree, not an open file. The
 * calls that read, write or otherwise use a file never reach it (the
 * kernel's `file` lookup refuses O_PATH descriptors: EBADF).
 */
export class PathStream implements Stream {
  constructor(readonly node: Node) {}

  linkName(): string {
    return this.node.path;
  }
}

/** A directory: reads fail (EISDIR), getdents64 lists it from entry `pos`. */
export class DirStream implements Stream {
  pos = 0;
  constructor(readonly node: Node & { kind: 'dir' }) {}

  read(_max: number): Uint8Array {
    throw new Errno(EISDIR);
  }
}

/** One of /dev's character devices (random and urandom read from the machine's generator, in read(2)). */
export class DeviceStream implements Stream {
  constructor(
    readonly dev: DeviceName,
    /** What it was opened through: /dev's own node, or one mknod made with its numbers. */
    readonly node: Node & { kind: 'dev' | 'devnode' },
  ) {}

  read(max: number): Uint8Array {
    // null reads as end of file; zero and full as zeros
    return this.dev === 'null' ? new Uint8Array(0) : new Uint8Array(Math.min(max, 1 << 20));
  }

  /** Takes everything (full refuses in the write syscall: ENOSPC). */
  write(_data: Uint8Array): void {}
}

/** A file of tmpfs, opened: reads and writes at its offset (the end, with O_APPEND). */
export class TmpStream implements Stream {
  pos = 0;
  constructor(
    readonly file: TmpFile,
    /** Its path (the /proc/self/fd link; an unlinked file's reads "(deleted)"), which follows a rename. */
    public path: string,
  ) {
    file.opens++;
  }

  /** The description's last descriptor closed: an unlinked, unmapped file goes with it. */
  release(): void {
    this.file.opens--;
    this.file.put();
  }

  sysRead(k: Kernel, _f: OpenFile, max: number): Uint8Array {
    const out = this.file.read(this.pos, max);
    this.pos += out.length;
    this.file.accessed(k.realtimeNs());
    return out;
  }

  sysWrite(k: Kernel, f: OpenFile, n: number, read: (off: number, len: number) => Uint8Array): bigint {
    if (f.flags & O_APPEND) this.pos = this.file.size;
    if (n > 0 && !this.file.mayWrite(this.pos, n)) throw new Errno(EPERM);
    const done = writeByPage((data) => {
      this.file.write(this.pos, data);
      this.pos += data.length;
    }, n, read);
    if (done > 0) this.file.modified(k.realtimeNs());
    return BigInt(done);
  }

  linkName(): string {
    return this.file.nlink === 0 ? `${this.path} (deleted)` : this.path;
  }
}

/**
 * A file of /proc or /sys, opened: its contents made once, at open (as
 * seq_file makes them at the first read), read from the offset; a write
 * goes to the file's handler with the offset it is at, or fails as the
 * file refuses writes (EINVAL, EIO).
 */
export class ProcStream extends FileStream {
  constructor(node: Node & { kind: 'file' }) {
    super({ ...node, data: node.proc!.show() }, undefined);
  }

  sysWrite(_k: Kernel, _f: OpenFile, n: number, read: (off: number, len: number) => Uint8Array): bigint {
    const proc = this.node.proc!;
    if (!proc.write) throw new Errno(proc.denyWrite);
    // a handler takes at most a page (proc_sys_call_handler and the per-process files' buffers are no larger)
    const taken = proc.write(read(0, Math.min(n, 4096)), this.pos);
    this.pos += taken;
    return BigInt(taken);
  }
}
