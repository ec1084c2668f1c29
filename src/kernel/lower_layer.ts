/**
 * A read-only lower layer under the machine's file tree, as overlayfs puts
 * a lower layer under its upper one: where the given files, the writable
 * layer (and its whiteouts) and the mounts have nothing at a path of the
 * root filesystem, the lower layer is asked, at the moment of the lookup.
 * It holds regular files, directories and symbolic links; whatever else it
 * has (devices, sockets, FIFOs) is absent from the tree. The kernel never
 * writes it: a change copies the file up into the writable layer
 * (src/kernel/syscalls/paths.ts copyUp), a removal leaves a whiteout.
 *
 * The kernel sees only this interface, so that it needs no host module:
 * the Node side (src/api/host_layer.ts) gives one reading the host's files.
 */
import { SHARES, type SharesFields } from './clone.js';

/** What the lower layer says of an entry (lstat's answer: no link followed). */
export interface LowerAttrs {
  type: 'file' | 'dir' | 'link';
  /** The permission bits and set-id/sticky bits. */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  nlink: number;
  /** 512-byte blocks allocated (what du and ls -s count). */
  blocks: number;
  /** ns since the epoch. */
  atime: bigint;
  mtime: bigint;
  ctime: bigint;
  btime: bigint | undefined;
}

export interface LowerLayer {
  /** The entry at an absolute path of the tree, or undefined where the layer has none (or none it shows). */
  entry(path: string): LowerAttrs | undefined;
  /** A regular file's bytes (an Errno thrown where they cannot be read). */
  read(path: string): Uint8Array;
  /** A symbolic link's target, resolved by the machine's tree, not the layer's. */
  readlink(path: string): string;
  /** The names in a directory, in the order its readdir gives them ([] where there is no directory). */
  names(dir: string): string[];
}

/**
 * A regular file of the lower layer as a node of the tree: its bytes are
 * read at the first use (open, mmap, execve), not at lookup, so that a
 * stat of a large file or a directory listing reads no contents.
 */
/** The LowerFile fields its snapshot copies share ([SHARES]). */
const SHARED_FIELDS: readonly string[] = ['layer', 'bytes'];

export class LowerFile implements SharesFields {
  readonly kind = 'file' as const;
  private bytes: Uint8Array | undefined;
  constructor(
    readonly path: string,
    readonly lower: LowerAttrs,
    private readonly layer: LowerLayer,
  ) {}

  get data(): Uint8Array {
    return (this.bytes ??= this.layer.read(this.path));
  }

  /** Snapshot copies share the layer (the host's, no machine state) and the bytes, never written in place. */
  get [SHARES](): readonly string[] {
    return SHARED_FIELDS;
  }
}

/** The node of the lower layer at path, if any (a plain node for a directory or a link). */
export function lowerNode(
  layer: LowerLayer,
  path: string,
): LowerFile | { kind: 'dir'; path: string; tmp: 'given'; lower: LowerAttrs } | { kind: 'link'; path: string; target: string; lower: LowerAttrs } | undefined {
  const a = layer.entry(path);
  if (a === undefined) return undefined;
  switch (a.type) {
    case 'file': return new LowerFile(path, a, layer);
    // a directory of the lower layer takes new entries as one above given files does
    case 'dir': return { kind: 'dir', path, tmp: 'given', lower: a };
    case 'link': return { kind: 'link', path, target: layer.readlink(path), lower: a };
  }
}
