/**
 * What the file tree's syscalls share: path arguments and where they
 * resolve from (the working directory or a directory descriptor), the
 * parent and last component of a path, the tree's node behind a
 * descriptor, and the writable layer's bookkeeping (a given file copied up
 * at its first change, removals as whiteouts, the running image busy).
 */
import type { Kernel } from '../kernel.js';
import type { AddressSpace } from '../mm.js';
import { Errno, EBADF, EEXIST, ENAMETOOLONG, ENOENT, ENOTDIR, EPERM, EROFS, ETXTBSY } from '../errno.js';
import { readCString } from '../uaccess.js';
import { DeviceStream, DirStream, FileStream, TmpStream, PathStream } from '../file_streams.js';
import { FifoEnd } from '../pipe.js';
import { Inode, TmpDir, TmpFile, TmpLink, isMountPoint } from '../tmpfs.js';
import { inProcfs, inodeOf, lowerAt, resolve, type Node } from '../vfs.js';
import type { LowerAttrs } from '../lower_layer.js';

export const AT_FDCWD = -100;
export const AT_SYMLINK_NOFOLLOW = 0x100;
export const AT_EMPTY_PATH = 0x1000;

const dec = new TextDecoder();

/** Paths longer than this are decoded by TextDecoder at once (see pathText). */
const SHORT_PATH = 64;

/**
 * A path's bytes as text (UTF-8, as the machine's files are named). A short
 * ASCII one, as paths nearly always are, is made here: TextDecoder's decode
 * is a call into the runtime, which cost more where paths are read now and
 * then (an exec step's).
 */
export function pathText(bytes: Uint8Array): string {
  if (bytes.length > SHORT_PATH) return dec.decode(bytes);
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c >= 0x80) return dec.decode(bytes);
    s += String.fromCharCode(c);
  }
  return s;
}

/** The path argument at addr, as text (UTF-8, as the machine's files are named). */
export function pathArg(k: Kernel, addr: bigint): string {
  return pathText(readCString(k.mm, addr));
}

/** The directory a relative path starts from: the working directory or dirfd's directory. */
export function baseDir(k: Kernel, dirfd: number, path: string): string {
  if (path.startsWith('/')) return '/';
  if (dirfd === AT_FDCWD) return k.cwd();
  const f = k.fileRaw(dirfd);
  if (!f) throw new Errno(EBADF);
  const s = f.stream;
  if (!(s instanceof DirStream) && !(s instanceof PathStream && s.node.kind === 'dir')) throw new Errno(ENOTDIR);
  return s.node.path;
}

export function lookup(k: Kernel, dirfd: number, path: string, follow: boolean): Node {
  return resolve(k.fileTree(), baseDir(k, dirfd, path), path, follow);
}

/** path's parent directory and last component (the parent as a path the lookup resolves). */
export function splitPath(path: string): [string, string] {
  const trimmed = path.replace(/\/+$/, '');
  const cut = trimmed.lastIndexOf('/');
  return [cut < 0 ? '.' : cut === 0 ? '/' : trimmed.slice(0, cut), trimmed.slice(cut + 1)];
}

