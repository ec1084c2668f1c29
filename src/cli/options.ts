/**
 * Parsers for the command line's option values, shared by every command:
 * each turns bad input into commander's InvalidArgumentError, which prints
 * the message and exits 2.
 */
import { InvalidArgumentError } from 'commander';
import { PROFILE_NAMES, type ProfileName } from '../kernel/profiles.js';
import { NR_CPUS } from '../kernel/cpumask.js';

export { PROFILE_NAMES };

export function parseProfile(v: string): ProfileName {
  if (!(PROFILE_NAMES as readonly string[]).includes(v)) {
    throw new InvalidArgumentError(`unknown profile; choose one of ${PROFILE_NAMES.join(', ')}`);
  }
  return v as ProfileName;
}

/** A non-negative integer of any size (instruction counts, seeds). */
export function parseBigCount(v: string): bigint {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a non-negative integer');
  return BigInt(v);
}

/** A non-negative integer that a JavaScript number holds exactly. */
export function parseCount(v: string): number {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(v);
}

/**
 * A machine's realtime epoch (--epoch): whole seconds since 1970, which a
 * JavaScript number holds exactly (so that a trace replayed with it reads
 * the very same dates).
 */
export function parseEpoch(v: string): number {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) throw new InvalidArgumentError('expected whole seconds since 1970 (an integer >= 0)');
  return Number(v);
}

/** A machine's CPU count: 1..NR_CPUS. */
export function parseCpus(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > NR_CPUS) throw new InvalidArgumentError(`expected a whole number of CPUs from 1 to ${NR_CPUS}`);
  return Number(v);
}
