/**
 * sudsim: an executable model of Linux Syscall User Dispatch. Real x86-64
 * machine code runs in a WebAssembly engine under a simulated Linux kernel.
 *
 * @packageDocumentation
 */
export { Machine, REGISTER_NAMES, MachineSnapshot } from './machine.js';
export type { MachineOptions, LoadOptions, RunOptions, RunResult, OutputSink, RegisterName } from './machine.js';
export { setEngineModule, loadEngineModule } from '../engine/engine.js';
export { hostDependencies } from './host_libraries.js';
export type { HostFile, DependencyOptions } from './host_libraries.js';
export { ElfError } from '../kernel/elf.js';
export { Errno } from '../kernel/errno.js';
export { signalName, signalNumber } from '../kernel/signal_names.js';
export { estimateNs, perSyscallNs, SEED_MACHINE, model } from '../timing/model.js';
export type { EventCounts, ModelTable, CostEntry } from '../timing/model.js';
