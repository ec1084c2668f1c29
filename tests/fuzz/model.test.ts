/**
 * The reference model against hand-checked logs: each expectation below was
 * worked out from ../shared/docs/SEMANTICS.md and docs/fuzz-case.md (and,
 * for linux-6.17, agrees with the host kernel through the native runner).
 */
import { predict, predictDetailed, referenceDecide } from '../../src/fuzz/model/index.js';
import { emulatorDecide } from '../../src/fuzz/models/emulator.js';
import type { Addr, FuzzCase, HandlerSpec, ProfileName, Step } from '../../src/fuzz/case.js';
import type { LogRecord, Outcome } from '../../src/fuzz/outcome.js';

const SA_SIGINFO = 4n;
const SA_RESTORER = 0x04000000n;
const SA_NODEFER = 0x40000000n;
const ARCH = 0xc000003en << 32n;

const abs = (d: bigint): Addr => ({ base: 'abs', delta: d });
const sites = (d: bigint): Addr => ({ base: 'sites', delta: d });
const selrw = (d = 0n): Addr => ({ base: 'selrw', delta: d });

const ret = (step: number, b: bigint, c = 0n): LogRecord => ({ head: 1n, a: BigInt(step), b: BigInt.asUintN(64, b), c });
/** A SIGSYS record as an SA_SIGINFO handler writes it: signo 31, code 2, errno 0. */
const sigsys = (ip: bigint, nr: bigint, rax = nr): LogRecord => ({
  head: 2n | (31n << 8n) | (2n << 16n), a: ip, b: (nr & 0xffffffffn) | ARCH, c: rax,
});
const rec = (kind: number, a: bigint, b = 0n, c = 0n): LogRecord => ({ head: BigInt(kind), a: BigInt.asUintN(64, a), b: BigInt.asUintN(64, b), c: BigInt.asUintN(64, c) });

const handler = (h: Partial<HandlerSpec> = {}): HandlerSpec => ({ emulate: false, value: 0n, setsel: -1, nested: null, maxDepth: 8, ...h });

function mk(profile: ProfileName, steps: Step[], h: Partial<HandlerSpec> = {}, extra: Partial<FuzzCase> = {}): FuzzCase {
  return { profile, smap: true, sysctl: true, roValue: 0, handler: handler(h), steps, ...extra };
}

/** The handler, with a restorer in slot `restorer`. */
const catchSigsys = (restorer = 7, flags = SA_SIGINFO | SA_RESTORER): Step => ({ op: 'sigaction', disp: 2, flags, restorer, maskSigsys: false });
/** EXCLUSIVE over slot H (call site and restorer), selector at SEL_RW. */
const armOverH: Step = { op: 'arm', mode: 1n, a: sites(0xe0n), b: abs(0x20n), sel: selrw() };

const outcome = (log: LogRecord[], end: Outcome['end']): Outcome => ({ log, overflow: false, end });
const exited0: Outcome['end'] = { kind: 'exited', status: 0 };
const killed = (signal: number): Outcome['end'] => ({ kind: 'killed', signal });

