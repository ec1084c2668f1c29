/**
 * The host's files as the machine's read-only lower layer
 * (src/kernel/lower_layer.ts): a path the machine's own layers do not
 * answer is looked up under a host directory (/ by default) when the
 * program asks, through Node's fs, fetched at that moment (nodeBuiltin) so
 * that the library still loads in a browser. Nothing here writes: the
 * kernel copies a file up into the machine's writable layer before any
 * change. A host symbolic link is reported, never followed here: the
 * machine resolves its target in its own tree, as a chroot does.
 */
import { nodeBuiltin } from '../engine/node_builtins.js';
import { Errno, EIO, errnoNamed } from '../kernel/errno.js';
import type { LowerAttrs, LowerLayer } from '../kernel/lower_layer.js';

/** The part of fs.lstatSync's bigint answer read here. */
interface HostStat {
  mode: bigint;
  uid: bigint;
  gid: bigint;
  size: bigint;
  nlink: bigint;
  blocks: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  birthtimeNs: bigint;
  isFile(): boolean;
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}

interface HostFs {
  lstatSync(p: string, o: { bigint: true; throwIfNoEntry: false }): HostStat | undefined;
  readFileSync(p: string): Uint8Array;
  readlinkSync(p: string, enc: 'utf8'): string;
  opendirSync(p: string, o: { bufferSize: number }): HostDir;
}

interface HostDir {
  readSync(): { name: string } | null;
  closeSync(): void;
}

/** The errno a host error stands for (EIO where Node gives none the machine knows). */
function hostErrno(err: unknown): Errno {
  return new Errno(errnoNamed((err as { code?: string }).code) ?? EIO);
}

export class HostLayer implements LowerLayer {
  private readonly fs: HostFs;
  /** The host directory that is the machine's /, without a trailing slash ('' for the host's /). */
  private readonly root: string;

  constructor(root = '/') {
    const fs: HostFs | undefined = nodeBuiltin('fs');
    const path = nodeBuiltin('path');
    if (!fs || !path) throw new Error("sudsim: hostFiles needs Node's fs (there are no host files here)");
    this.fs = fs;
    const abs = path.resolve(root);
    this.root = abs === '/' ? '' : abs;
  }

  private host(path: string): string {
    return this.root + path;
  }

  entry(path: string): LowerAttrs | undefined {
    let st: HostStat | undefined;
    try {
      st = this.fs.lstatSync(this.host(path), { bigint: true, throwIfNoEntry: false });
    } catch {
      // a directory above it that cannot be searched, a name too long: nothing the tree can show
      return undefined;
    }
    if (st === undefined) return undefined;
    // the host's devices, sockets and FIFOs are no part of the machine (its /dev has its own)
    const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'link' : undefined;
    if (type === undefined) return undefined;
    return {
      type,
      mode: Number(st.mode & 0o7777n),
      uid: Number(st.uid),
      gid: Number(st.gid),
      size: Number(st.size),
      nlink: Number(st.nlink),
      blocks: Number(st.blocks),
      atime: st.atimeNs,
      mtime: st.mtimeNs,
      ctime: st.ctimeNs,
      // as the host's statx gives it (the epoch from a filesystem that keeps none)
      btime: st.birthtimeNs,
    };
  }

  read(path: string): Uint8Array {
    try {
      const b = this.fs.readFileSync(this.host(path));
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch (err) {
      throw hostErrno(err);
    }
  }

  readlink(path: string): string {
    try {
      return this.fs.readlinkSync(this.host(path), 'utf8');
    } catch (err) {
      throw hostErrno(err);
    }
  }

  names(dir: string): string[] {
    // opendir's reads come in the host's order (readdirSync sorts them)
    let d: HostDir;
    try {
      d = this.fs.opendirSync(this.host(dir), { bufferSize: 128 });
    } catch {
      return [];
    }
    const out: string[] = [];
    try {
      for (let e = d.readSync(); e !== null; e = d.readSync()) out.push(e.name);
    } catch {
      // a directory that went away while read: what was read
    } finally {
      d.closeSync();
    }
    return out;
  }
}
