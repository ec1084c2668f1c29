/**
 * select and pselect6 (Linux: fs/select.c): three descriptor bitmaps of
 * nfds bits, each descriptor in them checked as poll would (readable: data,
 * hang-up or error; writable: room or error; exceptional: urgent data),
 * the bitmaps rewritten to the ready ones and their count returned. A
 * descriptor that is not open is EBADF. select's timeval is rewritten to
 * the time left, as Linux does; pselect6 waits under the signal mask given.
 * Neither is restarted after a handler.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EBADF, EINVAL } from '../errno.js';
import { copyFromUser, copyToUser, tryCopyToUser } from '../uaccess.js';
import { streamReady, waitForIo } from './poll.js';
import { withSigmask } from '../signals.js';
import { timespecNs } from './time.js';

const POLLIN_SET = 0x1 | 0x40 | 0x80 | 0x10 | 0x8; // IN, RDNORM, RDBAND, HUP, ERR
const POLLOUT_SET = 0x4 | 0x100 | 0x200 | 0x8; // OUT, WRNORM, WRBAND, ERR
const POLLEX_SET = 0x2; // PRI

/** The three fd_sets' bits (nfds of them, in whole longs), as bytes; undefined for a NULL set. */
function readSet(k: Kernel, addr: bigint, bytes: number): Uint8Array | undefined {
  return addr === 0n ? undefined : copyFromUser(k.mm, addr, bytes);
}

const has = (set: Uint8Array | undefined, fd: number): boolean => set !== undefined && (set[fd >> 3] & (1 << (fd & 7))) !== 0;

function doSelect(k: Kernel, nfds: number, addrs: bigint[], timeoutNs: bigint): bigint {
  if (nfds < 0 || nfds > k.fdLimit()) throw new Errno(EINVAL);
  const bytes = Math.ceil(nfds / 64) * 8;
  const sets = addrs.map((a) => readSet(k, a, bytes));
  const out = sets.map((s) => (s ? new Uint8Array(bytes) : undefined));
  let count = 0;
  for (let fd = 0; fd < nfds; fd++) {
    if (!has(sets[0], fd) && !has(sets[1], fd) && !has(sets[2], fd)) continue;
    const s = k.fd(fd);
    if (!s) throw new Errno(EBADF);
    const r = streamReady(k, s, POLLIN_SET | POLLOUT_SET | POLLEX_SET);
    const ready = [r & POLLIN_SET, r & POLLOUT_SET, r & POLLEX_SET];
    for (let i = 0; i < 3; i++) {
      if (!has(sets[i], fd) || !ready[i]) continue;
      out[i]![fd >> 3] |= 1 << (fd & 7);
      count++;
    }
  }
  if (count === 0) waitForIo(k, timeoutNs);
  k.current.sleepUntil = undefined;
  k.current.inPoll = false;
  for (let i = 0; i < 3; i++) if (out[i]) copyToUser(k.mm, addrs[i], out[i]!);
  return BigInt(count);
}

/** A timeval's nanoseconds (NULL: -1n, no timeout); EINVAL for a negative one. */
function timevalArg(k: Kernel, addr: bigint): bigint {
  if (addr === 0n) return -1n;
  const dv = new DataView(copyFromUser(k.mm, addr, 16).buffer);
  const s = dv.getBigInt64(0, true);
  const us = dv.getBigInt64(8, true);
  if (s < 0n || us < 0n) throw new Errno(EINVAL);
  // microseconds past a second carry into seconds (do_select adds tv_usec / 1000000 to tv_sec)
  return s * 1_000_000_000n + us * 1000n;
}

/**
 * poll_select_finish: the time left until deadline (0 once it passed)
 * written back over the caller's timeval or timespec, a fault ignored.
 */
export function writeTimeLeft(k: Kernel, addr: bigint, deadline: bigint, timeval: boolean): void {
  const left = deadline - k.clockNs();
  const l = left > 0n ? left : 0n;
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, l / 1_000_000_000n, true);
  dv.setBigInt64(8, timeval ? (l % 1_000_000_000n) / 1000n : l % 1_000_000_000n, true);
  tryCopyToUser(k.mm, addr, b);
}

export const selectSyscalls: SyscallRow[] = [
  row(23, 'select', 'dpppp', (k, a) => {
    const tv = a.u64(4);
    const t = k.current;
    const ns = timevalArg(k, tv);
    // the deadline from the first entry, so that the time left can be written back
    const deadline = t.sleepUntil ?? (ns >= 0n ? k.clockNs() + ns : undefined);
    const r = doSelect(k, a.i32(0), [a.u64(1), a.u64(2), a.u64(3)], ns);
    if (deadline !== undefined) writeTimeLeft(k, tv, deadline, true);
    return r;
  }),
  row(270, 'pselect6', 'dppppp', (k, a) => {
    const ns = a.u64(4) === 0n ? -1n : timespecNs(k, a.u64(4));
    const deadline = k.current.sleepUntil ?? (ns >= 0n ? k.clockNs() + ns : undefined);
    // the sixth argument points at { sigset pointer, its size }
    let mask = 0n;
    let size = 8n;
    if (a.u64(5) !== 0n) {
      const dv = new DataView(copyFromUser(k.mm, a.u64(5), 16).buffer);
      mask = dv.getBigUint64(0, true);
      size = dv.getBigUint64(8, true);
    }
    const r = withSigmask(k, mask, size, () => doSelect(k, a.i32(0), [a.u64(1), a.u64(2), a.u64(3)], ns));
    if (deadline !== undefined) writeTimeLeft(k, a.u64(4), deadline, false);
    return r;
  }),
];
