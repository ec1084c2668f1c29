/**
 * The engine's CPU as /proc/cpuinfo shows it (arch/x86/kernel/cpu/proc.c
 * show_cpuinfo), worked out from what its cpuid answers (docs/cpuid.md;
 * assembly/cpu/execute.ts cpuid(), which tests/kernel/procfs.test.ts
 * checks this table against): a block per processor, its place in the
 * topology Linux derives from that cpuid (src/kernel/topology.ts), its vendor, family, model
 * and stepping from leaf 1, its flags from the feature bits by Linux's
 * names (x86_cap_flags), the clflush size from leaf 1's ebx, and the
 * time-stamp counter's rate, one tick per retired instruction (1 GHz).
 */
import { cpuPlace } from './topology.js';

/** cpuid's answer by leaf: eax, ebx, ecx, edx (every other leaf is zeros). */
export const CPUID: ReadonlyMap<number, readonly [number, number, number, number]> = new Map([
  [0, [7, 0x756e6547, 0x6c65746e, 0x49656e69]],
  [1, [0x000606a0, 0x00010800, (1 << 0) | (1 << 13) | (1 << 23), (1 << 0) | (1 << 4) | (1 << 8) | (1 << 15) | (1 << 19) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 26)]],
  [7, [0, (1 << 23) | (1 << 24), 0, 0]], // subleaf 0
  [0x80000000, [0x80000001, 0, 0, 0]],
  [0x80000001, [0, 0, (1 << 0) | (1 << 5), (1 << 11) | (1 << 29)]],
] as const);

const leaf = (n: number): readonly [number, number, number, number] => CPUID.get(n) ?? [0, 0, 0, 0];

/**
 * Linux's capability words in the order cpuinfo lists them, each with the
 * cpuid register it comes from and the names of its bits
 * (arch/x86/include/asm/cpufeatures.h; unnamed bits are left out).
 */
const CAP_WORDS: { leaf: number; reg: 1 | 2 | 3; names: Record<number, string> }[] = [
  { leaf: 1, reg: 3, names: { 0: 'fpu', 1: 'vme', 2: 'de', 3: 'pse', 4: 'tsc', 5: 'msr', 6: 'pae', 7: 'mce', 8: 'cx8', 9: 'apic', 11: 'sep', 12: 'mtrr', 13: 'pge', 14: 'mca', 15: 'cmov', 16: 'pat', 17: 'pse36', 18: 'pn', 19: 'clflush', 21: 'dts', 22: 'acpi', 23: 'mmx', 24: 'fxsr', 25: 'sse', 26: 'sse2', 27: 'ss', 28: 'ht', 29: 'tm', 30: 'ia64', 31: 'pbe' } },
  { leaf: 0x80000001, reg: 3, names: { 11: 'syscall', 19: 'mp', 20: 'nx', 22: 'mmxext', 25: 'fxsr_opt', 26: 'pdpe1gb', 27: 'rdtscp', 29: 'lm', 30: '3dnowext', 31: '3dnow' } },
  { leaf: 1, reg: 2, names: { 0: 'pni', 1: 'pclmulqdq', 2: 'dtes64', 3: 'monitor', 4: 'ds_cpl', 5: 'vmx', 6: 'smx', 7: 'est', 8: 'tm2', 9: 'ssse3', 10: 'cid', 11: 'sdbg', 12: 'fma', 13: 'cx16', 14: 'xtpr', 15: 'pdcm', 17: 'pcid', 18: 'dca', 19: 'sse4_1', 20: 'sse4_2', 21: 'x2apic', 22: 'movbe', 23: 'popcnt', 24: 'tsc_deadline_timer', 25: 'aes', 26: 'xsave', 28: 'avx', 29: 'f16c', 30: 'rdrand', 31: 'hypervisor' } },
  { leaf: 0x80000001, reg: 2, names: { 0: 'lahf_lm', 1: 'cmp_legacy', 2: 'svm', 3: 'extapic', 4: 'cr8_legacy', 5: 'abm', 6: 'sse4a', 7: 'misalignsse', 8: '3dnowprefetch', 9: 'osvw', 10: 'ibs', 11: 'xop', 12: 'skinit', 13: 'wdt', 15: 'lwp', 16: 'fma4', 17: 'tce', 19: 'nodeid_msr', 21: 'tbm', 22: 'topoext', 23: 'perfctr_core', 24: 'perfctr_nb', 26: 'bpext', 27: 'ptsc', 28: 'perfctr_llc', 29: 'mwaitx' } },
  { leaf: 7, reg: 1, names: { 0: 'fsgsbase', 3: 'bmi1', 4: 'hle', 5: 'avx2', 7: 'smep', 8: 'bmi2', 9: 'erms', 10: 'invpcid', 11: 'rtm', 14: 'mpx', 16: 'avx512f', 17: 'avx512dq', 18: 'rdseed', 19: 'adx', 20: 'smap', 23: 'clflushopt', 24: 'clwb', 29: 'sha_ni' } },
];