/** The directory that would hold path's last component, or undefined when there is none. */
export function parentOf(k: Kernel, dirfd: number, path: string): (Node & { kind: 'dir' }) | undefined {
  try {
    const n = lookup(k, dirfd, splitPath(path)[0], true);
    return n.kind === 'dir' ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The absolute path of a new entry named by path's last component in directory dir. */
export function childPath(dir: Node & { kind: 'dir' }, path: string): string {
  const name = splitPath(path)[1];
  // an empty path names nothing to make (and never the directory itself)
  if (name === '') throw new Errno(ENOENT);
  if (name.length > 255) throw new Errno(ENAMETOOLONG);
  return dir.path === '/' ? `/${name}` : `${dir.path}/${name}`;
}

/** The directory a new name goes in, and the name's path: EEXIST when something is there. */
export function newEntry(k: Kernel, dirfd: number, path: string): [Node & { kind: 'dir' }, string] {
  // what is there already (/ and the mount points included) is EEXIST before anything else
  let exists = false;
  try {
    lookup(k, dirfd, path, false);
    exists = true;
  } catch {
    // made below, or the parent's error
  }
  if (exists) throw new Errno(EEXIST);
  const dir = parentOf(k, dirfd, path);
  if (!dir) {
    lookup(k, dirfd, splitPath(path)[0], true);
    throw new Errno(ENOTDIR);
  }
  const at = childPath(dir, path);
  try {
    lookup(k, AT_FDCWD, at, false);
  } catch (err) {
    if (err instanceof Errno && err.errno === ENOENT) return [dir, at];
    throw err;
  }
  throw new Errno(EEXIST);
}

/** Whether a process runs the image at path: it cannot be written while it does (deny_write_access). */
export function runningImage(k: Kernel, path: string): boolean {
  for (const t of k.tasks.values()) if (t.state !== 'zombie' && t.mm.exePath === path) return true;
  return false;
}

/**
 * A given file about to change, as a file of the writable layer with its
 * bytes, inode number and attributes (copied up once; later changes go to
 * the copy). /proc's files are not the tree's to change (EROFS); the
 * running image's contents are busy (ETXTBSY), its attributes are not.
 */
export function copyUp(k: Kernel, node: Node & { kind: 'file' }, contents = true): Node & { kind: 'tmp' } {
  if (inProcfs(node.path)) throw new Errno(EROFS);
  if (contents && runningImage(k, node.path)) throw new Errno(ETXTBSY);
  const file = givenCopy(k, node);
  k.tmpfs().entries.set(node.path, file);
  return { kind: 'tmp', path: node.path, file };
}

/**
 * A given file as a file of the writable layer: its bytes, and its
 * attributes (root's, 0755, from the machine's boot; a lower layer's file
 * keeps its own, as overlayfs's copy-up keeps mode, owner and times). The
 * inode number is the path's either way, so a copy-up changes no st_ino.
 */
export function givenCopy(k: Kernel, node: Node & { kind: 'file' }): TmpFile {
  const file = new TmpFile(k.engine, inodeOf(node.path), node.lower?.mode ?? 0o755, node.lower?.btime ?? k.epochNs);
  if (node.lower) keepLowerAttrs(file, node.lower);
  file.write(0, node.data);
  // descriptors that read the file as given read the copy from now on
  k.tmp?.givenOpen.get(node.path)?.copiedUp(file);
  return file;
}

/** A given directory (one above given files, or the lower layer's) as a directory of the writable layer, with its attributes. */
export function givenDir(k: Kernel, path: string, lower?: LowerAttrs): TmpDir {
  const d = new TmpDir(inodeOf(path), lower?.mode ?? 0o755, lower?.btime ?? k.epochNs);
  if (lower) keepLowerAttrs(d, lower);
  return d;
}

/** A symbolic link of the lower layer as a link of the writable layer (to be renamed or given a second name). */
export function lowerLinkCopy(k: Kernel, node: Node & { kind: 'link'; lower: LowerAttrs }): TmpLink {
  const l = new TmpLink(inodeOf(node.path), node.target, node.lower.btime ?? k.epochNs);
  keepLowerAttrs(l, node.lower);
  return l;
}

/** An upper inode copied up from the lower layer takes the lower entry's owner and times. */
function keepLowerAttrs(i: Inode, lower: LowerAttrs): void {
  i.uid = lower.uid;
  i.gid = lower.gid;
  i.atime = lower.atime;
  i.mtime = lower.mtime;
  i.ctime = lower.ctime;
}

/**
 * Whether something given (a file, the running image, a device, a
 * directory above them) or the lower layer's lies at path or under it: its
 * removal needs a whiteout.
 */
export function givenAt(k: Kernel, path: string): boolean {
  const prefix = path + '/';
  const src = k.fileTree();
  if (lowerAt(src, path) !== undefined) return true;
  if (src.exe && (src.exe.path === path || src.exe.path.startsWith(prefix))) return true;
  if (path === '/dev' || path.startsWith('/dev/')) return true;
  for (const p of src.files.keys()) if (p === path || p.startsWith(prefix)) return true;
  return false;
}

/** Takes the entry at path out of the tree: a made one is dropped, a given one whited out. */
export function unlinkEntry(k: Kernel, path: string): void {
  const tmp = k.tmpfs();
  const e = tmp.entries.get(path);
  if (e !== undefined && !(e instanceof TmpDir)) {
    e.nlink--;
    e.ctime = k.realtimeNs();
  }
  // the last name's going frees an unopened, unmapped file's pages
  if (e instanceof TmpFile) e.put();
  tmp.entries.delete(path);
  if (givenAt(k, path)) tmp.removed.add(path);
  dirChanged(k, path);
}

/** An entry of the directory holding path was made or removed: its mtime and ctime (when the directory has attributes of its own). */
export function dirChanged(k: Kernel, path: string): void {
  const dir = splitPath(path)[0];
  const tmp = k.tmpfs();
  const d = tmp.entries.get(dir) ?? tmp.fixed.get(dir);
  if (d && !(d instanceof TmpFile) && !(d instanceof TmpLink)) d.modified(k.realtimeNs());
}

/** The attributes stat reports for a node, when they are not the defaults of what was given (root's, from boot). */
export function attrsOf(k: Kernel, node: Node): Inode | undefined {
  switch (node.kind) {
    case 'tmp': return node.file;
    case 'dir': return node.tmp instanceof TmpDir ? node.tmp : k.tmp?.fixed.get(node.path);
    case 'link': return node.inode;
    case 'sock':
    case 'fifo':
    case 'devnode': return node.inode;
    case 'dev': return k.tmp?.fixed.get(node.path);
    default: return undefined;
  }
}

/**
 * The attributes of a node made the writable layer's, for chmod, chown and
 * utimes to change: a given file or directory is copied up, a mount point
 * or device gets an entry in `fixed`. /proc's are not the tree's (EPERM).
 */
export function attrsToChange(k: Kernel, node: Node): Inode {
  const have = attrsOf(k, node);
  if (have) return have;
  if (inProcfs(node.path) && !isMountPoint(node.path)) throw new Errno(EPERM);
  const tmp = k.tmpfs();
  if (node.kind === 'file') return copyUp(k, node, false).file;
  if (node.kind === 'dir' && node.tmp === 'given') {
    const d = givenDir(k, node.path, node.lower);
    tmp.entries.set(node.path, d);
    return d;
  }
  const fixed = new Inode(inodeOf(node.path), node.kind === 'dev' ? 0o666 : node.path === '/tmp' || node.path === '/dev/shm' ? 0o1777 : 0o755, k.epochNs);
  tmp.fixed.set(node.path, fixed);
  return fixed;
}

/** The tree's node behind descriptor fd (undefined for a pipe of pipe(2) or another stream, which are no file of the tree). */
export function fdNode(k: Kernel, fd: number): Node | undefined {
  const f = k.fileRaw(fd);
  if (!f) throw new Errno(EBADF);
  const s = f.stream;
  if (s instanceof FileStream || s instanceof DirStream || s instanceof PathStream) return s.node;
  if (s instanceof DeviceStream) return s.node;
  if (s instanceof FifoEnd) return { kind: 'fifo', path: s.path, inode: s.fifo };
  if (s instanceof TmpStream) return { kind: 'tmp', path: s.path, file: s.file };
  return undefined;
}

/** A tmpfs file's new size: pages wholly past a shorter end leave every mapping of it first (truncate_pagecache). */
export function resize(k: Kernel, file: TmpFile, n: number): void {
  if (n < file.size && file.maps > 0) {
    const seen = new Set<AddressSpace>();
    for (const t of k.tasks.values()) {
      if (seen.has(t.mm)) continue;
      seen.add(t.mm);
      t.mm.unmapFilePages(file.mapId, Math.ceil(n / 4096));
    }
  }
  file.truncate(n);
}
