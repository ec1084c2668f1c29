/**
 * SUD conformance: freestanding guest programs (tests/sud/programs) run on the
 * host kernel and in the engine under the default profile; stdout and the way
 * the process ended must match. Profiles the host cannot run are checked in the
 * engine only, against ../shared/docs/SEMANTICS.md (those test names say so).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Machine, type MachineOptions } from '../../src/api/index.js';
import { buildStaticAsync, gccUnavailable, readBinary, runNative, workDir } from '../helpers/native.js';
import { writeFileSync } from 'node:fs';

const noGcc = gccUnavailable();
if (noGcc) console.warn(`SUD conformance suite skipped: ${noGcc}`);
const maybe = noGcc ? describe.skip : describe;
const dir = join(import.meta.dirname, 'programs');
const FLAGS = ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`];
const SIGNALS: Record<string, number> = { SIGSEGV: 11, SIGSYS: 31 };

/** The kv() keys a program prints, read from its source so each gets its own test. */
function keysOf(file: string): string[] {
  const src = readFileSync(join(dir, file), 'utf8');
  const keys: string[] = [];
  for (const m of src.matchAll(/\b(?:kv|try)\("([^"]+)"/g)) keys.push(m[1]);
  for (const m of src.matchAll(/show_siginfo\("([^"]+)"\)/g)) {
    for (const f of ['signo', 'errno', 'code', 'syscall', 'arch']) keys.push(`${m[1]}_${f}`);
  }
  // show_siginfo's own kv("_signo", ...) lines are pieces of the keys added above
  return keys.filter((k, i) => !k.startsWith('_') && keys.indexOf(k) === i);
}

function parse(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

type End = { kind: 'exited'; status: number } | { kind: 'killed'; signal: number };

interface Outcome {
  stdout: string;
  end: End;
}

function engine(exe: string, args: string[] = [], opts: MachineOptions = {}): Outcome {
  const m = new Machine(opts);
  m.load(readBinary(exe), { argv: ['prog', ...args] });
  const r = m.run({ maxInsns: 200_000_000n });
  if (r.kind === 'budget' || r.kind === 'deadlock') throw new Error(`engine stopped without an end: ${r.kind} (${args.join(' ')})`);
  const end: End = r.kind === 'exited' ? { kind: 'exited', status: r.status } : { kind: 'killed', signal: r.signal };
  return { stdout: m.stdoutText(), end };
}

function native(exe: string, args: string[] = []): Outcome {
  const r = runNative(exe, args);
  const end: End = r.signal ? { kind: 'killed', signal: SIGNALS[r.signal] ?? -1 } : { kind: 'exited', status: r.status ?? -1 };
  return { stdout: r.stdout.toString(), end };
}

const PROBE = `
static long sc(long n, long a, long b) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(0L) : "rcx", "r11", "memory");
  return r;
}
/* prctl(59, 1, 0, 0, 0): EINVAL without SUD; with it, the exit below is dispatched and SIGSYS kills */
void _start(void) { if (sc(157, 59, 1) == -22) sc(60, 1, 0); sc(60, 0, 0); for (;;) {} }
`;

let exes: Record<string, string> = {};
let hostSud: string | null = 'not probed';

async function buildAll(): Promise<void> {
  const names = ['prctl', 'dispatch', 'kills', 'profiles', 'seccomp', 'ptrace_syscall', 'ptrace_exec', 'ptrace_tracer_exit', 'ptrace_fork', 'ptrace_exit', 'ptrace_reap', 'ptrace_vfork', 'ptrace_sysemu', 'subreaper', 'trap_flag', 'ptrace_singlestep', 'ptrace_fpregs', 'ptrace_regset', 'ptrace_user', 'ptrace_sigmask', 'ptrace_seize', 'ptrace_sigchld'];
  const built = await Promise.all(names.map((n) => buildStaticAsync(`sud-${n}`, [join(dir, `${n}.c`)], FLAGS)));
  exes = Object.fromEntries(names.map((n, i) => [n, built[i]]));
  const probeSrc = join(workDir, 'sud-probe.c');
  writeFileSync(probeSrc, PROBE);
  const probe = await buildStaticAsync('sud-probe', [probeSrc], ['-O1', '-nostdlib', '-ffreestanding']);
  const r = runNative(probe);
  hostSud = r.signal === 'SIGSYS' ? null : `host kernel has no Syscall User Dispatch (probe: ${r.signal ?? `exit ${r.status}`})`;
  if (hostSud) console.warn(`SUD native comparisons skipped: ${hostSud}`);
}

/** `it` for a comparison with the host: passes vacuously (after a warning at build time) without host SUD. */
function withHost(fn: () => void): () => void {
  return () => {
    if (hostSud) return;
    fn();
  };
}

maybe('SUD conformance against the host kernel (default profile)', () => {
  beforeAll(buildAll, 120_000);

  const compared = new Map<string, { n: Outcome; e: Outcome }>();
  const pair = (prog: string, args: string[] = []) => {
    const key = `${prog} ${args.join(' ')}`;
    if (!compared.has(key)) compared.set(key, { n: native(exes[prog], args), e: engine(exes[prog], args) });
    return compared.get(key)!;
  };

  for (const prog of ['prctl', 'dispatch', 'profiles', 'seccomp', 'ptrace_syscall', 'ptrace_exec', 'ptrace_tracer_exit', 'ptrace_fork', 'ptrace_exit', 'ptrace_reap', 'ptrace_vfork', 'ptrace_sysemu', 'subreaper', 'trap_flag', 'ptrace_singlestep', 'ptrace_fpregs', 'ptrace_regset', 'ptrace_user', 'ptrace_sigmask', 'ptrace_seize', 'ptrace_sigchld']) {
    describe(`${prog}.c`, () => {
      it('prints the same lines and ends the same way as on the host kernel', withHost(() => {
        const { n, e } = pair(prog);
        expect(e.stdout).toBe(n.stdout);
        expect(e.end).toEqual(n.end);
      }));
      it.each(keysOf(`${prog}.c`))('%s: same value as the host kernel', (key) => {
        if (hostSud) return;
        const { n, e } = pair(prog);
        const nv = parse(n.stdout).get(key);
        expect(nv).toBeDefined();
        expect(parse(e.stdout).get(key)).toBe(nv);
      });
    });
  }

  const kills: [string, End][] = [
    ['selector_guard_page', { kind: 'killed', signal: 11 }],
    ['selector_0x10', { kind: 'killed', signal: 11 }],
    ['selector_unmapped_after_arming', { kind: 'killed', signal: 11 }],
    ['selector_value_2_with_handler', { kind: 'killed', signal: 31 }],
    ['selector_value_0xff', { kind: 'killed', signal: 31 }],
    ['sigsys_default', { kind: 'killed', signal: 31 }],
    ['sigsys_blocked', { kind: 'killed', signal: 31 }],
    ['sigsys_ignored', { kind: 'killed', signal: 31 }],
    ['handler_without_sa_restorer', { kind: 'killed', signal: 11 }],
    ['return_blocked_outside_region', { kind: 'killed', signal: 31 }],
    ['syscall_in_handler_without_nodefer', { kind: 'killed', signal: 31 }],
    ['resethand_second_dispatch', { kind: 'killed', signal: 31 }],
    ['null_selector_default', { kind: 'killed', signal: 31 }],
    ['return_through_region', { kind: 'exited', status: 5 }],
    ['segv_handler_for_bad_selector', { kind: 'killed', signal: 11 }],
    ['no_restorer_sigsys_runs_segv_handler', { kind: 'exited', status: 6 }],
    ['selector_prot_none', { kind: 'killed', signal: 11 }],
    ['disarm_in_handler_then_return_outside', { kind: 'exited', status: 8 }],
  ];
  describe('kills.c', () => {
    it.each(kills)('%s ends as %j in the engine, with the output the host gives', (name, want) => {
      const e = engine(exes.kills, [name]);
      expect(e.end).toEqual(want);
      if (hostSud) return;
      const n = native(exes.kills, [name]);
      expect(n.end).toEqual(want);
      expect(e.stdout).toBe(n.stdout);
    });
  });
});

maybe('SUD in other profiles (engine only: expectations from SEMANTICS.md, the host cannot run these kernels)', () => {
  beforeAll(buildAll, 120_000);

  const mainlineOld = {
    mode_0x100000001: '-22', mode_inclusive: '-22', mode_3: '-22', selector_guard_page: '-14',
    'selector_0x7fffffffefff': '0', 'selector_0x7ffffffff001': '-14', selector_0x800000000000: '-14',
    selector_0x7fffffffffffffff: '-14', second_below_first: '0', offset_wraps: '-22',
    bad_selector_with_valid_range: '-14', off_nonzero: '-22', off: '0',
    ip_equal_to_both_args_dispatched: '0', ip_one_past_both_args_dispatched: '0',
  };
  const cases: [string, MachineOptions, string[], Record<string, string>][] = [
    ['patch-v5: (int) mode cast, inclusive [start, end], no INCLUSIVE mode, access_ok without the guard page', { profile: 'patch-v5' }, ['v5'], {
      mode_0x100000001: '0', mode_inclusive: '-22', mode_3: '-22', selector_guard_page: '-14',
      'selector_0x7fffffffefff': '0', 'selector_0x7ffffffff001': '-14', selector_0x800000000000: '-14',
      selector_0x7fffffffffffffff: '-14', second_below_first: '-22', offset_wraps: '-22',
      bad_selector_with_valid_range: '-14', off_nonzero: '-22', off: '0',
      ip_equal_to_both_args_dispatched: '0', ip_one_past_both_args_dispatched: '1',
    }],
    ['linux-5.11: INCLUSIVE is EINVAL and the guard-page selector is EFAULT', { profile: 'linux-5.11' }, [], mainlineOld],
    // 6.4 reworked x86-64 access_ok for LAM to test only the sign bit (valid_user_address)
    ['linux-6.4: as linux-5.11, but access_ok refuses only selectors with the sign bit set', { profile: 'linux-6.4' }, [], {
      ...mainlineOld, selector_guard_page: '0', 'selector_0x7ffffffff001': '0', selector_0x800000000000: '0',
      selector_0x7fffffffffffffff: '0',
    }],
    ['linux-next with the sysctl at 1: same as linux-6.17', { profile: 'linux-next' }, [], {
      ...mainlineOld, mode_inclusive: '0', selector_guard_page: '0',
    }],
    ['linux-next with the sysctl at 0: arming is EPERM after the mode and range checks, before access_ok; OFF still works', { profile: 'linux-next', sysctlSyscallUserDispatch: false }, [], {
      mode_0x100000001: '-22', mode_inclusive: '-1', mode_3: '-22', selector_guard_page: '-1',
      'selector_0x7fffffffefff': '-1', 'selector_0x7ffffffff001': '-1', selector_0x800000000000: '-1',
      selector_0x7fffffffffffffff: '-1', second_below_first: '-1', offset_wraps: '-22',
      bad_selector_with_valid_range: '-1', off_nonzero: '-22', off: '0',
      ip_equal_to_both_args_dispatched: '0', ip_one_past_both_args_dispatched: '0',
    }],
  ];
  it.each(cases)('%s', (_name, opts, args, want) => {
    const e = engine(exes.profiles, args, opts);
    expect(e.end).toEqual({ kind: 'exited', status: 0 });
    expect(Object.fromEntries(parse(e.stdout))).toEqual(want);
  });

  it('linux-6.4: a non-canonical selector is accepted at arming and kills with SIGSEGV at the next syscall', () => {
    const e = engine(exes.kills, ['selector_noncanonical'], { profile: 'linux-6.4' });
    expect(e.stdout).toBe('arm=0\n');
    expect(e.end).toEqual({ kind: 'killed', signal: 11 });
    // the same arming is EFAULT on 6.17, and the process goes on to exit
    expect(engine(exes.kills, ['selector_noncanonical']).stdout).toMatch(/^arm=-14\n/);
  });

  it('patch-v5: a bad selector value ends the task with SIGSYS (engine only, SEMANTICS.md §2)', () => {
    const e = engine(exes.kills, ['selector_value_2_with_handler', 'v5'], { profile: 'patch-v5' });
    expect(e.stdout).toBe('arm=0\n');
    expect(e.end).toEqual({ kind: 'killed', signal: 31 });
  });
});
