/**
 * The machine's realtime epoch, in a module of its own so that anything
 * (the memory manager included) can date what it makes without importing
 * the syscall tables.
 */

/** CLOCK_REALTIME at instruction 0: the seed patch's date, 2020-08-10 23:27:07 UTC. */
export const EPOCH_NS = 1597102027n * 1_000_000_000n;