describe('reference model', () => {
  it('dispatches a syscall from slot 0 and returns the value the handler emulates', () => {
    const c = mk('linux-6.17', [catchSigsys(), armOverH, { op: 'sel', value: 1 }, { op: 'sys', slot: 0, idx: 3 }], { emulate: true, value: 0x4242n });
    expect(predict(c)).toEqual(outcome([
      ret(0, 0n), ret(1, 0n), ret(2, 1n),
      sigsys(0x10000002n, 24n),
      ret(3, 0x4242n),
    ], exited0));
  });

  it('returns the rolled-back 64-bit rax and reports the low 32 bits as si_syscall', () => {
    const c = mk('linux-5.11', [catchSigsys(), armOverH, { op: 'sel', value: 1 }, { op: 'sys', slot: 2, idx: 6 }, { op: 'sys', slot: 2, idx: 7 }]);
    expect(predict(c).log.slice(3)).toEqual([
      sigsys(0x10000042n, 0x18n, 0x100000018n), ret(3, 0x100000018n),
      sigsys(0x10000042n, 0xffffffffn, 0xffffffffffffffffn), ret(4, -1n),
    ]);
  });

  it('kills with SIGSYS when SIGSYS is ignored (forced signal)', () => {
    const c = mk('linux-6.4', [{ op: 'sigaction', disp: 1, flags: 0n, restorer: 7, maskSigsys: false }, armOverH, { op: 'sel', value: 1 }, { op: 'sys', slot: 0, idx: 3 }]);
    expect(predict(c)).toEqual(outcome([ret(0, 0n), ret(1, 0n), ret(2, 1n)], killed(31)));
  });

  it('kills with SIGSYS when SIGSYS is blocked (forced signal)', () => {
    const c = mk('linux-6.17', [catchSigsys(), { op: 'mask', how: 0, set: 1n << 30n }, armOverH, { op: 'sel', value: 1 }, { op: 'sys', slot: 0, idx: 3 }]);
    expect(predict(c)).toEqual(outcome([ret(0, 0n), ret(1, 0n), ret(2, 0n), ret(3, 1n)], killed(31)));
  });

  it('kills with SIGSEGV when the handler lacks SA_RESTORER', () => {
    const c = mk('linux-6.17', [catchSigsys(7, SA_SIGINFO), armOverH, { op: 'sel', value: 1 }, { op: 'sys', slot: 0, idx: 3 }]);
    expect(predict(c).end).toEqual(killed(11));
  });

  it('kills with SIGSEGV when the selector page was unmapped', () => {
    for (const profile of ['patch-v5', 'linux-6.17'] as const) {
      const arm: Step = profile === 'patch-v5' ? { op: 'arm', mode: 1n, a: sites(0xe0n), b: sites(0xffn), sel: selrw() } : armOverH;
      const c = mk(profile, [catchSigsys(), arm, { op: 'unmap' }, { op: 'sel', value: 1 }, { op: 'sys', slot: 0, idx: 3 }]);
      expect(predict(c)).toEqual(outcome([ret(0, 0n), ret(1, 0n), ret(2, 0n), ret(3, 0n)], killed(11)));
    }
  });

  it('kills with SIGSYS on a selector value other than 0 and 1', () => {
    const c = mk('linux-next', [catchSigsys(), armOverH, { op: 'sel', value: 2 }, { op: 'sys', slot: 0, idx: 3 }]);
    expect(predict(c)).toEqual(outcome([ret(0, 0n), ret(1, 0n), ret(2, 1n)], killed(31)));
  });

  it('dispatches every syscall outside the region when the selector is NULL', () => {
    const c = mk('linux-6.17', [catchSigsys(), { op: 'arm', mode: 1n, a: sites(0xe0n), b: abs(0x20n), sel: abs(0n) }, { op: 'sys', slot: 0, idx: 3 }]);
    expect(predict(c)).toEqual(outcome([ret(0, 0n), ret(1, 0n), sigsys(0x10000002n, 24n), ret(2, 24n)], exited0));
  });

  it('patch-v5: reads the mode as (int) and ends the region inclusively', () => {
    const steps: Step[] = [
      catchSigsys(7),
      { op: 'arm', mode: 0x100000001n, a: sites(0n), b: sites(2n), sel: selrw() },
      { op: 'sel', value: 1 },
      { op: 'sys', slot: 0, idx: 3 }, // ip = end: inside
      { op: 'sys', slot: 1, idx: 3 }, // dispatched; the handler flips the selector so rt_sigreturn and exit run
    ];
    expect(predict(mk('patch-v5', steps, { setsel: 0 }))).toEqual(outcome([
      ret(0, 0n), ret(1, 0n), ret(2, 1n), ret(3, 0n),
      sigsys(0x10000022n, 24n), ret(4, 24n),
    ], exited0));
    // mainline takes the whole 64-bit mode: EINVAL, nothing armed
    expect(predict(mk('linux-5.11', steps, { setsel: 0 })).log.slice(1, 5)).toEqual([ret(1, -22n), ret(2, 0n), ret(3, 0n), ret(4, 0n)]);
  });

  it('linux-6.17: an INCLUSIVE config does not survive a ptrace GET/SET round trip', () => {
    const c = mk('linux-6.17', [{ op: 'ptrace', mode: 2n, a: abs(0x1000n), b: abs(0x100n), sel: abs(0n) }]);
    expect(predict(c)).toEqual(outcome([
      rec(5, 1n, 0n, 0x1100n),
      rec(6, 0xffffffffffffff00n, 0n, -22n),
      rec(7, 1n, 0n, 0x57fn),
      ret(0, 1n, 9n),
    ], exited0));
  });

  it('ptrace GET shows the fields a child inherited with its flag cleared (probed on 6.18)', () => {
    const c = mk('linux-6.4', [
      { op: 'arm', mode: 1n, a: sites(0n), b: abs(0x100n), sel: abs(0n) },
      { op: 'ptrace', mode: 5n, a: abs(0n), b: abs(0n), sel: abs(0n) }, // the child's prctl fails
    ]);
    expect(predict(c).log).toEqual([
      ret(0, 0n),
      rec(5, 0n, 0n, 0x10000000n),
      rec(6, 0x100n, 0n, -22n),
      rec(7, 1n, 0n, 0x57fn),
      ret(1, 1n, 9n),
    ]);
  });

  it('patch-v5 and linux-5.11 have no ptrace config requests: -EIO', () => {
    const c = mk('patch-v5', [{ op: 'ptrace', mode: 1n, a: abs(0n), b: abs(0n), sel: abs(0n) }]);
    expect(predict(c).log).toEqual([rec(5, 0n), rec(6, 0n, -5n, -5n), rec(7, 1n, -5n, 0x57fn), ret(0, 1n, 9n)]);
  });

  it('linux-next: arming fails with EPERM when the sysctl is off, disarming works', () => {
    const c = mk('linux-next', [armOverH, { op: 'arm', mode: 0n, a: abs(0n), b: abs(0n), sel: abs(0n) }], {}, { sysctl: false });
    expect(predict(c).log).toEqual([ret(0, -1n), ret(1, 0n)]);
  });

  it('checks access_ok per profile: the guard page at TOP', () => {
    const arm = (profile: ProfileName): bigint =>
      predict(mk(profile, [{ op: 'arm', mode: 1n, a: sites(0n), b: sites(0x100n), sel: { base: 'top', delta: 0n } }])).log[0].b;
    expect(BigInt.asIntN(64, arm('patch-v5'))).toBe(-14n);
    expect(arm('linux-6.4')).toBe(0n);
    expect(arm('linux-6.17')).toBe(0n);
  });

  it('re-dispatches rt_sigreturn from a restorer outside the region: SIGSYS is blocked, killed', () => {
    const c = mk('linux-6.17', [catchSigsys(0), armOverH, { op: 'sel', value: 1 }, { op: 'sys', slot: 1, idx: 3 }]);
    expect(predict(c)).toEqual(outcome([ret(0, 0n), ret(1, 0n), ret(2, 1n), sigsys(0x10000022n, 24n)], killed(31)));
  });

  it('with SA_NODEFER the re-dispatched rt_sigreturn recurses until the handler gives up (ud2)', () => {
    const c = mk('linux-6.17', [catchSigsys(0, SA_SIGINFO | SA_RESTORER | SA_NODEFER), armOverH, { op: 'sel', value: 1 }, { op: 'sys', slot: 1, idx: 3 }], { maxDepth: 2 });
    expect(predict(c)).toEqual(outcome([
      ret(0, 0n), ret(1, 0n), ret(2, 1n),
      sigsys(0x10000022n, 24n),
      sigsys(0x10000017n, 15n),
    ], killed(4)));
  });

  it('runs a forked child and a new thread with dispatch off', () => {
    const c = mk('linux-6.17', [catchSigsys(), armOverH, { op: 'sel', value: 1 }, { op: 'fork', slot: 0, idx: 3, selval: -1 }, { op: 'thread', slot: 0, idx: 5, selval: -1 }]);
    expect(predict(c)).toEqual(outcome([
      ret(0, 0n), ret(1, 0n), ret(2, 1n),
      rec(4, 3n, 0n), ret(3, 1n, 0n),
      rec(4, 4n, -38n), ret(4, 1n, 0n),
    ], exited0));
  });

  it('a thread that flips the shared selector makes the next syscall dispatch', () => {
    const c = mk('linux-6.17', [catchSigsys(), armOverH, { op: 'thread', slot: 0, idx: 3, selval: 1 }, { op: 'sys', slot: 0, idx: 3 }]);
    expect(predict(c).log.slice(2)).toEqual([rec(4, 2n, 0n), ret(2, 1n, 0n), sigsys(0x10000002n, 24n), ret(3, 24n)]);
  });

  it('a dispatched exit_group whose handler returns ends at hlt: SIGSEGV', () => {
    const c = mk('linux-6.17', [catchSigsys(0), { op: 'arm', mode: 1n, a: sites(0x10n), b: abs(0x8n), sel: selrw() }, { op: 'sel', value: 1 }], { setsel: 0 });
    expect(predict(c)).toEqual(outcome([ret(0, 0n), ret(1, 0n), ret(2, 1n), sigsys(0x100000e2n, 231n)], killed(11)));
  });

  it('the emulator plug-in lets an invalid selector value through where the kernel kills', () => {
    const c = mk('linux-6.17', [catchSigsys(), armOverH, { op: 'sel', value: 2 }, { op: 'sys', slot: 0, idx: 3 }]);
    expect(predict(c, { decide: referenceDecide }).end).toEqual(killed(31));
    expect(predict(c, { decide: emulatorDecide })).toEqual(outcome([ret(0, 0n), ret(1, 0n), ret(2, 1n), ret(3, 0n)], exited0));
  });

  it('reads CASE + 8 as the direct flag: 1 in the engine, 0 natively', () => {
    const c = mk('linux-6.17', [catchSigsys(), { op: 'arm', mode: 1n, a: sites(0xe0n), b: abs(0x20n), sel: selrw(0x20008n) }, { op: 'sys', slot: 0, idx: 3 }]);
    expect(predict(c).log[2]).toEqual(sigsys(0x10000002n, 24n));
    expect(predict(c, { direct: false }).log[2]).toEqual(ret(2, 0n));
  });

  it('SA_RESETHAND: the second dispatch finds SIG_DFL and kills', () => {
    const c = mk('linux-6.17', [catchSigsys(7, SA_SIGINFO | SA_RESTORER | 0x80000000n), armOverH, { op: 'sel', value: 1 }, { op: 'sys', slot: 0, idx: 3 }, { op: 'sys', slot: 0, idx: 3 }]);
    expect(predict(c)).toEqual(outcome([ret(0, 0n), ret(1, 0n), ret(2, 1n), sigsys(0x10000002n, 24n), ret(3, 24n)], killed(31)));
  });

  it('records zeros for siginfo when the handler was installed without SA_SIGINFO', () => {
    const c = mk('linux-6.17', [catchSigsys(7, SA_RESTORER), armOverH, { op: 'sel', value: 1 }, { op: 'sys', slot: 0, idx: 3 }]);
    expect(predict(c).log[3]).toEqual(rec(2, 0n, 0n, 24n));
  });

  it('flags a selector in the scratch page read while a forked child may run', () => {
    const c = mk('linux-6.17', [{ op: 'arm', mode: 1n, a: sites(0n), b: abs(0x20n), sel: selrw(0x31000n) }, { op: 'fork', slot: 0, idx: 4, selval: -1 }]);
    expect(predictDetailed(c).unpredictable.length).toBeGreaterThan(0);
  });

  it('flags a selector at the top of the stack as ASLR-dependent', () => {
    const c = mk('linux-6.17', [armOverH, { op: 'arm', mode: 1n, a: sites(0xe0n), b: abs(0x20n), sel: { base: 'top', delta: -1n } }, { op: 'sys', slot: 0, idx: 3 }]);
    const p = predictDetailed(c);
    expect(p.aslrDependent).toBe(true);
    expect(p.outcome.log[2]).toEqual(ret(2, 0n));
  });
  describe('exec (op 11)', () => {
    /** EXCLUSIVE over slot 0 only (call site and restorer): slot H is outside, selector at SEL_RW. */
    const armOverSlot0: Step = { op: 'arm', mode: 1n, a: sites(0n), b: abs(0x20n), sel: selrw() };
    const exec: Step = { op: 'exec' };
    const H_IP = 0x100000e2n;

    it('is dispatched like any syscall from slot H: the rolled-back 59 or the emulated value comes back', () => {
      const steps = [catchSigsys(0), armOverSlot0, { op: 'sel', value: 1 } as Step, exec];
      // the handler flips the selector to ALLOW so exit_group runs
      expect(predict(mk('linux-6.17', steps, { setsel: 0 }))).toEqual(outcome([
        ret(0, 0n), ret(1, 0n), ret(2, 1n), sigsys(H_IP, 59n), ret(3, 59n),
      ], exited0));
      expect(predict(mk('linux-5.11', steps, { setsel: 0, emulate: true, value: -2n }))).toEqual(outcome([
        ret(0, 0n), ret(1, 0n), ret(2, 1n), sigsys(H_IP, 59n), ret(3, -2n),
      ], exited0));
      // an emulated 0 looks like success but nothing was exec'd: dispatch stays on, the selector still BLOCKs
      const after = [...steps, { op: 'sys', slot: 1, idx: 3 } as Step, { op: 'sel', value: 1 } as Step];
      const emu0 = predict(mk('linux-6.17', after, { emulate: true, value: 0n }));
      expect(emu0.log.slice(3)).toEqual([
        sigsys(H_IP, 59n), ret(3, 0n), sigsys(0x10000022n, 24n), ret(4, 0n), ret(5, 1n),
        sigsys(H_IP, 231n), // exit_group dispatched too; its handler returns: hlt
      ]);
      expect(emu0.end).toEqual(killed(11));
      // patch-v5: the seed's inclusive [start, end] over slot 0
      const v5 = [catchSigsys(0), { op: 'arm', mode: 1n, a: sites(0n), b: sites(0x1fn), sel: selrw() } as Step, { op: 'sel', value: 1 } as Step, exec];
      expect(predict(mk('patch-v5', v5, { setsel: 0 })).log.slice(3)).toEqual([sigsys(H_IP, 59n), ret(3, 59n)]);
    });

    it('allowed, it succeeds: RET 0, and dispatch is off in the new image', () => {
      const c = mk('linux-6.17', [
        catchSigsys(), armOverH, { op: 'sel', value: 1 },
        { op: 'sys', slot: 0, idx: 3 }, // dispatched before exec
        exec,
        { op: 'sys', slot: 0, idx: 3 }, // runs: the flag was cleared
        { op: 'sel', value: 1 }, // curSel restarted at 0: no write
      ]);
      expect(predict(c)).toEqual(outcome([
        ret(0, 0n), ret(1, 0n), ret(2, 1n),
        sigsys(0x10000002n, 24n), ret(3, 24n),
        ret(4, 0n), ret(5, 0n), ret(6, 0n),
      ], exited0));
      // patch-v5 clears its flag at exec as well (begin_new_exec, __clear_tsk_syscall_intercept)
      const v5 = mk('patch-v5', [
        catchSigsys(), { op: 'arm', mode: 1n, a: sites(0xe0n), b: sites(0xffn), sel: selrw() }, { op: 'sel', value: 1 },
        exec, { op: 'sys', slot: 0, idx: 3 },
      ]);
      expect(predict(v5)).toEqual(outcome([ret(0, 0n), ret(1, 0n), ret(2, 1n), ret(3, 0n), ret(4, 0n)], exited0));
    });

    it('keeps the stored config with the flag cleared: a ptrace child GETs mode 0 and the pre-exec fields', () => {
      const c = mk('linux-6.17', [
        { op: 'arm', mode: 1n, a: sites(0n), b: abs(0x100n), sel: selrw(0x10n) },
        exec,
        { op: 'ptrace', mode: 5n, a: abs(0n), b: abs(0n), sel: abs(0n) }, // the child's prctl fails
      ]);
      expect(predict(c)).toEqual(outcome([
        ret(0, 0n), ret(1, 0n),
        rec(5, 0n, 0x10010010n, 0x10000000n),
        rec(6, 0x100n, 0n, -22n), // SET of mode 0 with fields: EINVAL
        rec(7, 1n, 0n, 0x57fn),
        ret(2, 1n, 9n),
      ], exited0));
      // INCLUSIVE: stored inverted, and still after exec
      const inc = mk('linux-6.17', [
        { op: 'arm', mode: 2n, a: abs(0x1000n), b: abs(0x100n), sel: abs(0n) }, exec,
        { op: 'ptrace', mode: 5n, a: abs(0n), b: abs(0n), sel: abs(0n) },
      ]);
      expect(predict(inc).log.slice(2, 4)).toEqual([rec(5, 0n, 0n, 0x1100n), rec(6, 0xffffffffffffff00n, 0n, -22n)]);
    });

    it('keeps the blocked mask; a handler becomes SIG_DFL; a handler installed after exec works', () => {
      const rearm = [armOverH, { op: 'sel', value: 1 } as Step, { op: 'sys', slot: 0, idx: 3 } as Step];
      // SIGSYS blocked before exec, a handler installed after it: the forced signal still kills
      const masked = mk('linux-6.17', [catchSigsys(), { op: 'mask', how: 0, set: 1n << 30n }, exec, catchSigsys(), ...rearm]);
      expect(predict(masked)).toEqual(outcome([ret(0, 0n), ret(1, 0n), ret(2, 0n), ret(3, 0n), ret(4, 0n), ret(5, 1n)], killed(31)));
      // a handler installed before exec is SIG_DFL after it: killed, no handler runs
      const reset = mk('linux-6.17', [catchSigsys(), exec, ...rearm]);
      expect(predict(reset)).toEqual(outcome([ret(0, 0n), ret(1, 0n), ret(2, 0n), ret(3, 1n)], killed(31)));
      // installed again after exec: caught
      const again = mk('linux-6.17', [catchSigsys(), exec, catchSigsys(), ...rearm]);
      expect(predict(again)).toEqual(outcome([
        ret(0, 0n), ret(1, 0n), ret(2, 0n), ret(3, 0n), ret(4, 1n), sigsys(0x10000002n, 24n), ret(5, 24n),
      ], exited0));
    });

    it('starts the new image with a fresh SEL_RW: an unmapped or written selector page is undone', () => {
      const after = [armOverH, { op: 'sys', slot: 0, idx: 3 } as Step];
      // selector byte written to BLOCK, then the page unmapped; after exec the page is mapped and 0 (ALLOW)
      const c = mk('linux-6.17', [armOverH, { op: 'sel', value: 1 }, { op: 'unmap' }, exec, ...after]);
      expect(predict(c)).toEqual(outcome([ret(0, 0n), ret(1, 1n), ret(2, 0n), ret(3, 0n), ret(4, 0n), ret(5, 0n)], exited0));
      // and the handler's depth count restarts
      const d = mk('linux-6.17', [catchSigsys(), armOverH, { op: 'sel', value: 1 }, { op: 'sys', slot: 0, idx: 3 }, exec,
        catchSigsys(), armOverH, { op: 'sel', value: 1 }, { op: 'sys', slot: 0, idx: 3 }], { maxDepth: 1 });
      expect(predict(d).end).toEqual(exited0);
    });

    it('routes execve through a plug-in decide', () => {
      const seen: bigint[] = [];
      const c = mk('linux-6.17', [catchSigsys(0), armOverSlot0, exec], { setsel: 0 });
      const out = predict(c, { decide: (ctx) => { seen.push(ctx.rax); return referenceDecide(ctx); } });
      expect(seen).toContain(59n);
      expect(out.log[2]).toEqual(ret(2, 0n)); // selector ALLOW: execve ran
      const blocked = predict(c, { decide: (ctx) => (ctx.rax === 59n ? 'dispatch' : referenceDecide(ctx)) });
      expect(blocked.log.slice(2)).toEqual([sigsys(H_IP, 59n), ret(2, 59n)]);
    });
  });
});
