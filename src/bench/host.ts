/**
 * What machine the native column was measured on: every report carries it,
 * because kernel syscall costs differ per host and per run.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release } from 'node:os';

export interface HostDescription {
  /** `uname -r` */
  kernel: string;
  cpuModel: string;
  /** Whether /proc/cpuinfo lists the `smap` flag (null when it cannot be read). */
  smap: boolean | null;
  /** The CPU clock /proc/cpuinfo reports, in MHz (null when absent). */
  cpuMHz: number | null;
  cores: number;
  loadAverage: number;
  node: string;
  date: string;
  platform: string;
}

function cpuinfo(): string | null {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return null;
  }
}

export function describeHost(): HostDescription {
  const info = cpuinfo();
  const field = (name: string) => info?.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim();
  const flags = field('flags');
  const mhz = Number(field('cpu MHz'));
  return {
    kernel: release(),
    cpuModel: field('model name') ?? 'unknown',
    smap: flags === undefined ? null : flags.split(/\s+/).includes('smap'),
    cpuMHz: Number.isFinite(mhz) && mhz > 0 ? mhz : null,
    cores: availableParallelism(),
    loadAverage: loadavg()[0],
    node: process.version,
    date: new Date().toISOString(),
    platform: `${process.platform}/${process.arch}`,
  };
}
