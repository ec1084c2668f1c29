/**
 * Credentials (Linux: kernel/sys.c, kernel/groups.c): real, effective,
 * saved and filesystem user and group ids and the supplementary groups,
 * per task (a thread's setuid changes that thread only, as the raw call
 * does; the C library makes every thread call it). Every machine starts
 * as root. A task is privileged (CAP_SETUID, CAP_SETGID) while its
 * effective uid is 0: root that sets all three uids to others loses that
 * for good, and one that kept 0 as its saved uid can return to it.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EINVAL, EPERM } from '../errno.js';
import { copyFromUser, copyToUser, writeU32 } from '../uaccess.js';

/** A task's credentials; replaced on every change, never written in place (fork and threads share it until then). */
export interface Cred {
  readonly uid: number;
  readonly euid: number;
  readonly suid: number;
  readonly fsuid: number;
  readonly gid: number;
  readonly egid: number;
  readonly sgid: number;
  readonly fsgid: number;
  readonly groups: readonly number[];
}

export const ROOT_CRED: Cred = { uid: 0, euid: 0, suid: 0, fsuid: 0, gid: 0, egid: 0, sgid: 0, fsgid: 0, groups: [] };

/** NGROUPS_MAX. */
const NGROUPS_MAX = 65536;
/** An id argument of -1: leave that id as it is. */
const KEEP = 0xffffffff;

const privileged = (c: Cred): boolean => c.euid === 0;

/** Sets the user ids not KEEP (the filesystem id follows the effective one), with no check. */
function applyUids(k: Kernel, r: number, e: number, s: number): bigint {
  const c = k.current.cred;
  const euid = e === KEEP ? c.euid : e;
  k.current.cred = { ...c, uid: r === KEEP ? c.uid : r, euid, suid: s === KEEP ? c.suid : s, fsuid: euid };
  return 0n;
}

function applyGids(k: Kernel, r: number, e: number, s: number): bigint {
  const c = k.current.cred;
  const egid = e === KEEP ? c.egid : e;
  k.current.cred = { ...c, gid: r === KEEP ? c.gid : r, egid, sgid: s === KEEP ? c.sgid : s, fsgid: egid };
  return 0n;
}

/** Whether id may be taken without privilege: KEEP, or one of the given current ids. */
const oneOf = (id: number, ...ids: number[]): boolean => id === KEEP || ids.includes(id);

/** Writes three ids (getresuid, getresgid). */
function putIds(k: Kernel, addrs: bigint[], ids: number[]): bigint {
  for (let i = 0; i < 3; i++) writeU32(k.mm, addrs[i], ids[i]);
  return 0n;
}

