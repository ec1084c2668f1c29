/**
 * A case in a few readable lines: the notation findings, repro and the
 * diff report use.
 */
import { type Addr, type FuzzCase, type Step, HARMLESS, addrValue } from './case.js';

const hex = (v: bigint): string => (v < 0n ? '-0x' + (-v).toString(16) : '0x' + v.toString(16));

function addr(a: Addr): string {
  if (a.base === 'abs') return hex(BigInt.asUintN(64, a.delta));
  const d = a.delta === 0n ? '' : a.delta > 0n ? `+${hex(a.delta)}` : `-${hex(-a.delta)}`;
  return `${a.base.toUpperCase()}${d} (${hex(addrValue(a))})`;
}

const SA_NAMES: [bigint, string][] = [
  [4n, 'SA_SIGINFO'], [0x04000000n, 'SA_RESTORER'], [0x08000000n, 'SA_ONSTACK'], [0x10000000n, 'SA_RESTART'],
  [0x40000000n, 'SA_NODEFER'], [0x80000000n, 'SA_RESETHAND'],
];

function flags(f: bigint): string {
  const names = SA_NAMES.filter(([b]) => f & b).map(([, n]) => n);
  const rest = SA_NAMES.reduce((x, [b]) => x & ~b, f);
  if (rest) names.push(hex(rest));
  return names.length ? names.join('|') : '0';
}

export function formatStep(s: Step, profile: string): string {
  const sys = (slot: number, idx: number): string => `${HARMLESS[idx]?.name ?? idx}() from slot ${slot}`;
  switch (s.op) {
    case 'arm':
    case 'ptrace': {
      const call = profile === 'patch-v5' ? `start=${addr(s.a)}, end=${addr(s.b)}` : `offset=${addr(s.a)}, len=${addr(s.b)}`;
      const what = `prctl(PR_SET_SYSCALL_USER_DISPATCH, mode=${hex(s.mode)}, ${call}, selector=${addr(s.sel)})`;
      return s.op === 'arm' ? what : `in a traced child: ${what}; tracer does ptrace GET, SET, GET of its config`;
    }
    case 'sel': return `*selector = ${s.value}`;
    case 'sys': return s.int80 ? `${HARMLESS[s.idx]?.name ?? s.idx}() by int $0x80 (i386 ${HARMLESS[s.idx]?.nr32}) from slot ${s.slot}` : sys(s.slot, s.idx);
    case 'sigaction': {
      const disp = s.disp === 2 ? 'handler' : s.disp === 1 ? 'SIG_IGN' : 'SIG_DFL';
      return `rt_sigaction(SIGSYS, ${disp}, flags=${flags(s.flags)}, restorer=${s.restorer < 8 ? `slot ${s.restorer}` : 'none'}${s.maskSigsys ? ', sa_mask={SIGSYS}' : ''})`;
    }
    case 'mask': return `rt_sigprocmask(${['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'][s.how] ?? s.how}, ${hex(s.set)})`;
    case 'prot': return `mprotect(SEL_RW page, ${['PROT_NONE', 'PROT_READ', 'PROT_WRITE', 'PROT_READ|PROT_WRITE', 'PROT_EXEC', 'PROT_READ|PROT_EXEC', 'PROT_WRITE|PROT_EXEC', 'PROT_READ|PROT_WRITE|PROT_EXEC'][s.prot]})`;
    case 'unmap': return 'munmap(SEL_RW page)';
    case 'exec': return 'execve(/proc/self/exe): the rest of the case runs in the new image';
    case 'fork': return `fork(); child${s.selval >= 0 ? ` sets *selector = ${s.selval},` : ''} calls ${sys(s.slot, s.idx)}`;
    case 'thread': return `clone(thread); thread${s.selval >= 0 ? ` sets *selector = ${s.selval},` : ''} calls ${sys(s.slot, s.idx)}`;
  }
}

export function formatCase(c: FuzzCase): string {
  const h = c.handler;
  const hs = [
    h.setsel >= 0 ? `sets *selector = ${h.setsel}` : '',
    h.nested ? `calls ${HARMLESS[h.nested.idx]?.name}() from slot ${h.nested.slot}` : '',
    h.emulate ? `returns ${hex(BigInt.asIntN(64, h.value))} as the result` : 'leaves rax as rolled back',
  ].filter(Boolean).join(', ');
  const lines = [`profile ${c.profile}${c.smap ? '' : ', SMAP off'}${c.profile === 'linux-next' && !c.sysctl ? ', sysctl kernel.syscall_user_dispatch=0' : ''}${c.roValue ? `, *SEL_RO = ${c.roValue}` : ''}; SIGSYS handler ${hs}`];
  c.steps.forEach((s, i) => lines.push(`${String(i).padStart(2)}: ${formatStep(s, c.profile)}`));
  return lines.join('\n');
}
