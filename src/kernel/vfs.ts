/**
 * The machine's file tree: the files the machine was given
 * (`Machine.addFile`) and the running image as regular files under their
 * paths, the directories above them, /dev's null, zero, full, random and
 * urandom devices and its fd, stdin, stdout and stderr links, tmpfs at /tmp and /dev/shm, and procfs at /proc and
 * sysfs at /sys, whose entries the processes' state makes
 * (src/kernel/procfs.ts). All of it but /proc and /sys is writable: what
 * programs create (files, directories, links, FIFOs, socket files, device
 * nodes), write, rename and remove lives in memory over the given files
 * (src/kernel/tmpfs.ts). Under all of it, when the machine has one, a
 * read-only lower layer answers the root filesystem's paths nothing else
 * answers (src/kernel/lower_layer.ts: the host's files). Paths resolve as
 * Linux resolves them: from / or a directory descriptor, `.` and `..` by
 * component, the link followed unless it is the last component of an
 * lstat or O_NOFOLLOW open, and ENOENT, ENOTDIR, ENAMETOOLONG and ELOOP
 * where Linux gives them.
 */
import { Errno, ELOOP, ENOENT, ENOTDIR, ENAMETOOLONG } from './errno.js';
import { TMP_ROOTS, TmpDevNode, TmpDir, TmpFifo, TmpFile, TmpLink, TmpSock, mountOf, type TmpFs } from './tmpfs.js';
import { lowerNode, type LowerAttrs, type LowerLayer } from './lower_layer.js';
import type { Stream } from './kernel.js';

export const S_IFMT = 0o170000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFLNK = 0o120000;
export const S_IFIFO = 0o010000;
export const S_IFSOCK = 0o140000;

const PATH_MAX = 4096;
const NAME_MAX = 255;

/**
 * /dev's character devices, with their major and minor: the memory devices
 * (drivers/char/mem.c numbers them) and the controlling terminal, which no
 * task of a machine has (opening it is ENXIO: tty_open_current_tty).
 */
export type DeviceName = 'null' | 'zero' | 'full' | 'random' | 'urandom' | 'tty';
export const DEVICES: Record<DeviceName, readonly [major: number, minor: number]> = {
  null: [1, 3], zero: [1, 5], full: [1, 7], random: [1, 8], urandom: [1, 9], tty: [5, 0],
};

/**
 * The links udev (and systemd's tmpfiles, or a container runtime) puts in
 * /dev: the calling process's descriptors, by which bash's process
 * substitution and programs given `-` as a name reach them.
 */
export const DEV_LINKS: Readonly<Record<string, string>> = { fd: '/proc/self/fd', stdin: '/proc/self/fd/0', stdout: '/proc/self/fd/1', stderr: '/proc/self/fd/2' };

/**
 * A file of /proc or /sys: its permission bits, its contents (made when it
 * is opened, as seq_file makes them at the first read), and what a write
 * does.
 */
export interface ProcFile {
  mode: number;
  show(): Uint8Array;
  /** A write of data at offset pos: the count taken (or an Errno thrown); absent where the file takes no writes. */
  write?(data: Uint8Array, pos: number): number;
  /**
   * A write to a file without write: EINVAL (a per-process file: no
   * write method), EIO (proc_reg_write without proc_write), or EACCES
   * already at open (a read-only sysctl or sysfs attribute refuses even
   * root).
   */
  denyWrite: number;
  /** st_size (0 for /proc's files; a page for a sysfs attribute). */
  size?: number;
  /** A stream of its own at open, for a file that is no text made once (/proc/<pid>/mem). */
  open?(): Stream;
}

