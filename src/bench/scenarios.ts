/**
 * The rows of `sudsim bench overhead`: the seed's "sysinfo benchmark" (a
 * native syscall that is not intercepted) and getppid, each under every way
 * Syscall User Dispatch can see it, with what the seed claims for each.
 */
import type { ModeName } from './scenario_source.js';

export type SyscallName = 'sysinfo' | 'getppid';

export const SYSNO: Record<SyscallName, number> = { sysinfo: 99, getppid: 110 };

/** What the seed's cover letter says about a scenario's overhead over SUD off. */
export interface SeedClaim {
  /** The figure, or null where the seed says nothing. */
  ns: number | null;
  /** '~' about, '<' less than. */
  relation: '~' | '<' | null;
  /** The seed's words. */
  text: string;
}

export interface Scenario {
  /** Stable key, e.g. `getppid/selector-smap-off`. */
  id: string;
  syscall: SyscallName;
  mode: Exclude<ModeName, 'intloop'>;
  /** SMAP for the selector read (the engine's `smap` option; the host's is fixed). */
  smap: boolean;
  label: string;
  claim: SeedClaim;
}

const NO_CLAIM: SeedClaim = { ns: null, relation: null, text: '-' };

function scenariosFor(sc: SyscallName): Scenario[] {
  return [
    { id: `${sc}/off`, syscall: sc, mode: 'off', smap: true, label: `${sc}, SUD off`, claim: NO_CLAIM },
    {
      id: `${sc}/region`, syscall: sc, mode: 'region', smap: true, label: `${sc}, SUD on, call site in region`,
      claim: { ns: 0, relation: '~', text: '"pretty much irrelevant"' },
    },
    {
      id: `${sc}/selector-smap-on`, syscall: sc, mode: 'selector', smap: true, label: `${sc}, selector ALLOW, SMAP on`,
      claim: { ns: 40, relation: '~', text: '"around 40ns"' },
    },
    {
      id: `${sc}/selector-smap-off`, syscall: sc, mode: 'selector', smap: false, label: `${sc}, selector ALLOW, SMAP off`,
      claim: { ns: 5, relation: '<', text: '"consistently less than 5ns"' },
    },
    { id: `${sc}/dispatch`, syscall: sc, mode: 'dispatch', smap: true, label: `${sc}, dispatched (SIGSYS round trip)`, claim: NO_CLAIM },
  ];
}

/** Every row, in table order. */
export const SCENARIOS: Scenario[] = [...scenariosFor('sysinfo'), ...scenariosFor('getppid')];

/** The binary a scenario runs: one per (syscall, mode); both SMAP rows share it. */
export function binaryKey(s: { syscall: SyscallName; mode: ModeName }): string {
  return `${s.syscall}-${s.mode}`;
}

/** The SUD-off row a scenario's overhead is measured against (same syscall, same source). */
export function baselineOf(s: Scenario): Scenario {
  return SCENARIOS.find((b) => b.syscall === s.syscall && b.mode === 'off')!;
}
