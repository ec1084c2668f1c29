/** The shape of `sudsim bench overhead --json`: every figure with its unit, spread and source. */
import type { EventCounts } from '../timing/model.js';
import type { HostDescription } from './host.js';
import type { Calibration } from './calibrate.js';
import type { SeedClaim } from './scenarios.js';

export interface Spread {
  value: number;
  unit: 'ns' | '%';
  /** `iqr` (p75 - p25 of the repetitions), `rme` (tinybench's relative margin of error), `mad`. */
  kind: string;
}

/** One figure; `value` null means not measured, and `note` says why. */
export interface Figure {
  value: number | null;
  unit: 'ns' | 'ratio';
  spread?: Spread;
  note?: string;
}

/** What one source says about one scenario. */
export interface SourceCell {
  perCall: Figure;
  /** Scenario minus SUD off, same syscall and source. */
  overhead: Figure;
  /** Scenario over SUD off. */
  overheadRatio: Figure;
}

export type SourceName = 'seed' | 'host' | 'model' | 'engine';

export interface OverheadRow {
  id: string;
  label: string;
  syscall: string;
  mode: string;
  smap: boolean;
  seed: { claim: SeedClaim; overhead: Figure };
  host: SourceCell;
  model: SourceCell & { eventsPerCall: Record<keyof EventCounts, number> | null };
  engine: SourceCell & { iterations?: number; samples?: number };
}

export interface OverheadReport {
  tool: 'sudsim bench overhead';
  quick: boolean;
  host: HostDescription;
  cc: string | null;
  sources: Record<SourceName, string>;
  rows: OverheadRow[];
  /** With --calibrate: the model table fitted to the host kernel rows. */
  calibration?: Calibration;
}
