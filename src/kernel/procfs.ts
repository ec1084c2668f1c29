/**
 * Files of /proc/self that a program reads to learn about itself: `maps`,
 * one line per VMA as fs/proc/task_mmu.c prints it (the executable's pages
 * name its path, with their offset in the file, and the device and inode
 * stat reports for it; the heap and stack their brackets); `status`, the
 * identity, credential and signal lines of fs/proc/array.c (not the
 * memory and scheduling counters); `cmdline`, the argument strings read
 * from the process's memory; and what the /proc/self/fd links read.
 */
import { ET_DYN, PT_LOAD } from './elf.js';
import { parseElfOnce } from './exec.js';
import { ET_DYN_BASE, FILE_PAGES, SHARED_ANON, PROT_EXEC, PROT_READ, PROT_WRITE, type AddressSpace } from './mm.js';
import { inodeOf } from './vfs.js';
import type { Kernel } from './kernel.js';
import { copyFromUser } from './uaccess.js';
import { FileStream, DirStream, DeviceStream, PathStream } from './file_streams.js';

const hex = (v: bigint, width: number): string => v.toString(16).padStart(width, '0');

/** Where the executable's file ends in the PT_LOAD segment holding addr (its bss follows), with addr's offset. */
function fileSpan(mm: AddressSpace, addr: bigint): { offset: bigint; fileEnd: bigint } {
  if (!mm.exe) return { offset: 0n, fileEnd: addr };
  const elf = parseElfOnce(mm.exe);
  const bias = elf.type === ET_DYN ? ET_DYN_BASE : 0n;
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
 * /proc/self/maps of mm. An executable's segment shows as Linux maps it:
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
      add({ start: v.start, end: split, perms, offset, name: mm.exePath });
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

/** A file of /proc/self for the current process: maps, status or cmdline. */
export function procFile(k: Kernel, name: string): Uint8Array | undefined {
  switch (name) {
    case 'maps': return procMaps(k.current.mm);
    case 'status': return new TextEncoder().encode(procStatus(k));
    case 'cmdline': {
      const mm = k.current.mm;
      try {
        return copyFromUser(mm, mm.argStart, Number(mm.argEnd - mm.argStart));
      } catch {
        return new Uint8Array(0);
      }
    }
  }
  return undefined;
}

const hex16 = (v: bigint): string => BigInt.asUintN(64, v).toString(16).padStart(16, '0');

/** /proc/self/status's lines for the current process (its leader's identity, the calling thread's signals). */
function procStatus(k: Kernel): string {
  const t = k.current;
  const leader = k.tasks.get(t.tgid) ?? t;
  const c = t.cred;
  const threads = [...k.tasks.values()].filter((x) => x.tgid === t.tgid && x.state !== 'zombie').length;
  let ignored = 0n;
  let caught = 0n;
  t.sighand.actions.forEach((a, n) => {
    if (n === 0) return;
    if (a.handler === 1n) ignored |= 1n << BigInt(n - 1);
    else if (a.handler !== 0n) caught |= 1n << BigInt(n - 1);
  });
  const caps = c.euid === 0 ? '000001ffffffffff' : '0000000000000000';
  const lines = [
    `Name:\t${leader.comm}`,
    `Umask:\t${leader.umask.toString(8).padStart(4, '0')}`,
    'State:\tR (running)',
    `Tgid:\t${t.tgid}`,
    'Ngid:\t0',
    `Pid:\t${t.tgid}`,
    `PPid:\t${t.ppid}`,
    `TracerPid:\t${leader.tracer ?? 0}`,
    `Uid:\t${c.uid}\t${c.euid}\t${c.suid}\t${c.fsuid}`,
    `Gid:\t${c.gid}\t${c.egid}\t${c.sgid}\t${c.fsgid}`,
    `FDSize:\t${Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(...t.files.fds(), 0) + 1)))}`,
    `Groups:\t${c.groups.map((g) => `${g} `).join('')}`,
    `NStgid:\t${t.tgid}`,
    `NSpid:\t${t.tgid}`,
    `NSpgid:\t${t.pgid}`,
    `NSsid:\t${t.sid}`,
    `Threads:\t${threads}`,
    `SigQ:\t${t.sig.more.length + t.shared.more.length}/${leader.rlimits[2 * 11]}`,
    `SigPnd:\t${hex16(t.sig.set())}`,
    `ShdPnd:\t${hex16(t.shared.set())}`,
    `SigBlk:\t${hex16(t.sig.blocked)}`,
    `SigIgn:\t${hex16(ignored)}`,
    `SigCgt:\t${hex16(caught)}`,
    'CapInh:\t0000000000000000',
    `CapPrm:\t${caps}`,
    `CapEff:\t${caps}`,
    'CapBnd:\t000001ffffffffff',
    'CapAmb:\t0000000000000000',
    'NoNewPrivs:\t0',
    'Seccomp:\t0',
    'Seccomp_filters:\t0',
    'Cpus_allowed:\t1',
    'Cpus_allowed_list:\t0',
  ];
  return lines.join('\n') + '\n';
}

/** What each of the current process's descriptors' /proc/self/fd links reads. */
export function fdLinks(k: Kernel): Map<number, string> {
  const out = new Map<number, string>();
  const files = k.current.files;
  for (const fd of files.fds()) {
    const s = files.get(fd)!.stream;
    let target: string;
    if (s instanceof FileStream || s instanceof DirStream || s instanceof PathStream) target = s.node.path;
    else if (s instanceof DeviceStream) target = s.node.path;
    else if (s.linkName) target = s.linkName();
    else if (s.pid !== undefined) target = 'anon_inode:[pidfd]';
    // the machine's streams behave as pipes (fstat reports them so, with these inode numbers)
    else target = `pipe:[${fd + 1}]`;
    out.set(fd, target);
  }
  return out;
}
