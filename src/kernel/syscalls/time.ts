/**
 * Clocks. Time is virtual: one nanosecond per retired guest instruction
 * (a 1 GHz machine that retires one instruction a cycle), counted from a
 * fixed epoch, so the same program always sees the same times.
 */
import { row, type SyscallRow } from './table.js';
import { copyToUser, copyFromUser, tryCopyToUser } from '../uaccess.js';
import type { Kernel } from '../kernel.js';
import { Errno, EFAULT, EINVAL } from '../errno.js';
import { clockBase, CLOCK_RES_NS, CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID, CLOCK_TAI } from '../clocks.js';

const NS_PER_US = 1000n;
const NS_PER_S = 1_000_000_000n;


const RUSAGE_SELF = 0;
const RUSAGE_CHILDREN = -1;
const RUSAGE_THREAD = 1;

export function timespec(ns: bigint): Uint8Array {
  const b = new Uint8Array(16);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, ns / 1_000_000_000n, true);
  dv.setBigInt64(8, ns % 1_000_000_000n, true);
  return b;
}

/** A struct timespec at addr as nanoseconds; EINVAL for a negative part or nanoseconds past a second. */
export function timespecNs(k: Kernel, addr: bigint): bigint {
  const ts = new DataView(copyFromUser(k.mm, addr, 16).buffer);
  const sec = ts.getBigInt64(0, true);
  const nsec = ts.getBigInt64(8, true);
  if (sec < 0n || nsec < 0n || nsec >= NS_PER_S) throw new Errno(EINVAL);
  return sec * NS_PER_S + nsec;
}

const ITIMER_REAL = 0;
const ITIMER_VIRTUAL = 1;
const ITIMER_PROF = 2;

/** The kernel's tick, CONFIG_HZ 250 (the reference host's), in ns. */
const TICK_NSEC = 4_000_000n;
/** INITIAL_JIFFIES: jiffies start five minutes before their low 32 bits wrap, so that wrap bugs show early. */
const INITIAL_JIFFIES = (1n << 32n) - 300n * 250n;
/** A clock_t tick (USER_HZ 100) in ns. */
export const NSEC_PER_CLOCK_T = 10_000_000n;


/** struct itimerval { it_interval, it_value } (two timevals) from [value, interval] in ns. */
function itimerval(value: bigint, interval: bigint): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, interval / NS_PER_S, true);
  dv.setBigInt64(8, (interval % NS_PER_S) / NS_PER_US, true);
  // a timer about to fire reads as a microsecond left, not zero (zero means disarmed)
  const v = value > 0n && value < NS_PER_US ? NS_PER_US : value;
  dv.setBigInt64(16, v / NS_PER_S, true);
  dv.setBigInt64(24, (v % NS_PER_S) / NS_PER_US, true);
  return b;
}

/** A CPU timer's time left as getitimer shows it: 0 disarmed, a tick when due (get_cpu_itimer). */
function cpuLeft([left, period]: [bigint | undefined, bigint]): [bigint, bigint] {
  if (left === undefined) return [0n, 0n];
  return [left > 0n ? left : TICK_NSEC, period];
}

/** A timeval's nanoseconds; EINVAL for a negative part or microseconds past a second. */
function timevalNs(dv: DataView, at: number): bigint {
  const sec = dv.getBigInt64(at, true);
  const usec = dv.getBigInt64(at + 8, true);
  if (sec < 0n || usec < 0n || usec >= 1_000_000n) throw new Errno(EINVAL);
  return sec * NS_PER_S + usec * NS_PER_US;
}

/** A struct rusage (144 bytes) with ru_utime only: the machine's CPU time is all user time. */
export function rusage(utimeNs: bigint): Uint8Array {
  const b = new Uint8Array(144);
  const dv = new DataView(b.buffer);
  dv.setBigInt64(0, utimeNs / NS_PER_S, true);
  dv.setBigInt64(8, (utimeNs % NS_PER_S) / NS_PER_US, true);
  return b;
}

