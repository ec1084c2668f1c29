/**
 * The machine's CPU topology as Linux works it out from the engine's
 * cpuid (arch/x86/kernel/cpu/topology*.c): leaf 1 reports one logical
 * processor per package and no hyper-threading, and there is no leaf 4,
 * 0xb or 0x1f, so each CPU is a package of its own with one core of one
 * thread, its APIC id its number (cpuid's initial APIC id, which the
 * engine answers per CPU). /proc/cpuinfo (src/kernel/cpuinfo.ts) and the
 * topology directory of /sys/devices/system/cpu/cpuN show it.
 */
import { cpumaskList, cpusUpTo } from './cpumask.js';

/** One CPU's place: its package, its core in it, its APIC id, and the CPUs sharing its core and its package. */
export interface CpuPlace {
  packageId: number;
  coreId: number;
  apicId: number;
  /** topology_sibling_cpumask: the threads of its core. */
  threadSiblings: bigint;
  /** topology_core_cpumask: the CPUs of its package. */
  coreSiblings: bigint;
  /** Cores in its package (cpuinfo's "cpu cores"). */
  cores: number;
}

export function cpuPlace(cpu: number): CpuPlace {
  const self = 1n << BigInt(cpu);
  return { packageId: cpu, coreId: 0, apicId: cpu, threadSiblings: self, coreSiblings: self, cores: 1 };
}

/** A sysfs directory: its entries, each a directory or an attribute's contents. */
export type SysfsTable = { [name: string]: SysfsTable | string };

/** /sys/devices/system/cpu of a machine with n CPUs, made once per count. */
const CPU_DIRS = new Map<number, SysfsTable>();

export function sysfsCpuDir(n: number): SysfsTable {
  let d = CPU_DIRS.get(n);
  if (d) return d;
  const line = (s: string | number): string => `${s}\n`;
  const list = (m: bigint): string => line(cpumaskList(m));
  // every CPU is possible, present and online: there is no hotplug
  const all = list(cpusUpTo(n));
  d = { online: all, possible: all, present: all };
  for (let cpu = 0; cpu < n; cpu++) {
    const p = cpuPlace(cpu);
    d[`cpu${cpu}`] = {
      topology: {
        core_cpus_list: list(p.threadSiblings), core_id: line(p.coreId), core_siblings_list: list(p.coreSiblings),
        package_cpus_list: list(p.coreSiblings), physical_package_id: line(p.packageId), thread_siblings_list: list(p.threadSiblings),
      },
    };
  }
  CPU_DIRS.set(n, d);
  return d;
}