/** What a path names. */
export type Node =
  /**
   * proc: a file of /proc or /sys (size 0 in stat; data is empty, show makes its contents).
   * lower: a file of the lower layer, with its attributes (data read at first use).
   */
  | { kind: 'file'; path: string; data: Uint8Array; proc?: ProcFile; lower?: LowerAttrs }
  /**
   * tmp: where entries can be made: a tmpfs mount ('root': /tmp, /dev/shm),
   * another writable mount point ('mount': / and /dev), a directory above
   * given files or of the lower layer ('given') or one a program made; none in /proc.
   * lower: the lower layer's attributes of a directory it has (and no upper one changed).
   */
  | { kind: 'dir'; path: string; tmp?: TmpDir | 'root' | 'mount' | 'given'; proc?: ProcDir; lower?: LowerAttrs }
  | { kind: 'tmp'; path: string; file: TmpFile }
  | { kind: 'dev'; path: string; dev: DeviceName }
  /**
   * inode: a symbolic link a program made; proc: one of /proc's, with its mode and size; lower: one of the lower layer.
   * jump: a /proc/<pid>/fd link to what has no path: following it reaches that node, not target.
   */
  | { kind: 'link'; path: string; target: string; inode?: TmpLink; proc?: { mode: number; size: number }; lower?: LowerAttrs; jump?: Node }
  /** A socket's name (bind of a path, or mknod). */
  | { kind: 'sock'; path: string; inode: TmpSock }
  /** A named pipe (mknod S_IFIFO, mkfifo). */
  | { kind: 'fifo'; path: string; inode: TmpFifo }
  /** A device node a program made (mknod S_IFCHR, S_IFBLK). */
  | { kind: 'devnode'; path: string; inode: TmpDevNode };

/** A directory of /proc or /sys: its permission bits, link count and size (proc_fd_getattr counts the descriptors). */
export interface ProcDir {
  mode: number;
  nlink: number;
  size: number;
}

/** /proc and /sys as a process sees them (src/kernel/procfs.ts). */
export interface ProcTree {
  /** The node at a path of /proc or /sys. */
  node(path: string): Node | undefined;
  /** The names in a directory of /proc or /sys, in the order readdir gives them. */
  names(dir: string): string[];
}

/** Whether path lies in /proc or /sys, whose contents the kernel makes. */
export function inProcfs(path: string): boolean {
  return path === '/proc' || path === '/sys' || path.startsWith('/proc/') || path.startsWith('/sys/');
}

/** What the tree is made of, at the moment of a lookup. */
export interface TreeSource {
  /** The machine's files, by absolute normalized path. */
  files: ReadonlyMap<string, Uint8Array>;
  /** The running image's path and bytes (what /proc/self/exe links to). */
  exe: { path: string; data: Uint8Array } | undefined;
  /** /proc and /sys (undefined before any process runs). */
  proc: ProcTree | undefined;
  /** The writable layer's contents (undefined until something is made or removed). */
  tmp: TmpFs | undefined;
  /** The read-only layer under the root filesystem (undefined: the tree is what the machine holds). */
  lower?: LowerLayer;
}

/** The lower layer's node at path: only on the root filesystem (the mounts are the machine's own). */
export function lowerAt(src: TreeSource, path: string): Node | undefined {
  return src.lower !== undefined && mountOf(path) === '/' ? lowerNode(src.lower, path) : undefined;
}

/** The node at an absolute path with no `.`, `..` or empty components (no link followed). */
export function nodeAt(src: TreeSource, path: string): Node | undefined {
  // procfs and sysfs are mounted over whatever the machine was given there
  if (inProcfs(path)) return src.proc?.node(path);
  if (TMP_ROOTS.includes(path)) return { kind: 'dir', path, tmp: 'root' };
  const t = src.tmp?.entries.get(path);
  if (t instanceof TmpFile) return { kind: 'tmp', path, file: t };
  if (t instanceof TmpDir) return { kind: 'dir', path, tmp: t };
  if (t instanceof TmpLink) return { kind: 'link', path, target: t.target, inode: t };
  if (t instanceof TmpSock) return { kind: 'sock', path, inode: t };
  if (t instanceof TmpFifo) return { kind: 'fifo', path, inode: t };
  if (t instanceof TmpDevNode) return { kind: 'devnode', path, inode: t };
  if (src.tmp?.removed.has(path)) return undefined;
  const data = src.files.get(path);
  if (data) return { kind: 'file', path, data };
  if (src.exe?.path === path) {
    // an image run from the lower layer still shows the lower layer's attributes
    const low = lowerAt(src, path);
    return low?.kind === 'file' ? low : { kind: 'file', path, data: src.exe.data };
  }
  if (path.startsWith('/dev/')) {
    const name = path.slice(5) as DeviceName;
    if (Object.hasOwn(DEVICES, name)) return { kind: 'dev', path, dev: name };
    if (Object.hasOwn(DEV_LINKS, name)) return { kind: 'link', path, target: DEV_LINKS[name] };
  }
  // the root keeps the lower layer's attributes (the mounts on it are the machine's)
  if (path === '/') return { kind: 'dir', path, tmp: 'mount', lower: src.lower?.entry('/') };
  if (path === '/dev') return { kind: 'dir', path, tmp: 'mount' };
  const low = lowerAt(src, path);
  // the directories above a file, the running image's included (it may not be one of the files):
  // the given files are upper to the lower layer, a directory of both keeps the lower attributes
  const prefix = path + '/';
  let given = src.exe?.path.startsWith(prefix) ?? false;
  if (!given) for (const p of src.files.keys()) if (p.startsWith(prefix)) { given = true; break; }
  if (given) return { kind: 'dir', path, tmp: 'given', lower: low?.kind === 'dir' ? low.lower : undefined };
  return low;
}

