/**
 * The load averages of /proc/loadavg (kernel/sched/loadavg.c): every
 * LOAD_FREQ (5 s and a tick) of virtual time, each average decays towards
 * the number of runnable tasks in 11-bit fixed point (calc_load). Linux
 * samples at each interval; here the intervals are caught up when the
 * averages are read, each with the runnable count of that moment.
 */

const FSHIFT = 11;
const FIXED_1 = 1 << FSHIFT;
/** 1/exp(5s/1min), 1/exp(5s/5min), 1/exp(5s/15min) in fixed point. */
const EXP = [1884, 2014, 2037];
/** LOAD_FREQ: 5 s and one tick (HZ 250). */
const LOAD_FREQ_NS = 5_004_000_000n;
/** After this many intervals the averages have settled at the count (each step changes them by less than a unit). */
const SETTLED = 10000;

function calcLoad(load: number, exp: number, active: number): number {
  let n = load * exp + active * (FIXED_1 - exp);
  if (active >= load) n += FIXED_1 - 1;
  return Math.floor(n / FIXED_1);
}

export class LoadAvg {
  /** avenrun[]: the three averages in fixed point. */
  avenrun = [0, 0, 0];
  /** The virtual time of the next sample. */
  next = LOAD_FREQ_NS;

  /** The averages at virtual time now, with running tasks runnable since the last sample. */
  update(now: bigint, running: number): void {
    if (now < this.next) return;
    const steps = Number((now - this.next) / LOAD_FREQ_NS) + 1;
    this.next += BigInt(steps) * LOAD_FREQ_NS;
    const active = running * FIXED_1;
    for (let s = 0; s < Math.min(steps, SETTLED); s++) this.avenrun = this.avenrun.map((l, i) => calcLoad(l, EXP[i], active));
  }

  /** The three averages as loadavg_proc_show prints them ("%lu.%02lu" each, LOAD_INT and LOAD_FRAC). */
  show(): string {
    return this.avenrun.map((a) => {
      const x = a + FIXED_1 / 200;
      return `${x >> FSHIFT}.${String((((x & (FIXED_1 - 1)) * 100) >> FSHIFT)).padStart(2, '0')}`;
    }).join(' ');
  }
}
