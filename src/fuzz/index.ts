/**
 * The fuzzer as a library (`import { property, runCampaign } from 'sudsim/fuzz'`):
 * write properties and plug-in models, run campaigns, replay and shrink
 * cases, and read findings.
 *
 * @example
 * ```ts
 * import { property, runCampaign, recKind, REC_SIGSYS } from 'sudsim/fuzz';
 * property('no-sigsys-from-slot-0', 'slot 0 is always inside the region', (c, o) =>
 *   o.log.some((r) => recKind(r) === REC_SIGSYS && r.a === 0x10000002n) ? 'slot 0 was dispatched' : null);
 * const r = await runCampaign({ profile: 'linux-6.17', seed: 1n, cases: 10000, jobs: 1,
 *   oracles: { model: true, native: false, properties: ['no-sigsys-from-slot-0'] }, findingsDir: 'findings' });
 * ```
 */
export * from './case.js';
export * from './outcome.js';
export { property, getProperty, listProperties, checkProperties, BUILTIN_PROPERTIES, type Property, type PropertyCheck } from './properties.js';
export { predict, predictDetailed, referenceDecide, type ModelOptions, type DecideFn, type Decision, type DispatchContext } from './model/index.js';
export { emulatorDecide } from './models/emulator.js';
export { EngineRunner, CASE_INSN_BUDGET } from './engine_runner.js';
export { FuzzWorker, type WorkerConfig, type WorkerEvents } from './worker_loop.js';
export { NativeRunner, nativeAvailability, hostProfile } from './native_runner.js';
export { runCampaign, readCorpus, type CampaignOptions, type CampaignResult, type CampaignStatus } from './campaign.js';
export { judgeSync, compareSides, type OracleSet, type Judgement, type Plugin } from './oracles.js';
export { shrinkCase, type ShrinkResult } from './shrink.js';
export { randomCase, mutateCase, randomStep } from './generate.js';
export { Rng } from './rng.js';
export { coveragePoints } from './coverage.js';
export { formatCase, formatStep } from './describe.js';
export { readFinding, reproducerElf, FindingStore, type Finding } from './findings.js';
export { loadPlugin } from './plugin.js';
export { GUEST_ELF } from './guest_program.js';