/**
 * path split at each '/', as split('/') splits it: String.prototype.split
 * is a call into the runtime, which cost more than the walk itself where
 * paths are resolved now and then (an exec step's /proc/self/exe, whose
 * /proc entries procfs.ts splits again).
 */
export function components(path: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < path.length; i++) {
    if (path.charCodeAt(i) !== 0x2f) continue;
    out.push(path.slice(from, i));
    from = i + 1;
  }
  out.push(path.slice(from));
  return out;
}

/**
 * Resolves path (bytes as the guest gave them) from the directory `base`
 * (an absolute path). The last component's link is followed when `follow`.
 */
export function resolve(src: TreeSource, base: string, raw: string, follow: boolean): Node {
  if (raw.length === 0) throw new Errno(ENOENT);
  if (raw.length >= PATH_MAX) throw new Errno(ENAMETOOLONG);
  let parts = components(raw);
  let cur = raw.startsWith('/') ? '/' : base;
  // cur's node when the walk has already looked it up (the tree does not change during a walk),
  // and the root's, which an absolute link's target starts from again
  let curNode: Node | undefined;
  let rootNode: Node | undefined;
  let links = 0;
  for (let i = 0; i < parts.length; i++) {
    const seg = parts[i];
    if (seg.length > NAME_MAX) throw new Errno(ENAMETOOLONG);
    if (seg === '' || seg === '.') continue;
    const here = curNode ?? (cur === '/' ? (rootNode ??= nodeAt(src, cur)) : nodeAt(src, cur));
    if (!here || here.kind !== 'dir') throw new Errno(here ? ENOTDIR : ENOENT);
    curNode = here;
    if (seg === '..') {
      cur = cur === '/' ? '/' : cur.slice(0, cur.lastIndexOf('/')) || '/';
      curNode = undefined;
      continue;
    }
    const next = cur === '/' ? `/${seg}` : `${cur}/${seg}`;
    const node = nodeAt(src, next);
    if (!node) throw new Errno(ENOENT);
    // the last component when only empty and `.` ones follow (one pass, no copies: every
    // path a syscall names comes through here)
    let last = true;
    let dotAfter = false;
    for (let j = i + 1; j < parts.length; j++) {
      if (parts[j] === '.') dotAfter = true;
      else if (parts[j] !== '') last = false;
    }
    // a trailing slash or `.` asks for what the link names (a directory), even of lstat
    const dirWanted = raw.endsWith('/') || dotAfter;
    if (node.kind === 'link' && (!last || follow || dirWanted)) {
      if (++links > 40) throw new Errno(ELOOP);
      if (node.jump) {
        // nothing lies under what has no path
        if (!last || dirWanted) throw new Errno(ENOTDIR);
        return node.jump;
      }
      // the target's components take the link's place, from the link's directory when relative
      const rest = parts;
      parts = components(node.target);
      for (let j = i + 1; j < rest.length; j++) parts.push(rest[j]);
      if (node.target.startsWith('/')) {
        cur = '/';
        curNode = undefined;
      }
      i = -1;
      continue;
    }
    // a trailing slash asks for a directory
    if (last && dirWanted && node.kind !== 'dir' && node.kind !== 'link') throw new Errno(ENOTDIR);
    cur = next;
    curNode = node;
    if (last) return node;
  }
  const node = curNode ?? nodeAt(src, cur);
  if (!node) throw new Errno(ENOENT);
  return node;
}