/** The time-stamp counter's rate in kHz (cpu_khz): one tick per retired instruction, one per virtual nanosecond. */
const TSC_KHZ = 1_000_000;

/** cpumask_weight. */
function popcount(mask: bigint): number {
  let n = 0;
  for (let m = mask; m !== 0n; m &= m - 1n) n++;
  return n;
}

/** The vendor string leaf 0 spells in ebx, edx, ecx. */
function vendor(): string {
  const [, b, c, d] = leaf(0);
  let s = '';
  for (const w of [b, d, c]) for (let i = 0; i < 4; i++) s += String.fromCharCode((w >>> (8 * i)) & 0xff);
  return s;
}

/** /proc/cpuinfo of a machine with n CPUs: the same CPU n times, each at its place. */
export function showCpuinfo(n: number): string {
  let out = '';
  for (let cpu = 0; cpu < n; cpu++) out += showCpu(cpu);
  return out;
}

/** One processor's block (show_cpuinfo), ended by an empty line. */
function showCpu(cpu: number): string {
  const place = cpuPlace(cpu);
  const [sig, misc] = leaf(1);
  let family = (sig >> 8) & 0xf;
  let model = (sig >> 4) & 0xf;
  if (family === 0xf) family += (sig >> 20) & 0xff;
  if (family >= 6) model += ((sig >> 16) & 0xf) << 4;
  const stepping = sig & 0xf;
  const hex2 = (n: number): string => n.toString(16).padStart(2, '0');
  const flags: string[] = [];
  for (const w of CAP_WORDS) {
    const bits = leaf(w.leaf)[w.reg];
    for (let b = 0; b < 32; b++) if ((bits >>> b) & 1 && w.names[b]) flags.push(w.names[b]);
  }
  const clflush = ((misc >> 8) & 0xff) * 8;
  // loops_per_jiffy is calibrated against the TSC: bogomips = 2 * cpu_khz / 1000
  const lpj = (TSC_KHZ * 1000) / 250;
  const bogo = `${Math.floor(lpj / (500000 / 250))}.${String(Math.floor(lpj / (5000 / 250)) % 100).padStart(2, '0')}`;
  const maxExt = leaf(0x80000000)[0] >>> 0;
  // without leaf 0x80000008 a 64-bit kernel assumes 36 physical and 48 virtual address bits
  const [phys, virt] = maxExt >= 0x80000008 ? [leaf(0x80000008)[0] & 0xff, (leaf(0x80000008)[0] >> 8) & 0xff] : [36, 48];
  return [
    `processor\t: ${cpu}`,
    `vendor_id\t: ${vendor()}`,
    `cpu family\t: ${family}`,
    `model\t\t: ${model}`,
    // no brand string (leaves 0x80000002-4) nor a known vendor's model table: the last resort's "family/model"
    `model name\t: ${hex2(family)}/${hex2(model)}`,
    `stepping\t: ${stepping}`,
    `cpu MHz\t\t: ${Math.floor(TSC_KHZ / 1000)}.${String(TSC_KHZ % 1000).padStart(3, '0')}`,
    `physical id\t: ${place.packageId}`,
    `siblings\t: ${popcount(place.coreSiblings)}`,
    `core id\t\t: ${place.coreId}`,
    `cpu cores\t: ${place.cores}`,
    // cpuid leaf 1's initial APIC id, which the engine answers with the CPU's number
    `apicid\t\t: ${place.apicId}`,
    `initial apicid\t: ${place.apicId}`,
    'fpu\t\t: yes',
    'fpu_exception\t: yes',
    `cpuid level\t: ${leaf(0)[0]}`,
    'wp\t\t: yes',
    `flags\t\t:${flags.map((f) => ` ${f}`).join('')}`,
    'bugs\t\t:',
    `bogomips\t: ${bogo}`,
    `clflush size\t: ${clflush}`,
    `cache_alignment\t: ${clflush}`,
    `address sizes\t: ${phys} bits physical, ${virt} bits virtual`,
    'power management:',
    '',
    '',
  ].join('\n');
}
