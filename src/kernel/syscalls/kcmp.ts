/**
 * kcmp(2) (Linux: kernel/kcmp.c): whether two tasks share a kernel object
 * (an open file description, the descriptor table, the address space, the
 * filesystem context, the signal handlers, the semaphore undo list). Linux answers 0 for the same
 * object and otherwise 1 or 2 as the objects' obfuscated addresses order
 * them; here each object compared gets a number the first time, which
 * orders it the same way for as long as it lives.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import type { Task } from '../task.js';
import type { OpenFile } from '../files.js';
import { Errno, EBADF, EINVAL, ENOENT, ESRCH } from '../errno.js';
import { copyFromUser } from '../uaccess.js';
import { Epoll } from './epoll.js';

const KCMP_FILE = 0;
const KCMP_VM = 1;
const KCMP_FILES = 2;
const KCMP_FS = 3;
const KCMP_SIGHAND = 4;
const KCMP_IO = 5;
const KCMP_SYSVSEM = 6;
const KCMP_EPOLL_TFD = 7;

/** How many numbered objects make the numbering worth pruning. */
const PRUNE_AT = 256;

/**
 * The numbers of the objects kcmp has compared, kept on the kernel (so
 * snapshots keep them with the objects). Once there are many, those no
 * live task can reach any more are dropped: they cannot be compared again.
 */
function objectNumber(k: Kernel, obj: object | null): number {
  if (obj === null) return 0;
  const ids = (k.kcmpIds ??= new Map());
  let n = ids.get(obj);
  if (n === undefined) {
    if (ids.size >= PRUNE_AT) prune(k, ids);
    n = ++k.kcmpCount;
    ids.set(obj, n);
  }
  return n;
}

function prune(k: Kernel, ids: Map<object, number>): void {
  const live = new Set<object>();
  for (const t of k.tasks.values()) {
    live.add(t).add(t.mm).add(t.files).add(t.sighand);
    if (t.semUndo) live.add(t.semUndo);
    for (const fd of t.files.fds()) live.add(t.files.get(fd)!);
  }
  for (const obj of ids.keys()) if (!live.has(obj)) ids.delete(obj);
}

/** kcmp_ptr: 0 for the same object, else 1 when the first orders below the second, 2 above. */
function order(k: Kernel, a: object | null, b: object | null): bigint {
  if (a === b) return 0n;
  return objectNumber(k, a) < objectNumber(k, b) ? 1n : 2n;
}

/** The task a pid names, threads and unreaped zombies included (find_task_by_vpid). */
function taskOf(k: Kernel, pid: number): Task | undefined {
  return pid > 0 ? k.tasks.get(pid) : undefined;
}

/** A task's descriptor idx, or null (a zombie has no table any more). */
function fileOf(t: Task, idx: number): OpenFile | null {
  return t.state === 'zombie' ? null : t.files.get(idx) ?? null;
}

/**
 * KCMP_EPOLL_TFD: task1's descriptor idx1 against the file task2's epoll
 * instance (the kcmp_epoll_slot at slotAddr: efd, tfd, toff) watches under
 * descriptor tfd; toff picks among several such, and a table entry here
 * holds one per descriptor.
 */
function epollTarget(k: Kernel, t1: Task, t2: Task, idx1: number, slotAddr: bigint): bigint {
  const slot = new DataView(copyFromUser(k.mm, slotAddr, 12).buffer);
  const efd = slot.getUint32(0, true);
  const tfd = slot.getUint32(4, true);
  const toff = slot.getUint32(8, true);
  const file = fileOf(t1, idx1);
  if (!file) throw new Errno(EBADF);
  const ep = fileOf(t2, efd);
  if (!ep) throw new Errno(EBADF);
  if (!(ep.stream instanceof Epoll)) throw new Errno(EINVAL);
  ep.stream.prune();
  const item = toff === 0 ? ep.stream.items.get(tfd) : undefined;
  if (!item) throw new Errno(ENOENT);
  return order(k, file, item.file);
}

export const kcmpSyscalls: SyscallRow[] = [
  row(312, 'kcmp', 'dddxx', (k, a) => {
    const t1 = taskOf(k, a.i32(0));
    const t2 = taskOf(k, a.i32(1));
    if (!t1 || !t2) throw new Errno(ESRCH);
    // the caller is root: ptrace_may_access lets it inspect any task
    const z1 = t1.state === 'zombie';
    const z2 = t2.state === 'zombie';
    switch (a.i32(2)) {
      case KCMP_FILE: {
        const f1 = fileOf(t1, a.u32(3));
        const f2 = fileOf(t2, a.u32(4));
        if (!f1 || !f2) throw new Errno(EBADF);
        return order(k, f1, f2);
      }
      // a zombie has left its address space, descriptor table and filesystem context (NULL)
      case KCMP_VM:
        return order(k, z1 ? null : t1.mm, z2 ? null : t2.mm);
      case KCMP_FILES:
        return order(k, z1 ? null : t1.files, z2 ? null : t2.files);
      // the working directory is the process's here (kept on its leader): its fs_struct is the leader
      case KCMP_FS:
        return order(k, z1 ? null : k.tasks.get(t1.tgid) ?? t1, z2 ? null : k.tasks.get(t2.tgid) ?? t2);
      case KCMP_SIGHAND:
        return order(k, t1.sighand, t2.sighand);
      case KCMP_SYSVSEM:
        return order(k, t1.semUndo ?? null, t2.semUndo ?? null);
      // no task has an I/O context (nothing does block I/O): both NULL
      case KCMP_IO:
        return 0n;
      case KCMP_EPOLL_TFD:
        return epollTarget(k, t1, t2, a.u32(3), a.u64(4));
      default:
        throw new Errno(EINVAL);
    }
  }),
];
