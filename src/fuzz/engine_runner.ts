/**
 * Runs fuzz cases in the engine: one machine per profile with the guest
 * loaded once, run through its setup to its hold loop and snapshotted
 * there; each case restores the snapshot, sets the case's SMAP and sysctl
 * switches (the setup arms no dispatch, so nothing it did depends on them),
 * writes the case bytes at CASE (which release the hold) and runs.
 * No case costs a new Wasm instance or a re-decode of unchanged code, and
 * cases that differ only in their switches share one machine's memory,
 * decoded code and caches (a machine per setting would double what a
 * worker's alternating cases touch, and a worker is bound by cache misses).
 */
import { Machine, type MachineSnapshot } from '../api/machine.js';
import { GUEST_ELF } from './guest_program.js';
import { CASE_ADDR, SEL_RO, LOG_ADDR, LOG_BYTES, LOG_CAPACITY, CaseScratch, encodeCase, type FuzzCase, type ProfileName } from './case.js';
import { decodeLogView, logLength, type CaseEnd, type Outcome } from './outcome.js';
import { copyFromUserInto } from '../kernel/uaccess.js';

/** Instructions a case may retire before it counts as hung (a real case needs a few thousand). */
export const CASE_INSN_BUDGET = 20_000_000;
/** A case's run options, made once (machine.run only reads them). */
const CASE_RUN = { maxInsns: CASE_INSN_BUDGET };
/** Instructions the guest's setup runs before it holds (a few hundred), with room to spare. */
const HOLD_INSNS = 20_000;
/** Records read with the log's header: 97% of logs have no more (a few hundred bytes, one copy). */
const LOG_FIRST_RECORDS = 15;
const FLAG_DIRECT = 1;
const FLAG_HOLD = 2;

interface Prepared {
  machine: Machine;
  snap: MachineSnapshot;
}

export interface EngineRunOptions {
  /** strace-style lines of everything the case does (slower: no fast syscalls). */
  trace?: (line: string) => void;
}

export class EngineRunner {
  /** The machines by profile. */
  private machines = new Map<ProfileName, Prepared>();
  /** The log as read back from the guest (decodeLog copies what it keeps). */
  private logScratch = new Uint8Array(LOG_BYTES);
  /**
   * The log page of the last run as the guest wrote it: its Outcome's
   * records, as u64 words from byte 32 (what forEachLogPoint reads). Valid
   * until the next run.
   */
  readonly lastLog = new DataView(this.logScratch.buffer);
  /**
   * The scratch's header and first LOG_FIRST_RECORDS records, and its header
   * and first n records for each n: made once, not per case.
   */
  private logFirst = this.logScratch.subarray(0, 32 + 32 * LOG_FIRST_RECORDS);
  private logPrefixes = Array.from({ length: LOG_CAPACITY + 1 }, (_, n) => this.logScratch.subarray(0, 32 + 32 * n));
  private roByte = new Uint8Array(1);
  private flagsWord = new Uint8Array(8);

  /** The case bytes, encoded anew for each run into one buffer (writeMemory copies them at once). */
  private caseScratch = new CaseScratch();
  /**
   * The CASE page of the last run as encodeCase wrote it, as 32-bit halves
   * of its words: its header and steps (what forEachLogPoint reads). Valid
   * until the next run.
   */
  readonly lastCase = this.caseScratch.halves;

  /** Runs one case from a clean machine state and returns what it showed. */
  run(c: FuzzCase, opts: EngineRunOptions = {}): Outcome {
    return this.lastOutcome(this.runToLog(c, opts));
  }

  /** The Outcome of the last run, which ended with `end` (runToLog): its log decoded from lastLog. */
  lastOutcome(end: CaseEnd): Outcome {
    const { log, overflow } = decodeLogView(this.lastLog, 32 + 32 * logLength(this.lastLog));
    return { log, overflow, end };
  }