export const credSyscalls: SyscallRow[] = [
  row(102, 'getuid', '', (k) => BigInt(k.current.cred.uid)),
  row(104, 'getgid', '', (k) => BigInt(k.current.cred.gid)),
  row(107, 'geteuid', '', (k) => BigInt(k.current.cred.euid)),
  row(108, 'getegid', '', (k) => BigInt(k.current.cred.egid)),
  row(118, 'getresuid', 'ppp', (k, a) => {
    const c = k.current.cred;
    return putIds(k, [a.u64(0), a.u64(1), a.u64(2)], [c.uid, c.euid, c.suid]);
  }),
  row(120, 'getresgid', 'ppp', (k, a) => {
    const c = k.current.cred;
    return putIds(k, [a.u64(0), a.u64(1), a.u64(2)], [c.gid, c.egid, c.sgid]);
  }),
  // setuid: root sets all of them; anyone else only the effective id, to the real or saved one
  row(105, 'setuid', 'd', (k, a) => {
    const id = a.u32(0);
    const c = k.current.cred;
    if (id === KEEP) throw new Errno(EINVAL);
    if (privileged(c)) return applyUids(k, id, id, id);
    if (id !== c.uid && id !== c.suid) throw new Errno(EPERM);
    return applyUids(k, KEEP, id, KEEP);
  }),
  row(106, 'setgid', 'd', (k, a) => {
    const id = a.u32(0);
    const c = k.current.cred;
    if (id === KEEP) throw new Errno(EINVAL);
    if (privileged(c)) return applyGids(k, id, id, id);
    if (id !== c.gid && id !== c.sgid) throw new Errno(EPERM);
    return applyGids(k, KEEP, id, KEEP);
  }),
  // setreuid: the saved id follows the new effective one when the real one is set or the
  // effective one is set to other than the old real one
  row(113, 'setreuid', 'dd', (k, a) => {
    const r = a.u32(0);
    const e = a.u32(1);
    const c = k.current.cred;
    if (!privileged(c) && (!oneOf(r, c.uid, c.euid) || !oneOf(e, c.uid, c.euid, c.suid))) throw new Errno(EPERM);
    const s = r !== KEEP || (e !== KEEP && e !== c.uid) ? (e === KEEP ? c.euid : e) : KEEP;
    return applyUids(k, r, e, s);
  }),
  row(114, 'setregid', 'dd', (k, a) => {
    const r = a.u32(0);
    const e = a.u32(1);
    const c = k.current.cred;
    if (!privileged(c) && (!oneOf(r, c.gid, c.egid) || !oneOf(e, c.gid, c.egid, c.sgid))) throw new Errno(EPERM);
    const s = r !== KEEP || (e !== KEEP && e !== c.gid) ? (e === KEEP ? c.egid : e) : KEEP;
    return applyGids(k, r, e, s);
  }),
  // setresuid: unprivileged, each new id is one of the three current ones
  row(117, 'setresuid', 'ddd', (k, a) => {
    const [r, e, s] = [a.u32(0), a.u32(1), a.u32(2)];
    const c = k.current.cred;
    if (!privileged(c) && ![r, e, s].every((id) => oneOf(id, c.uid, c.euid, c.suid))) throw new Errno(EPERM);
    return applyUids(k, r, e, s);
  }),
  row(119, 'setresgid', 'ddd', (k, a) => {
    const [r, e, s] = [a.u32(0), a.u32(1), a.u32(2)];
    const c = k.current.cred;
    if (!privileged(c) && ![r, e, s].every((id) => oneOf(id, c.gid, c.egid, c.sgid))) throw new Errno(EPERM);
    return applyGids(k, r, e, s);
  }),
  // setfsuid and setfsgid answer the old id whether or not they change it
  row(122, 'setfsuid', 'd', (k, a) => {
    const c = k.current.cred;
    const id = a.u32(0);
    if (privileged(c) || id === c.uid || id === c.euid || id === c.suid || id === c.fsuid) k.current.cred = { ...c, fsuid: id };
    return BigInt(c.fsuid);
  }),
  row(123, 'setfsgid', 'd', (k, a) => {
    const c = k.current.cred;
    const id = a.u32(0);
    if (privileged(c) || id === c.gid || id === c.egid || id === c.sgid || id === c.fsgid) k.current.cred = { ...c, fsgid: id };
    return BigInt(c.fsgid);
  }),
  row(115, 'getgroups', 'dp', (k, a) => {
    const size = a.i32(0);
    const groups = k.current.cred.groups;
    if (size < 0) throw new Errno(EINVAL);
    if (size === 0) return BigInt(groups.length);
    if (size < groups.length) throw new Errno(EINVAL);
    const out = new Uint8Array(4 * groups.length);
    const dv = new DataView(out.buffer);
    groups.forEach((g, i) => dv.setUint32(4 * i, g, true));
    if (out.length > 0) copyToUser(k.mm, a.u64(1), out);
    return BigInt(groups.length);
  }),
  row(116, 'setgroups', 'dp', (k, a) => {
    const size = a.i32(0);
    if (size < 0 || size > NGROUPS_MAX) throw new Errno(EINVAL);
    const c = k.current.cred;
    if (!privileged(c)) throw new Errno(EPERM);
    const raw = size > 0 ? copyFromUser(k.mm, a.u64(1), 4 * size) : new Uint8Array(0);
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    // the kernel keeps them sorted
    const groups = Array.from({ length: size }, (_, i) => dv.getUint32(4 * i, true)).sort((x, y) => x - y);
    k.current.cred = { ...c, groups };
    return 0n;
  }),
];
