/**
 * /proc/<pid>/maps: one line per VMA as fs/proc/task_mmu.c prints it (the
 * executable's pages name its path, with their offset in the file, and the
 * device and inode stat reports for it; the heap and stack their
 * brackets).
 */
import { PT_LOAD } from './elf.js';
import { parseElfOnce } from './exec.js';
import { FILE_PAGES, SHARED_ANON, PROT_EXEC, PROT_READ, PROT_WRITE, type AddressSpace } from './mm.js';
import { inodeOf } from './vfs.js';

const hex = (v: bigint, width: number): string => v.toString(16).padStart(width, '0');

/** Where the executable's file ends in the PT_LOAD segment holding addr (its bss follows), with addr's offset. */
function fileSpan(mm: AddressSpace, addr: bigint): { offset: bigint; fileEnd: bigint } {
  if (!mm.exe) return { offset: 0n, fileEnd: addr };
  const elf = parseElfOnce(mm.exe);
  const bias = mm.exeBias;
  for (const p of elf.phdrs) {
    if (p.type !== PT_LOAD) continue;
    const vaddr = p.vaddr + bias;
    const first = vaddr & ~0xfffn;
    if (addr >= first && addr < vaddr + p.memsz) {
      return { offset: (p.offset & ~0xfffn) + (addr - first), fileEnd: (vaddr + p.filesz + 0xfffn) & ~0xfffn };
    }
  }
  return { offset: 0n, fileEnd: addr };
}

interface MapLine {
  start: bigint;
  end: bigint;
  perms: string;
  /** The file offset, or -1n for anonymous memory. */
  offset: bigint;
  name: string;
  /** The file's device and inode, as the line shows them (the executable's when absent). */
  file?: string;
}

/**
 * /proc/<pid>/maps of mm. An executable's segment shows as Linux maps it:
 * its file pages, then its bss as anonymous memory; adjacent anonymous
 * pieces that Linux would have merged into one VMA (of the same kind and
 * permissions, such as a heap grown by brk in steps) show as one.
 */
export function procMaps(mm: AddressSpace): Uint8Array {
  const lines: MapLine[] = [];
  const add = (l: MapLine): void => {
    const prev = lines[lines.length - 1];
    // file pieces stay apart: Linux keeps a segment's pages that were written (which have an
    // anon_vma) from merging with the next segment's
    const joins = prev !== undefined && prev.end === l.start && prev.perms === l.perms && prev.name === l.name && l.offset < 0n && prev.offset < 0n;
    if (joins) prev.end = l.end;
    else lines.push(l);
  };
  for (const v of mm.vmas) {
    const perms =
      (v.prot & PROT_READ ? 'r' : '-') + (v.prot & PROT_WRITE ? 'w' : '-') + (v.prot & PROT_EXEC ? 'x' : '-') + (v.shared ? 's' : 'p');
    if (v.name === FILE_PAGES) {
      const { offset, fileEnd } = fileSpan(mm, v.start);
      const split = fileEnd > v.start && fileEnd < v.end ? fileEnd : v.end;
      add({ start: v.start, end: split, perms, offset, name: mm.exeName() });
      if (split < v.end) add({ start: split, end: v.end, perms, offset: -1n, name: '' });
    } else if (v.name === SHARED_ANON) {
      // a shared anonymous mapping is a deleted file of the kernel's shmem
      add({ start: v.start, end: v.end, perms, offset: -1n, name: '/dev/zero (deleted)' });
    } else if (v.file !== 0) {
      // a tmpfs file (a memfd's name is "/memfd:NAME"), on the internal shmem mount's device
      const f = mm.files.get(v.file);
      const name = f.nlink === 0 ? `${v.name} (deleted)` : v.name;
      add({ start: v.start, end: v.end, perms, offset: BigInt(v.pgoff) * 4096n, name, file: `00:01 ${f.ino}` });
    } else {
      add({ start: v.start, end: v.end, perms, offset: -1n, name: v.name });
    }
  }
  let text = '';
  for (const l of lines) {
    const where = l.offset >= 0n ? `${hex(l.offset, 8)} ${l.file ?? `08:01 ${inodeOf(mm.exePath)}`}` : '00000000 00:00 0';
    const line = `${hex(l.start, 8)}-${hex(l.end, 8)} ${l.perms} ${where}`;
    // the name starts in column 74 (seq_pad: 25 + 6 * sizeof(void *) - 1)
    text += l.name ? `${line.padEnd(73)}${l.name}\n` : `${line} \n`;
  }
  return new TextEncoder().encode(text);
}