/** The names in directory dir, with what each is: sorted, but for the lower layer's (see below). */
export function listDir(src: TreeSource, dir: string): { name: string; node: Node }[] {
  if (inProcfs(dir)) {
    const proc = src.proc;
    if (!proc) return [];
    return proc.names(dir).flatMap((name) => {
      const node = proc.node(`${dir}/${name}`);
      return node ? [{ name, node }] : [];
    });
  }
  const names = new Set<string>();
  const prefix = dir === '/' ? '/' : dir + '/';
  for (const p of [...src.files.keys(), ...(src.exe ? [src.exe.path] : [])]) {
    if (!p.startsWith(prefix)) continue;
    names.add(p.slice(prefix.length).split('/')[0]);
  }
  if (dir === '/') ['dev', 'proc', 'sys', 'tmp'].forEach((n) => names.add(n));
  if (dir === '/dev') [...Object.keys(DEVICES), ...Object.keys(DEV_LINKS), 'shm'].forEach((n) => names.add(n));
  for (const p of src.tmp?.entries.keys() ?? []) {
    if (p.startsWith(prefix) && !p.slice(prefix.length).includes('/')) names.add(p.slice(prefix.length));
  }
  // removed names (whiteouts) are gone
  const out: { name: string; node: Node }[] = [];
  // the machine's own names sorted, then the lower layer's in the order it lists them (an untouched
  // host directory reads in the host's order, as find and tar walk it natively), as overlayfs
  // merges a directory: its upper entries, then the lower ones not among them
  const lower = src.lower !== undefined && mountOf(dir) === '/' ? src.lower.names(dir) : [];
  const inLower = new Set(lower);
  for (const name of [...[...names].filter((n) => !inLower.has(n)).sort(), ...lower]) {
    const node = nodeAt(src, prefix + name);
    if (node) out.push({ name, node });
  }
  return out;
}

/**
 * A stable inode number for a path: the same path always has the same
 * number, of about 60 bits from two hashes (FNV-1a and a multiply-rotate one),
 * not 32: a walk of a host tree (tens of thousands of paths through the
 * lower layer) would meet two paths with one 32-bit number, which du, tar
 * and cp take for hard links of one file. At or above 2^33, clear of the
 * numbers nextIno gives from 2^32.
 */
export function inodeOf(path: string): bigint {
  let h = 0x811c9dc5;
  let g = 0x9e3779b9;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    h = Math.imul(h ^ c, 0x01000193);
    g = Math.imul(((g ^ c) << 13) | ((g ^ c) >>> 19), 0x5bd1e995) + 0x6b43a9b5;
  }
  // fmix32 of each lane, so that the high bits depend on every character
  g ^= g >>> 16;
  g = Math.imul(g, 0x85ebca6b);
  g ^= g >>> 13;
  g = Math.imul(g, 0xc2b2ae35);
  g ^= g >>> 16;
  return (BigInt((g >>> 0) & 0x1fffffff | 0x2) << 32n) | BigInt(h >>> 0);
}

/** st_mode of a node. */
export function modeOf(n: Node): number {
  switch (n.kind) {
    case 'file': return S_IFREG | (n.proc ? n.proc.mode : n.lower ? n.lower.mode : 0o755);
    case 'tmp': return S_IFREG | n.file.mode;
    case 'dir': return S_IFDIR | (n.proc ? n.proc.mode : n.tmp === 'root' ? 0o1777 : n.tmp instanceof TmpDir ? n.tmp.mode : n.lower ? n.lower.mode : 0o755);
    case 'dev': return S_IFCHR | 0o666;
    case 'link': return S_IFLNK | (n.proc ? n.proc.mode : 0o777);
    case 'sock': return S_IFSOCK | n.inode.mode;
    case 'fifo': return S_IFIFO | n.inode.mode;
    case 'devnode': return n.inode.type | n.inode.mode;
  }
}
