/**
 * What follows a rename on Linux because it holds a dentry, not a name:
 * working directories, open descriptors (a directory's descriptor stays the
 * base of openat, a file's /proc/<pid>/fd link shows where it is now),
 * mapped files' names in /proc/<pid>/maps and the /proc/<pid>/exe link.
 * The machine keeps these as paths, so a rename moves every one of them
 * that is the renamed path or under it (d_path after d_move).
 */
import type { Kernel } from './kernel.js';
import type { AddressSpace } from './mm.js';
import type { FdTable } from './files.js';
import { TmpStream, FileStream, DirStream, PathStream, DeviceStream } from './file_streams.js';
import { FifoEnd } from './pipe.js';

/** p with from (a path or a directory above it) replaced by to, or undefined when p is not under from. */
function moved(p: string, from: string, to: string): string | undefined {
  if (p === from) return to;
  if (p.length > from.length && p.startsWith(from) && p[from.length] === '/') return to + p.slice(from.length);
  return undefined;
}

/** After from was renamed to to: every path the machine holds for something that moved with it. */
export function followRename(k: Kernel, from: string, to: string): void {
  const tables = new Set<FdTable>();
  const spaces = new Set<AddressSpace>();
  for (const t of k.tasks.values()) {
    const cwd = moved(t.cwd, from, to);
    if (cwd !== undefined) t.cwd = cwd;
    tables.add(t.files);
    spaces.add(t.mm);
  }
  if (k.rootMm) spaces.add(k.rootMm);
  const entries = k.tmpfs().entries;
  const streams = new Set<object>();
  for (const files of tables) {
    for (const fd of files.fds()) {
      const s = files.get(fd)!.stream;
      if (streams.has(s)) continue;
      streams.add(s);
      if (s instanceof TmpStream || s instanceof FifoEnd) {
        // only if it is what moved: an earlier file of that name, since unlinked, stays put
        const p = moved(s.path, from, to);
        if (p !== undefined && entries.get(p) === (s instanceof TmpStream ? s.file : s.fifo)) s.path = p;
      } else if (s instanceof FileStream || s instanceof DirStream || s instanceof PathStream || s instanceof DeviceStream) {
        const p = moved(s.node.path, from, to);
        if (p !== undefined) s.node.path = p;
      }
    }
  }
  for (const mm of spaces) {
    const exe = moved(mm.exePath, from, to);
    if (exe !== undefined) mm.exePath = exe;
    mm.renamePaths((name) => moved(name, from, to));
  }
}
