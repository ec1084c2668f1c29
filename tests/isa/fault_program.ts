/**
 * One freestanding program holding many faulting instructions: argv[1]
 * picks the case (f0, f1, ...); with an argv[2] it first installs an
 * SA_SIGINFO handler for the given signals that writes a record of
 * si_signo, si_code, si_addr and the sigcontext's rip, err, trapno and cr2
 * (plus what `handlerExtra` stores) to stdout and exits 0. Without handlers
 * the program dies of the fault, or exits 99 if it did not fault, or 77 if
 * rt_sigaction failed.
 */
import { Machine } from '../../src/api/index.js';
import { readBinary, runNative } from '../helpers/native.js';


/** A faulting instruction sequence and the signal Linux on x86-64 gives it. */
/** How a run ended and what the handler recorded, in words the two sides are compared on. */
export type DescribeRun = (status: number | null, signal: string | null, out: Buffer) => string;

/**
 * Runs fault i of a built fault program natively and in the engine (with
 * the program's SIGSEGV/... handler when `handler`), each described alike.
 */
export function runFaultBothWays(exe: string, argv0: string, i: number, handler: boolean, describe: DescribeRun): { native: string; engine: string; nativeSignal: string | null } {
  const args = handler ? [String(i), 'h'] : [String(i)];
  const n = runNative(exe, args);
  const m = new Machine();
  m.load(readBinary(exe), { argv: [argv0, ...args] });
  const r = m.run({ maxInsns: 1_000_000 });
  const out = Buffer.from(m.stdout());
  const engine =
    r.kind === 'killed' ? describe(null, r.signalName, out)
      : r.kind === 'exited' ? describe(r.status, null, out)
        : 'ran out of budget';
  return { native: describe(n.status, n.signal, n.stdout), engine, nativeSignal: n.signal };
}

export interface Fault {
  name: string;
  asm: string;
  /** What Linux on x86-64 does; checked against the native run too. */
  signal: string;
}

export interface FaultProgramOptions {
  /** Signals that get the recording handler. */
  signals: number[];
  /** Code run before jumping to the case (may not touch %rdx or %r12). */
  prologue: string;
  /** Handler code storing more u64 fields at 56(%rax), 64(%rax)... */
  handlerExtra?: string;
  /** Bytes in the record the handler writes (56 plus the extra fields). */
  recordSize: number;
  /** Lines for .rodata after the case table. */
  rodata?: string[];
  /** Lines for .data after `zero` (16 zero bytes, twice). */
  data?: string[];
  /** Lines after the record buffer. */
  tail?: string[];
}

export function faultProgram(faults: Fault[], o: FaultProgramOptions): string {
  const t: string[] = [];
  t.push(`
	.text
	.globl _start
_start:
	mov 16(%rsp), %rsi
	movzbl (%rsi), %r12d
	sub $'0', %r12d
	movzbl 1(%rsi), %ecx
	test %ecx, %ecx
	jz 1f
	sub $'0', %ecx
	imul $10, %r12d
	add %ecx, %r12d
1:	cmpq $0, 24(%rsp)
	je 2f
	lea act(%rip), %rsi
	lea handler(%rip), %rax
	mov %rax, (%rsi)
	mov %rax, 16(%rsi)
	.irp sig, ${o.signals.join(', ')}
	mov $13, %eax
	mov $\\sig, %edi
	lea act(%rip), %rsi
	xor %edx, %edx
	mov $8, %r10d
	syscall
	test %rax, %rax
	jnz no_handlers
	.endr
2:
${o.prologue}
	lea table(%rip), %rdx
	jmp *(%rdx,%r12,8)

no_handlers:
	mov $60, %eax
	mov $77, %edi
	syscall

handler:
	lea rec(%rip), %rax
	movslq (%rsi), %rcx
	mov %rcx, 0(%rax)
	movslq 8(%rsi), %rcx
	mov %rcx, 8(%rax)
	mov 16(%rsi), %rcx
	mov %rcx, 16(%rax)
	mov 168(%rdx), %rcx
	mov %rcx, 24(%rax)
	mov 192(%rdx), %rcx
	mov %rcx, 32(%rax)
	mov 200(%rdx), %rcx
	mov %rcx, 40(%rax)
	mov 208(%rdx), %rcx
	mov %rcx, 48(%rax)
${o.handlerExtra ?? ''}
	mov $1, %eax
	mov $1, %edi
	lea rec(%rip), %rsi
	mov $${o.recordSize}, %edx
	syscall
	mov $60, %eax
	xor %edi, %edi
	syscall
`);
  faults.forEach((f, i) => {
    t.push(`f${i}:`);
    for (const line of f.asm.split('\n')) t.push(`\t${line}`);
    // not reached when the fault happens
    t.push('\tmov $60, %eax', '\tmov $99, %edi', '\tsyscall');
  });
  t.push('\t.section .rodata', '\t.balign 8', 'table:', ...faults.map((_, i) => `\t.quad f${i}`), ...(o.rodata ?? []));
  t.push('\t.data', '\t.balign 16', 'zero:\t.quad 0, 0, 0, 0', ...(o.data ?? []), '\t.balign 8');
  // sa_handler, sa_flags = SA_SIGINFO | SA_RESTORER | SA_NODEFER, sa_restorer, sa_mask
  t.push('act:\t.quad 0, 0x44000004, 0, 0', `rec:\t.zero ${o.recordSize}`, ...(o.tail ?? []), '');
  return t.join('\n');
}
