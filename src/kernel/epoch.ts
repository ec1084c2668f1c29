/**
 * The machine's realtime epoch, in a module of its own so that anything
 * (the memory manager included) can date what it makes without importing
 * the syscall tables.
 *
 * Each machine has its own (Kernel.epochNs, MachineOptions.epoch): this
 * constant is only the default, kept fixed so that a library machine reads
 * the same dates on every host and every day.
 */

/** CLOCK_REALTIME at instruction 0 by default: the seed patch's date, 2020-08-10 23:27:07 UTC. */
export const EPOCH_NS = 1597102027n * 1_000_000_000n;

const NS_PER_S = 1_000_000_000n;

/**
 * An epoch given in seconds since 1970 (MachineOptions.epoch: a whole
 * number, or a fraction such as Date.now() / 1000) as ns. The whole seconds
 * and the fraction are converted apart: seconds times 1e9 as a double loses
 * nanoseconds past 2^53. Anything but a finite number >= 0 is a RangeError.
 */
export function epochNsOf(seconds: number): bigint {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new RangeError(`sudsim: epoch must be a finite number of seconds since 1970, at least 0 (got ${String(seconds)})`);
  }
  const whole = Math.floor(seconds);
  return BigInt(whole) * NS_PER_S + BigInt(Math.round((seconds - whole) * 1e9));
}
