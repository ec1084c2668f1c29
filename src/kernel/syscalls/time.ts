/**
 * Clocks. Time is virtual: one nanosecond per retired guest instruction
 * (a 1 GHz machine that retires one instruction a cycle), counted from a
 * fixed epoch, so the same program always sees the same times.
 */
import { row, type SyscallRow } from './table.js';
import { copyToUser } from '../uaccess.js';
import { Errno, EINVAL } from '../errno.js';

/** CLOCK_REALTIME at instruction 0: the seed patch's date, 2020-08-10 23:27:07 UTC. */
export const EPOCH_NS = 1597102027n * 1_000_000_000n;

const CLOCK_REALTIME = 0;
const CLOCK_MONOTONIC = 1;
const CLOCK_PROCESS_CPUTIME_ID = 2;
const CLOCK_THREAD_CPUTIME_ID = 3;
const CLOCK_MONOTONIC_RAW = 4;
const CLOCK_REALTIME_COARSE = 5;
const CLOCK_MONOTONIC_COARSE = 6;
const CLOCK_BOOTTIME = 7;

function timespec(ns: bigint): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, ns / 1_000_000_000n, true);
  dv.setBigInt64(8, ns % 1_000_000_000n, true);
  return b;
}

export const timeSyscalls: SyscallRow[] = [
  row(228, 'clock_gettime', 'dp', (k, a) => {
    const id = a.i32(0);
    const now = k.clockNs();
    let ns: bigint;
    switch (id) {
      case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: ns = EPOCH_NS + now; break;
      case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
      case CLOCK_PROCESS_CPUTIME_ID: case CLOCK_THREAD_CPUTIME_ID:
        ns = now; break;
      default: throw new Errno(EINVAL);
    }
    copyToUser(k.mm, a.u64(1), timespec(ns));
    return 0n;
  }),
  row(229, 'clock_getres', 'dp', (k, a) => {
    const id = a.i32(0);
    if (id < 0 || id > 7) throw new Errno(EINVAL);
    if (a.u64(1) !== 0n) copyToUser(k.mm, a.u64(1), timespec(1n));
    return 0n;
  }),
  row(96, 'gettimeofday', 'pp', (k, a) => {
    if (a.u64(0) !== 0n) {
      const ns = EPOCH_NS + k.clockNs();
      const b = new Uint8Array(16);
      const dv = new DataView(b.buffer);
      dv.setBigInt64(0, ns / 1_000_000_000n, true);
      dv.setBigInt64(8, (ns % 1_000_000_000n) / 1000n, true);
      copyToUser(k.mm, a.u64(0), b);
    }
    if (a.u64(1) !== 0n) copyToUser(k.mm, a.u64(1), new Uint8Array(8));
    return 0n;
  }),
  row(201, 'time', 'p', (k, a) => {
    const s = (EPOCH_NS + k.clockNs()) / 1_000_000_000n;
    if (a.u64(0) !== 0n) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigInt64(0, s, true);
      copyToUser(k.mm, a.u64(0), b);
    }
    return s;
  }),
];