export const timeSyscalls: SyscallRow[] = [
  // ITIMER_REAL on the virtual clock: SIGALRM when it expires; ITIMER_VIRTUAL and ITIMER_PROF on
  // the process's CPU time: SIGVTALRM and SIGPROF
  row(37, 'alarm', 'u', (k, a) => {
    const secs = a.u32(0);
    const [left] = k.setAlarm(BigInt(secs) * NS_PER_S, 0n);
    // the seconds left of the previous alarm, rounded to nearest (and at least 1 when any is left)
    const s = left / NS_PER_S;
    const rest = left % NS_PER_S;
    return (s === 0n && rest > 0n) || rest >= 500_000_000n ? s + 1n : s;
  }),
  row(38, 'setitimer', 'dpp', (k, a) => {
    const which = a.i32(0);
    if (which !== ITIMER_REAL && which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) throw new Errno(EINVAL);
    let value = 0n;
    let interval = 0n;
    if (a.u64(1) !== 0n) {
      const dv = new DataView(copyFromUser(k.mm, a.u64(1), 32).buffer);
      interval = timevalNs(dv, 0);
      value = timevalNs(dv, 16);
    }
    // a CPU timer runs a tick more than asked (set_cpu_itimer), so that it never fires early
    const [left, period] = which === ITIMER_REAL ? k.setAlarm(value, interval) : cpuLeft(k.setCpuTimer(which, value > 0n ? value + TICK_NSEC : 0n, interval));
    if (a.u64(2) !== 0n) copyToUser(k.mm, a.u64(2), itimerval(left, period));
    return 0n;
  }),
  row(36, 'getitimer', 'dp', (k, a) => {
    const which = a.i32(0);
    if (which !== ITIMER_REAL && which !== ITIMER_VIRTUAL && which !== ITIMER_PROF) throw new Errno(EINVAL);
    const [left, period] = which === ITIMER_REAL ? k.getAlarm() : cpuLeft(k.getCpuTimer(which));
    copyToUser(k.mm, a.u64(1), itimerval(left, period));
    return 0n;
  }),
  row(228, 'clock_gettime', 'dp', (k, a) => {
    const id = a.i32(0);
    const base = clockBase(id, k.epochNs);
    let ns: bigint;
    if (base !== undefined) ns = base + k.clockNs();
    else if (id === CLOCK_PROCESS_CPUTIME_ID) ns = k.processCpuNs(k.current.tgid);
    else if (id === CLOCK_THREAD_CPUTIME_ID) ns = k.threadCpuNs(k.current);
    else throw new Errno(EINVAL);
    copyToUser(k.mm, a.u64(1), timespec(ns));
    return 0n;
  }),
  row(229, 'clock_getres', 'dp', (k, a) => {
    const id = a.i32(0);
    if ((id < 0 || id > 7) && id !== CLOCK_TAI) throw new Errno(EINVAL);
    if (a.u64(1) !== 0n) copyToUser(k.mm, a.u64(1), timespec(CLOCK_RES_NS));
    return 0n;
  }),
  row(96, 'gettimeofday', 'pp', (k, a) => {
    if (a.u64(0) !== 0n) {
      const ns = k.realtimeNs();
      const b = new Uint8Array(16);
      const dv = new DataView(b.buffer);
      dv.setBigInt64(0, ns / 1_000_000_000n, true);
      dv.setBigInt64(8, (ns % 1_000_000_000n) / 1000n, true);
      copyToUser(k.mm, a.u64(0), b);
    }
    if (a.u64(1) !== 0n) copyToUser(k.mm, a.u64(1), new Uint8Array(8));
    return 0n;
  }),
  // CPU time is the retired instructions of the process (its threads, those gone included), of
  // the thread, or of the waited-for children: all of it user time; no memory or I/O counts
  row(98, 'getrusage', 'dp', (k, a) => {
    const who = a.i32(0);
    if (who !== RUSAGE_SELF && who !== RUSAGE_CHILDREN && who !== RUSAGE_THREAD) throw new Errno(EINVAL);
    const t = k.current;
    const ns = who === RUSAGE_SELF ? k.processCpuNs(t.tgid) : who === RUSAGE_THREAD ? k.threadCpuNs(t) : (k.tasks.get(t.tgid) ?? t).cpuTotals?.children ?? 0n;
    copyToUser(k.mm, a.u64(1), rusage(ns));
    return 0n;
  }),
  // struct tms: the process's and its waited-for children's user time as getrusage counts them,
  // no system time; the result is jiffies_64_to_clock_t(jiffies)
  row(100, 'times', 'p', (k, a) => {
    const now = k.clockNs();
    if (a.u64(0) !== 0n) {
      const t = k.current;
      const b = new Uint8Array(32);
      const dv = new DataView(b.buffer);
      dv.setBigInt64(0, k.processCpuNs(t.tgid) / NSEC_PER_CLOCK_T, true);
      dv.setBigInt64(16, ((k.tasks.get(t.tgid) ?? t).cpuTotals?.children ?? 0n) / NSEC_PER_CLOCK_T, true);
      if (!tryCopyToUser(k.mm, a.u64(0), b)) throw new Errno(EFAULT);
    }
    return ((INITIAL_JIFFIES + now / TICK_NSEC) * TICK_NSEC) / NSEC_PER_CLOCK_T;
  }),
  row(201, 'time', 'p', (k, a) => {
    const s = k.realtimeNs() / 1_000_000_000n;
    if (a.u64(0) !== 0n) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigInt64(0, s, true);
      copyToUser(k.mm, a.u64(0), b);
    }
    return s;
  }),
];
