/**
 * CPU masks (Linux: include/linux/cpumask.h) as a bigint of one bit per
 * CPU, and the two ways the kernel prints one (lib/vsprintf.c's "%*pb"
 * and "%*pbl"). The machine is built with NR_CPUS of 64, so a cpumask is
 * one long: cpumask_size() is 8 bytes, whatever the CPU count.
 */

/** NR_CPUS: the most CPUs the machine can have (MachineOptions.cpus is 1..NR_CPUS). */
export const NR_CPUS = 64;
/** cpumask_size(): the bytes of a cpumask, sched_getaffinity's longest answer. */
export const CPUMASK_BYTES = NR_CPUS / 8;

/** The mask of CPUs 0..n-1: the online (and possible, and present) mask of an n-CPU machine. */
export const cpusUpTo = (n: number): bigint => (1n << BigInt(n)) - 1n;

/** cpumask_first: the lowest CPU in a mask (NR_CPUS for an empty one). */
export function cpumaskFirst(mask: bigint): number {
  if (mask === 0n) return NR_CPUS;
  let cpu = 0;
  // the low 32 bits hold the answer on every machine up to 32 CPUs: look at them as a number
  let low = Number(mask & 0xffffffffn);
  if (low === 0) {
    cpu = 32;
    low = Number((mask >> 32n) & 0xffffffffn);
  }
  return cpu + 31 - Math.clz32(low & -low);
}

/** A mask from the bytes of a user's cpumask (little-endian longs), up to NR_CPUS bits. */
export function cpumaskFromBytes(bytes: Uint8Array): bigint {
  let mask = 0n;
  for (let i = Math.min(bytes.length, CPUMASK_BYTES) - 1; i >= 0; i--) mask = (mask << 8n) | BigInt(bytes[i]);
  return mask;
}

/** A mask as the len bytes a user's buffer receives (zeros past NR_CPUS). */
export function cpumaskToBytes(mask: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len && i < CPUMASK_BYTES; i++) out[i] = Number((mask >> BigInt(8 * i)) & 0xffn);
  return out;
}

/**
 * "%*pb" of a mask of nbits (nr_cpu_ids) bits: hex in groups of 32 bits,
 * most significant first, separated by commas, the first group only as
 * wide as its bits need (two CPUs: "3").
 */
export function cpumaskHex(mask: bigint, nbits: number): string {
  const groups: string[] = [];
  for (let lo = 0; lo < nbits; lo += 32) {
    const width = Math.min(32, nbits - lo);
    const bits = Number((mask >> BigInt(lo)) & ((1n << BigInt(width)) - 1n));
    groups.unshift(bits.toString(16).padStart(Math.ceil(width / 4), '0'));
  }
  return groups.join(',');
}

/** "%*pbl": a mask as a list of CPUs and ranges ("0-3,6"); empty for an empty mask. */
export function cpumaskList(mask: bigint): string {
  const parts: string[] = [];
  for (let cpu = 0; cpu < NR_CPUS; cpu++) {
    if (((mask >> BigInt(cpu)) & 1n) === 0n) continue;
    let last = cpu;
    while (last + 1 < NR_CPUS && ((mask >> BigInt(last + 1)) & 1n) !== 0n) last++;
    parts.push(last === cpu ? `${cpu}` : `${cpu}-${last}`);
    cpu = last;
  }
  return parts.join(',');
}

/** A machine's CPU count as given (MachineOptions.cpus, --cpus): a whole number 1..NR_CPUS, else an error saying so. */
export function checkCpus(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > NR_CPUS) throw new RangeError(`sudsim: cpus must be a whole number from 1 to ${NR_CPUS}, not ${String(n)}`);
  return n;
}

/** The CPUs a cpu list names ("0-3,8,10-11", as /sys/devices/system/cpu/online and "%*pbl" print one). */
export function cpuListCount(list: string): number {
  let n = 0;
  for (const range of list.trim().split(',')) {
    const [lo, hi] = range.split('-').map(Number);
    n += hi === undefined ? 1 : hi - lo + 1;
  }
  return n;
}
