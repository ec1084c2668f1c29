/**
 * The clocks the virtual clock (Kernel.clockNs) is read as: shared by the
 * clock_gettime and clock_getres syscalls (src/kernel/syscalls/time.ts) and
 * the vDSO's data page (src/kernel/vvar.ts), so that both paths agree.
 */
export const CLOCK_REALTIME = 0;
export const CLOCK_MONOTONIC = 1;
export const CLOCK_PROCESS_CPUTIME_ID = 2;
export const CLOCK_THREAD_CPUTIME_ID = 3;
export const CLOCK_MONOTONIC_RAW = 4;
export const CLOCK_REALTIME_COARSE = 5;
export const CLOCK_MONOTONIC_COARSE = 6;
export const CLOCK_BOOTTIME = 7;
/** CLOCK_TAI: CLOCK_REALTIME plus the kernel's TAI offset, 0 until adjtimex sets one. */
export const CLOCK_TAI = 11;

/** Every clock's resolution (clock_getres): the virtual clock counts single nanoseconds. */
export const CLOCK_RES_NS = 1n;

/**
 * What a wall or monotonic clock adds to the virtual clock (Kernel.clockNs)
 * on a machine whose realtime epoch is epochNs (Kernel.epochNs); undefined
 * for the CPU-time clocks and ids that name no clock. The vDSO serves
 * exactly these clocks (src/kernel/vvar.ts).
 */
export function clockBase(id: number, epochNs: bigint): bigint | undefined {
  switch (id) {
    case CLOCK_REALTIME: case CLOCK_REALTIME_COARSE: case CLOCK_TAI: return epochNs;
    case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME: return 0n;
    default: return undefined;
  }
}