  /**
   * run() up to its log: how the process ended, with the log page left in
   * lastLog (a log the case never mapped reads as empty there). The worker
   * loop judges most cases from the page itself, where decoding it into
   * records was a third of what the loop allocated outside the engine.
   */
  runToLog(c: FuzzCase, opts: EngineRunOptions = {}): CaseEnd {
    // encoded first, while the case just generated is still in the processor's caches: the
    // restore's copies would evict it
    const caseBytes = encodeCase(c, true, true, this.caseScratch);
    let machine: Machine;
    if (opts.trace) {
      // a machine of its own, from the guest's first instruction, its setup traced too
      machine = this.loaded(c, opts.trace);
    } else {
      const p = this.prepared(c);
      machine = p.machine;
      machine.restore(p.snap);
      machine.kernel.setSwitches(c.smap, c.sysctl);
      // SEL_RO's byte put in place as a debugger would, where the guest's setup would
      // otherwise make it writable, write it and protect it again: the same page in the end
      const ro = c.roValue & 0xff;
      if (ro !== 0) {
        this.roByte[0] = ro;
        machine.writeMemory(SEL_RO, this.roByte);
      }
    }
    // the rest of the CASE page is the snapshot's: the guest reads no further than the steps;
    // the flags word clears the hold the snapshot was taken in
    machine.writeMemory(CASE_ADDR, caseBytes);
    const r = machine.run(CASE_RUN);
    try {
      // as machine.readMemory reads (the root process's memory), into a reused buffer
      const k = machine.kernel;
      const mm = k.rootMm ?? k.mm;
      // the header and the records of most logs in one copy (from the log's first page, as the
      // header alone would be), a longer log copied again to as many records as the header counts
      copyFromUserInto(mm, LOG_ADDR, this.logFirst);
      const n = logLength(this.lastLog);
      if (n > LOG_FIRST_RECORDS) copyFromUserInto(mm, LOG_ADDR, this.logPrefixes[n]);
    } catch {
      // the case died before its log was mapped: an empty log, whatever the copy left
      this.logPrefixes[0].fill(0);
    }
    switch (r.kind) {
      case 'exited': return { kind: 'exited', status: r.status };
      case 'killed': return { kind: 'killed', signal: r.signal };
      default: return { kind: 'hung' };
    }
  }

  /** Event counters of the machine that ran the last case of c's profile. */
  counters(c: FuzzCase): ReturnType<Machine['counters']> {
    return this.prepared(c).machine.counters();
  }

  /** A new machine for c's configuration with the guest loaded. */
  private loaded(c: FuzzCase, trace?: (line: string) => void): Machine {
    const machine = new Machine({
      profile: c.profile,
      smap: c.smap,
      sysctlSyscallUserDispatch: c.sysctl,
      trace,
    });
    // an exec step runs the guest again through /proc/self/exe, the link to the running image, as natively
    machine.load(GUEST_ELF, { argv: ['guest'] });
    return machine;
  }

  /** A machine for c's profile, snapshotted at the guest's hold (with c's switches, which each run sets anew). */
  private fresh(c: FuzzCase): Prepared {
    const machine = this.loaded(c);
    // run the guest's setup once, to the loop where it holds (flags: direct | hold), and
    // snapshot it there: each case starts after the setup (docs/fuzz-case.md)
    this.flagsWord[0] = FLAG_DIRECT | FLAG_HOLD;
    machine.writeMemory(CASE_ADDR + 8n, this.flagsWord);
    // SEL_RO's page made the process's own now (a write breaks the page cache's sharing),
    // not in each case that puts its byte there
    this.roByte[0] = 0;
    machine.writeMemory(SEL_RO, this.roByte);
    const r = machine.run({ maxInsns: HOLD_INSNS });
    if (r.kind !== 'budget') throw new Error(`sudsim: the fuzz guest did not reach its hold point (${r.kind})`);
    return { machine, snap: machine.snapshot() };
  }

  /** The machine for c's profile, made on first use. */
  private prepared(c: FuzzCase): Prepared {
    let p = this.machines.get(c.profile);
    if (p === undefined) this.machines.set(c.profile, (p = this.fresh(c)));
    return p;
  }
}
