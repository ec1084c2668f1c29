/**
 * The SSE subset (assembly/cpu/sse.ts) against the host CPU, instruction by
 * instruction, and its faults against the host kernel.
 *
 * Forms: one freestanding program runs every form on seeded random inputs.
 * Each case loads xmm1 and xmm9 with x, xmm2 and xmm12 with y, a 32-byte
 * 16-aligned `work` area (the memory operand) with m, and rax and r10 with
 * g, and the arithmetic flags with random bits; points rdi at work; runs
 * the instruction; then records xmm1, xmm2, xmm9, xmm12, rax, r10, work and
 * rflags. The program writes all records to stdout,
 * and the engine's must be byte-identical.
 *
 * Faults: misaligned m128 operands (#GP: SIGSEGV, SI_KERNEL, no address),
 * page faults of 16-byte accesses that cross into a bad page, and undefined
 * encodings, with and without a handler that prints the siginfo.
 */
import { Machine } from '../../src/api/index.js';
import { faultProgram, runFaultBothWays, type Fault } from './fault_program.js';
import { buildStatic, gccUnavailable, readBinary, runNative } from '../helpers/native.js';

const skip = gccUnavailable();
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`SSE conformance skipped: ${skip}`);

const CASES = Number(process.env.SUDSIM_SSE_CASES ?? 24);
const IN_SIZE = 80; // x, y, m[32], g, flags
const OUT_SIZE = 120; // xmm1, xmm2, xmm9, xmm12, rax, r10, work[32], rflags
const OUT_FIELDS: [string, number, number][] = [
  ['xmm1', 0, 16], ['xmm2', 16, 16], ['xmm9', 32, 16], ['xmm12', 48, 16], ['rax', 64, 8], ['r10', 72, 8],
  ['work', 80, 32], ['rflags', 112, 8],
];

// ---------------------------------------------------------------- the forms

/** dst = op(dst, src) over xmm, xmm/m128: register pairs with and without REX, and aligned memory. */
const BINARY = [
  'pand', 'pandn', 'por', 'pxor', 'andps', 'andnps', 'orps', 'xorps', 'andpd', 'andnpd', 'orpd', 'xorpd',
  'paddb', 'paddw', 'paddd', 'paddq', 'psubb', 'psubw', 'psubd', 'psubq',
  'paddsb', 'paddsw', 'paddusb', 'paddusw', 'psubsb', 'psubsw', 'psubusb', 'psubusw',
  'pcmpeqb', 'pcmpeqw', 'pcmpeqd', 'pcmpgtb', 'pcmpgtw', 'pcmpgtd',
  'pminub', 'pmaxub', 'pminsw', 'pmaxsw', 'pavgb', 'pavgw',
  'pmullw', 'pmulhw', 'pmulhuw', 'pmuludq', 'pmaddwd', 'psadbw',
  'punpcklbw', 'punpcklwd', 'punpckldq', 'punpcklqdq', 'punpckhbw', 'punpckhwd', 'punpckhdq', 'punpckhqdq',
  'unpcklps', 'unpckhps', 'unpcklpd', 'unpckhpd', 'packsswb', 'packuswb', 'packssdw',
  'psrlw', 'psrld', 'psrlq', 'psraw', 'psrad', 'psllw', 'pslld', 'psllq',
];
const OPERANDS = ['%xmm2, %xmm1', '%xmm12, %xmm9', '%xmm9, %xmm1', '%xmm1, %xmm12', '%xmm1, %xmm1', 'work(%rip), %xmm1', '(%rdi), %xmm12'];

const SHUFFLES = ['pshufd', 'pshufhw', 'pshuflw', 'shufps', 'shufpd'];
const SHUFFLE_IMMS = [0x1b, 0xe4, 0x4e, 0xb1, 0x00, 0xff, 0x93];
const SHIFTS_IMM = ['psrlw', 'psraw', 'psllw', 'psrld', 'psrad', 'pslld', 'psrlq', 'psllq'];
const SHIFT_COUNTS = [0, 1, 5, 15, 16, 31, 32, 63, 64, 255];

const MOVES = [
  // whole-register moves, aligned and not
  'movdqa %xmm2, %xmm1', 'movdqa work(%rip), %xmm9', 'movdqa %xmm1, work(%rip)', 'movdqa %xmm12, 16(%rdi)',
  'movdqu 3(%rdi), %xmm1', 'movdqu %xmm12, 5(%rdi)', 'movdqu %xmm2, %xmm12', 'lddqu 7(%rdi), %xmm9',
  'movaps %xmm12, %xmm1', 'movaps (%rdi), %xmm2', 'movaps %xmm9, 16(%rdi)', 'movups 9(%rdi), %xmm12',
  'movups %xmm1, 1(%rdi)', 'movapd %xmm2, %xmm9', 'movapd 16(%rdi), %xmm1', 'movapd %xmm1, (%rdi)',
  'movupd 2(%rdi), %xmm1', 'movupd %xmm9, 14(%rdi)', 'movntdq %xmm12, (%rdi)', 'movntps %xmm1, 16(%rdi)',
  'movntpd %xmm2, (%rdi)',
  // scalar moves: the register forms merge, the loads zero the rest
  'movss %xmm2, %xmm1', 'movss 4(%rdi), %xmm9', 'movss %xmm12, 6(%rdi)', 'movss %xmm1, %xmm12',
  'movsd %xmm2, %xmm1', 'movsd 8(%rdi), %xmm12', 'movsd %xmm9, 3(%rdi)', 'movsd %xmm12, %xmm9',
  // movd/movq between xmm, general registers and memory
  'movq 8(%rdi), %xmm1', 'movq %xmm2, %xmm1', 'movq %xmm1, 8(%rdi)', 'movq %xmm12, 20(%rdi)',
  '.byte 0x66, 0x0f, 0xd6, 0xd1 # movq %xmm2, %xmm1 (66 0F D6)', '.byte 0x66, 0x45, 0x0f, 0xd6, 0xe1 # movq %xmm12, %xmm9',
  'movq %xmm1, %rax', 'movq %xmm12, %r10', 'movq %rax, %xmm1', 'movq %r10, %xmm12', 'movd %eax, %xmm9',
  'movd %r10d, %xmm2', 'movd %xmm12, %r10d', 'movd %xmm1, %eax', 'movd 4(%rdi), %xmm1', 'movd %xmm9, 12(%rdi)',
  '.byte 0x66, 0x48, 0x0f, 0x6e, 0x0f # movq (%rdi), %xmm1', '.byte 0x66, 0x4c, 0x0f, 0x7e, 0x4f, 0x08 # movq %xmm9, 8(%rdi)',
  // half-register moves
  'movlps 8(%rdi), %xmm1', 'movhps 16(%rdi), %xmm9', 'movlpd 3(%rdi), %xmm12', 'movhpd 5(%rdi), %xmm2',
  'movlps %xmm12, (%rdi)', 'movhps %xmm1, 8(%rdi)', 'movlpd %xmm9, 16(%rdi)', 'movhpd %xmm2, 24(%rdi)',
  'movhlps %xmm2, %xmm1', 'movlhps %xmm12, %xmm9', 'movhlps %xmm9, %xmm12', 'movlhps %xmm1, %xmm2',
  'movddup %xmm2, %xmm1', 'movddup 8(%rdi), %xmm12', 'movsldup %xmm12, %xmm1', 'movsldup (%rdi), %xmm9',
  'movshdup %xmm2, %xmm9', 'movshdup 16(%rdi), %xmm1',
  // masks and word extraction
  'movmskps %xmm2, %eax', 'movmskps %xmm12, %r10d', 'movmskpd %xmm1, %eax', 'movmskpd %xmm9, %r10',
  'pmovmskb %xmm2, %eax', 'pmovmskb %xmm12, %r10d', 'pmovmskb %xmm9, %rax',
  'pextrw $0, %xmm2, %eax', 'pextrw $5, %xmm12, %r10d', 'pextrw $15, %xmm1, %eax',
  'pinsrw $3, %eax, %xmm1', 'pinsrw $7, %r10d, %xmm12', 'pinsrw $9, 6(%rdi), %xmm9', 'pinsrw $0, (%rdi), %xmm2',
  'maskmovdqu %xmm2, %xmm1', 'maskmovdqu %xmm12, %xmm9',
  'movnti %rax, 8(%rdi)', 'movnti %r10d, 4(%rdi)',
  // prefixes that do not change the operation
  '.byte 0x66, 0xf3, 0x0f, 0x6f, 0xca # movdqu %xmm2, %xmm1 (F3 outranks 66)',
  '.byte 0x66, 0x48, 0x0f, 0x6f, 0xca # movdqa with REX.W', '.byte 0x2e, 0x66, 0x0f, 0xef, 0x0f # cs pxor (%rdi), %xmm1',
  'movl $0x1f80, 8(%rdi); ldmxcsr 8(%rdi); stmxcsr 4(%rdi)', 'emms', 'prefetcht0 (%rdi)', 'prefetchnta 64(%rdi)',
];

/** Floating point: arithmetic, compares, conversions. */
const FLOAT_OPS = ['add', 'sub', 'mul', 'div', 'min', 'max', 'sqrt'];
const FLOAT_OPERANDS = ['%xmm2, %xmm1', '%xmm12, %xmm9', '%xmm1, %xmm1', '(%rdi), %xmm1', '16(%rdi), %xmm12'];
const CONVERSIONS = [
  'cvtsi2ss %eax, %xmm1', 'cvtsi2ss %r10, %xmm9', 'cvtsi2ssl 4(%rdi), %xmm12', 'cvtsi2ssq 8(%rdi), %xmm2',
  'cvtsi2sd %eax, %xmm1', 'cvtsi2sd %r10, %xmm9', 'cvtsi2sdl 4(%rdi), %xmm12', 'cvtsi2sdq 8(%rdi), %xmm2',
  'cvttss2si %xmm2, %eax', 'cvttss2si %xmm12, %r10', 'cvttss2si 4(%rdi), %eax', 'cvttss2si (%rdi), %rax',
  'cvttsd2si %xmm2, %eax', 'cvttsd2si %xmm12, %r10', 'cvttsd2si 8(%rdi), %r10d', 'cvttsd2si (%rdi), %rax',
  'cvtss2si %xmm2, %eax', 'cvtss2si %xmm12, %r10', 'cvtss2si 12(%rdi), %rax',
  'cvtsd2si %xmm2, %eax', 'cvtsd2si %xmm12, %r10', 'cvtsd2si 16(%rdi), %eax',
  'cvtps2pd %xmm2, %xmm1', 'cvtps2pd %xmm1, %xmm1', 'cvtps2pd 8(%rdi), %xmm12',
  'cvtpd2ps %xmm2, %xmm1', 'cvtpd2ps %xmm9, %xmm9', 'cvtpd2ps 16(%rdi), %xmm12',
  'cvtss2sd %xmm2, %xmm1', 'cvtss2sd 4(%rdi), %xmm9', 'cvtsd2ss %xmm12, %xmm1', 'cvtsd2ss 8(%rdi), %xmm9',
  'cvtdq2ps %xmm2, %xmm1', 'cvtdq2ps (%rdi), %xmm12', 'cvtps2dq %xmm2, %xmm1', 'cvtps2dq 16(%rdi), %xmm9',
  'cvttps2dq %xmm12, %xmm1', 'cvttps2dq (%rdi), %xmm9', 'cvttpd2dq %xmm2, %xmm1', 'cvttpd2dq 16(%rdi), %xmm12',
  'cvtdq2pd %xmm2, %xmm1', 'cvtdq2pd %xmm1, %xmm1', 'cvtdq2pd 4(%rdi), %xmm9', 'cvtpd2dq %xmm12, %xmm1',
  'cvtpd2dq (%rdi), %xmm9',
  'comiss %xmm2, %xmm1', 'comiss 4(%rdi), %xmm12', 'ucomiss %xmm12, %xmm9', 'ucomiss (%rdi), %xmm1',
  'comisd %xmm2, %xmm1', 'comisd 8(%rdi), %xmm12', 'ucomisd %xmm12, %xmm9', 'ucomisd (%rdi), %xmm1',
];
/** The integer conversions under each MXCSR rounding mode (restored to the default afterwards). */
const ROUNDED = ['cvtsd2si %xmm2, %rax', 'cvtss2si %xmm2, %eax', 'cvtps2dq %xmm2, %xmm1', 'cvtpd2dq %xmm12, %xmm9'];

function allForms(): string[] {
  const forms: string[] = [];
  for (const op of BINARY) for (const o of OPERANDS) forms.push(`${op} ${o}`);
  for (const op of SHUFFLES) {
    for (const imm of SHUFFLE_IMMS) {
      forms.push(`${op} $${imm}, %xmm2, %xmm1`, `${op} $${imm}, %xmm9, %xmm12`, `${op} $${imm}, 16(%rdi), %xmm9`);
    }
    forms.push(`${op} $0x6c, %xmm1, %xmm1`);
  }
  for (const op of SHIFTS_IMM) for (const c of SHIFT_COUNTS) forms.push(`${op} $${c}, %xmm1`, `${op} $${c}, %xmm12`);
  for (const c of [0, 1, 3, 7, 8, 15, 16, 200]) forms.push(`psrldq $${c}, %xmm1`, `pslldq $${c}, %xmm9`);
  forms.push(...MOVES);
  for (const op of FLOAT_OPS) {
    for (const ty of ['ps', 'pd', 'ss', 'sd']) for (const o of FLOAT_OPERANDS) forms.push(`${op}${ty} ${o}`);
  }
  for (const ty of ['ps', 'pd', 'ss', 'sd']) {
    for (let pred = 0; pred < 8; pred++) forms.push(`cmp${ty} $${pred}, %xmm2, %xmm1`, `cmp${ty} $${pred}, 16(%rdi), %xmm9`);
    forms.push(`cmp${ty} $0xfa, %xmm12, %xmm9`);
  }
  for (const op of ['haddps', 'haddpd', 'hsubps', 'hsubpd', 'addsubps', 'addsubpd']) {
    for (const o of FLOAT_OPERANDS) forms.push(`${op} ${o}`);
  }
  forms.push(...CONVERSIONS);
  for (const rc of [0x3f80, 0x5f80, 0x7f80]) {
    for (const f of ROUNDED) forms.push(`movl $${rc}, 28(%rdi); ldmxcsr 28(%rdi); ${f}; movl $0x1f80, 28(%rdi); ldmxcsr 28(%rdi)`);
  }
  return forms;
}

// ---------------------------------------------------------------- inputs

class Rng {
  constructor(private s: number) {}
  next(): number {
    // xorshift32
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  below(n: number): number {
    return this.next() % n;
  }
}

const SPECIAL = [0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff];

/** Single- and double-precision values at the edges: zeros, infinities, NaNs, denormals, integer limits, halves. */
const F32_SPECIAL = [
  0, -0, 1, -1, 0.5, 1.5, 2.5, -2.5, 3, 1e-40, -1e-45, 3.4e38, Infinity, -Infinity, NaN, 2147483520, 2147483648,
  -2147483648, -2147483904, 9.2233720e18, -9.2233720e18, 1e20, 0.1, -7.75, 16777217,
];
const F32_BITS = [0x7fc00000, 0xffc00001, 0x7f800001, 0xff812345, 0x7fbfffff, 0x00000001, 0x80800000];
const F64_SPECIAL = [
  0, -0, 1, -1, 0.5, 1.5, 2.5, -2.5, -3.5, 5e-324, -2.2e-308, 1.7e308, Infinity, -Infinity, NaN, 2147483647.5,
  2147483648, -2147483648.5, -2147483649, 9223372036854775807, -9223372036854775808, -9223372036854777856, 1e19,
  0.1, 1 / 3, 1e-300, 3.4028235677973366e38, 1.401298464324817e-45,
];
const F64_BITS = [0x7ff8000000000000n, 0xfff8000000000001n, 0x7ff0000000000001n, 0xfff4000000abcdefn, 0x7ff7ffffffffffffn];

function f32Lane(r: Rng, b: Uint8Array, at: number): void {
  const v = new DataView(b.buffer, b.byteOffset);
  const k = r.below(F32_SPECIAL.length + F32_BITS.length + 4);
  if (k < F32_SPECIAL.length) v.setFloat32(at, F32_SPECIAL[k], true);
  else if (k < F32_SPECIAL.length + F32_BITS.length) v.setUint32(at, F32_BITS[k - F32_SPECIAL.length], true);
  else v.setFloat32(at, (r.next() / 0x10000 - 32768) * 2 ** (r.below(40) - 20), true);
}

function f64Lane(r: Rng, b: Uint8Array, at: number): void {
  const v = new DataView(b.buffer, b.byteOffset);
  const k = r.below(F64_SPECIAL.length + F64_BITS.length + 4);
  if (k < F64_SPECIAL.length) v.setFloat64(at, F64_SPECIAL[k], true);
  else if (k < F64_SPECIAL.length + F64_BITS.length) v.setBigUint64(at, F64_BITS[k - F64_SPECIAL.length], true);
  else v.setFloat64(at, (r.next() / 0x10000 - 32768) * 2 ** (r.below(80) - 40) + r.next() / 2 ** 32, true);
}

/** 80 bytes of case input: biased so that lanes are often equal, at saturation bounds, or small shift counts. */
function caseInput(r: Rng): Uint8Array {
  const b = new Uint8Array(IN_SIZE);
  const mode = r.below(6);
  for (let i = 0; i < 80; i++) b[i] = mode === 2 ? SPECIAL[r.below(SPECIAL.length)] : r.below(256);
  if (mode === 4) for (let at = 0; at < 64; at += 4) f32Lane(r, b, at);
  if (mode === 5) for (let at = 0; at < 64; at += 8) f64Lane(r, b, at);
  if (mode >= 4 && r.below(2) === 0) {
    // y (and the memory operand) partly equal to x: equal and unordered compares
    for (let i = 0; i < 16; i += 4) if (r.below(2) === 0) b.copyWithin(16 + i, i, i + 4);
    for (let i = 0; i < 16; i += 4) if (r.below(2) === 0) b.copyWithin(32 + i, i, i + 4);
  }
  if (mode === 1) {
    // y (and the memory operand) mostly equal to x, lane by lane
    for (let i = 0; i < 16; i++) if (r.below(3) !== 0) b[16 + i] = b[i];
    for (let i = 0; i < 16; i++) if (r.below(3) !== 0) b[32 + i] = b[i];
  }
  if (r.below(3) === 0) {
    // a small shift count in the low quadwords of y and m
    for (const at of [16, 32]) {
      b.fill(0, at, at + 8);
      b[at] = r.below(72);
    }
  }
  return b;
}

// ---------------------------------------------------------------- program

function formsSource(forms: string[], inputs: Uint8Array[][]): string {
  const t: string[] = [];
  t.push('\t.text', '\t.globl _start', '_start:');
  forms.forEach((_, k) => t.push(`\tcall form${k}`));
  t.push(
    '\tmov $1, %eax', '\tmov $1, %edi', '\tlea out(%rip), %rsi', `\tmov $${forms.length * CASES * OUT_SIZE}, %rdx`,
    // write everything, looping over short writes
    '0:\tmov $1, %eax', '\tmov $1, %edi', '\tsyscall', '\ttest %rax, %rax', '\tjle 9f', '\tadd %rax, %rsi',
    '\tsub %rax, %rdx', '\tjnz 0b', '9:\tmov $60, %eax', '\txor %edi, %edi', '\tsyscall',
  );
  forms.forEach((f, k) => {
    t.push(
      `form${k}:`,
      `\tlea in${k}(%rip), %r14`, `\tlea out+${k * CASES * OUT_SIZE}(%rip), %r15`, `\tmov $${CASES}, %r13d`,
      '1:\tmovdqu (%r14), %xmm1', '\tmovdqu (%r14), %xmm9', '\tmovdqu 16(%r14), %xmm2', '\tmovdqu 16(%r14), %xmm12',
      '\tmovdqu 32(%r14), %xmm0', '\tmovdqa %xmm0, work(%rip)', '\tmovdqu 48(%r14), %xmm0', '\tmovdqa %xmm0, work+16(%rip)',
      '\tmov 64(%r14), %rax', '\tmov 64(%r14), %r10', '\tlea work(%rip), %rdi',
      // random arithmetic flags (CF PF AF ZF SF OF only)
      '\tmov 72(%r14), %r11', '\tand $0x8d5, %r11', '\tpush %r11', '\tpopfq',
      `\t${f}`,
      '\tpushfq', '\tpop %r11', '\tmov %r11, 112(%r15)',
      '\tmovdqu %xmm1, (%r15)', '\tmovdqu %xmm2, 16(%r15)', '\tmovdqu %xmm9, 32(%r15)', '\tmovdqu %xmm12, 48(%r15)',
      '\tmov %rax, 64(%r15)', '\tmov %r10, 72(%r15)',
      '\tmovdqa work(%rip), %xmm0', '\tmovdqu %xmm0, 80(%r15)', '\tmovdqa work+16(%rip), %xmm0', '\tmovdqu %xmm0, 96(%r15)',
      `\tadd $${IN_SIZE}, %r14`, `\tadd $${OUT_SIZE}, %r15`, '\tdec %r13d', '\tjnz 1b', '\tret',
    );
  });
  t.push('\t.section .rodata');
  inputs.forEach((cases, k) => {
    t.push(`in${k}:`);
    for (const c of cases) t.push(`\t.byte ${Array.from(c).join(', ')}`);
  });
  t.push('\t.data', '\t.balign 64', 'work:\t.zero 64', '\t.bss', '\t.balign 16', `out:\t.zero ${forms.length * CASES * OUT_SIZE}`, '');
  return t.join('\n');
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

maybe('SSE forms against the host CPU', () => {
  const forms = allForms();
  const rng = new Rng(0x5eed5e5e);
  const inputs = forms.map(() => Array.from({ length: CASES }, () => caseInput(rng)));
  let exe = '';
  beforeAll(() => {
    exe = buildStatic('sse-forms', { 'forms.S': formsSource(forms, inputs) }, ['-nostdlib', '-ffreestanding']);
  });

  it(`${forms.length} forms x ${CASES} cases give the same registers and memory`, () => {
    const native = runNative(exe);
    expect(native.signal).toBeNull();
    expect(native.status).toBe(0);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['sse-forms'] });
    const r = m.run({ maxInsns: 50_000_000 });
    expect(r.kind === 'exited' ? r.status : r).toBe(0);
    const got = m.stdout();
    const want = new Uint8Array(native.stdout);
    expect(got.length).toBe(want.length);
    const bad: string[] = [];
    forms.forEach((f, k) => {
      for (let c = 0; c < CASES; c++) {
        const at = (k * CASES + c) * OUT_SIZE;
        const diffs = OUT_FIELDS.filter(([, o, n]) => hex(got.subarray(at + o, at + o + n)) !== hex(want.subarray(at + o, at + o + n)));
        if (diffs.length === 0) continue;
        const inp = inputs[k][c];
        bad.push(
          `${f} case ${c}: x=${hex(inp.subarray(0, 16))} y=${hex(inp.subarray(16, 32))} m=${hex(inp.subarray(32, 64))} g=${hex(inp.subarray(64, 72))}\n` +
            diffs.map(([name, o, n]) => `    ${name}: engine ${hex(got.subarray(at + o, at + o + n))} cpu ${hex(want.subarray(at + o, at + o + n))}`).join('\n'),
        );
        break; // one case per form is enough to see what is wrong
      }
    });
    expect(bad.slice(0, 20).join('\n')).toBe('');
  });
});

// ---------------------------------------------------------------- faults


/** A fixed address for the fault cases' own pages (mmap'd with MAP_FIXED, so the same natively and in the engine). */
const PAGES = 0x10000000;
const mapTwo = (then: string): string =>
  [
    'mov $9, %eax', `mov $${PAGES}, %edi`, 'mov $8192, %esi', 'mov $3, %edx', 'mov $0x32, %r10d', 'mov $-1, %r8',
    'xor %r9d, %r9d', 'syscall', then, `movq $${PAGES + 0xff8}, probe(%rip)`, 'pcmpeqd %xmm0, %xmm0',
  ].join('\n');
const unmapSecond = `mov $11, %eax\nmov $${PAGES + 0x1000}, %edi\nmov $4096, %esi\nsyscall`;
const protectSecond = `mov $10, %eax\nmov $${PAGES + 0x1000}, %edi\nmov $4096, %esi\nmov $1, %edx\nsyscall`;
const noAccessSecond = `mov $10, %eax\nmov $${PAGES + 0x1000}, %edi\nmov $4096, %esi\nxor %edx, %edx\nsyscall`;

const FAULTS: Fault[] = [
  { name: 'movdqa load from a misaligned address', asm: 'movdqa zero+8(%rip), %xmm0', signal: 'SIGSEGV' },
  { name: 'movaps store to a misaligned address', asm: 'movaps %xmm1, zero+4(%rip)', signal: 'SIGSEGV' },
  { name: 'movntdq store to a misaligned address', asm: 'movntdq %xmm1, zero+1(%rip)', signal: 'SIGSEGV' },
  { name: 'paddb with a misaligned m128', asm: 'paddb zero+8(%rip), %xmm0', signal: 'SIGSEGV' },
  { name: 'pshufd with a misaligned m128', asm: 'pshufd $0, zero+12(%rip), %xmm0', signal: 'SIGSEGV' },
  { name: 'punpcklbw with a misaligned m128', asm: 'punpcklbw zero+2(%rip), %xmm3', signal: 'SIGSEGV' },
  { name: 'misaligned movdqa to an unmapped address (#GP before #PF)', asm: 'mov $0x18, %eax\nmovdqa (%rax), %xmm0', signal: 'SIGSEGV' },
  { name: 'movdqa from an unmapped address', asm: 'mov $0x20, %eax\nmovdqa (%rax), %xmm0', signal: 'SIGSEGV' },
  { name: 'movq load from an unmapped address', asm: 'mov $0x10, %eax\nmovq (%rax), %xmm0', signal: 'SIGSEGV' },
  { name: 'movdqu load from a non-canonical address', asm: 'movabs $0x8000000000000000, %rax\nmovdqu (%rax), %xmm0', signal: 'SIGSEGV' },
  { name: 'movdqu load crossing into an unmapped page', asm: `${mapTwo(unmapSecond)}\nmov $${PAGES + 0xff8}, %eax\nmovdqu (%rax), %xmm0`, signal: 'SIGSEGV' },
  { name: 'movups store crossing into a read-only page (nothing written)', asm: `${mapTwo(protectSecond)}\nmov $${PAGES + 0xffa}, %eax\nmovups %xmm0, (%rax)`, signal: 'SIGSEGV' },
  { name: 'movdqu store to the text segment', asm: 'lea _start(%rip), %rax\nmovdqu %xmm0, (%rax)', signal: 'SIGSEGV' },
  { name: 'movq store to read-only data', asm: 'lea table(%rip), %rax\nmovq %xmm0, 8(%rax)', signal: 'SIGSEGV' },
  { name: 'ldmxcsr with a reserved bit set', asm: 'movl $0x10000, zero(%rip)\nldmxcsr zero(%rip)', signal: 'SIGSEGV' },
  { name: 'fxsave to a misaligned address', asm: 'lea big+8(%rip), %rax\nfxsave (%rax)', signal: 'SIGSEGV' },
  { name: 'pmovmskb with a memory operand (undefined)', asm: '.byte 0x66, 0x0f, 0xd7, 0x00', signal: 'SIGILL' },
  { name: 'movntdq to a register (undefined)', asm: '.byte 0x66, 0x0f, 0xe7, 0xc1', signal: 'SIGILL' },
  { name: 'movlps store to a register (undefined)', asm: '.byte 0x0f, 0x13, 0xc1', signal: 'SIGILL' },
  { name: 'shift group 66 0F 73 /1 (undefined)', asm: '.byte 0x66, 0x0f, 0x73, 0xc8, 0x01', signal: 'SIGILL' },
  { name: 'lock paddb (undefined)', asm: '.byte 0xf0, 0x66, 0x0f, 0xfc, 0xc1', signal: 'SIGILL' },
  // the forms on mm registers (cpu/mmx.ts) and the cache-line instructions
  { name: 'pmovmskb from mm with a memory operand (undefined)', asm: '.byte 0x0f, 0xd7, 0x00', signal: 'SIGILL' },
  { name: 'movntq to a register (undefined)', asm: '.byte 0x0f, 0xe7, 0xc1', signal: 'SIGILL' },
  { name: 'shift group 0F 73 /3 on mm (undefined: no psrldq)', asm: '.byte 0x0f, 0x73, 0xd8, 0x01', signal: 'SIGILL' },
  { name: 'movq2dq from memory (undefined)', asm: '.byte 0xf3, 0x0f, 0xd6, 0x00', signal: 'SIGILL' },
  { name: 'punpcklqdq without 66 (undefined)', asm: '.byte 0x0f, 0x6c, 0xc1', signal: 'SIGILL' },
  { name: 'cvtpd2pi with a misaligned m128', asm: 'cvtpd2pi zero+8(%rip), %mm0', signal: 'SIGSEGV' },
  { name: 'movq to mm from an unmapped address', asm: 'mov $0x10, %eax\nmovq (%rax), %mm3', signal: 'SIGSEGV' },
  {
    name: 'maskmovq crossing into a read-only page, its mask only on the first page (nothing written)',
    asm: `${mapTwo(protectSecond)}\nmov $${PAGES + 0xffc}, %edi\nmovq mask_lo(%rip), %mm1\nmaskmovq %mm1, %mm1`,
    signal: 'SIGSEGV',
  },
  { name: 'maskmovq with an empty mask to an unmapped address', asm: 'mov $0x40, %edi\npxor %mm1, %mm1\nmaskmovq %mm1, %mm1', signal: 'SIGSEGV' },
  {
    name: 'MMX instruction with an unmasked x87 exception pending (#MF)',
    asm: 'movw $0x37b, zero(%rip)\nfldcw zero(%rip)\nfld1\nfldz\nfdivrp\nmovq %mm0, %mm1',
    signal: 'SIGFPE',
  },
  { name: 'clflush of an unmapped address', asm: 'mov $0x20, %eax\nclflush 3(%rax)', signal: 'SIGSEGV' },
  { name: 'clflushopt of a non-canonical address', asm: 'movabs $0x8000000000000000, %rax\nclflushopt (%rax)', signal: 'SIGSEGV' },
  { name: 'clwb of a page made PROT_NONE', asm: `${mapTwo(noAccessSecond)}\nmov $${PAGES + 0x1008}, %eax\nclwb (%rax)`, signal: 'SIGSEGV' },
];

function faultSource(): string {
  return faultProgram(FAULTS, {
    signals: [4, 8, 11],
    // probe: an address whose u64 the handler records (what a faulting store left there)
    prologue: '\tlea probe_zero(%rip), %rax\n\tmov %rax, probe(%rip)\n\tpxor %xmm1, %xmm1',
    handlerExtra: '\tmov probe(%rip), %rcx\n\tmov (%rcx), %rcx\n\tmov %rcx, 56(%rax)',
    recordSize: 64,
    data: ['probe_zero:\t.quad 0', 'probe:\t.quad 0', 'mask_lo:\t.quad 0x00000000ffffffff'],
    tail: ['\t.balign 64', 'big:\t.zero 1024'],
  });
}

const FIELDS = ['signo', 'code', 'addr', 'rip', 'err', 'trapno', 'cr2', 'probe'];

function describeRun(status: number | null, signal: string | null, out: Buffer): string {
  const how = signal ? `killed by ${signal}` : `exited ${status}`;
  if (out.length === 64) {
    return `${how}, handler saw ${FIELDS.map((f, i) => `${f}=0x${out.readBigUInt64LE(i * 8).toString(16)}`).join(' ')}`;
  }
  return `${how}, stdout ${JSON.stringify(out.toString('latin1'))}`;
}

maybe('SSE faults against the host CPU and kernel', () => {
  let exe = '';
  beforeAll(() => {
    exe = buildStatic('sse-faults', { 'faults.S': faultSource() }, ['-nostdlib', '-ffreestanding']);
  });

  const both = (i: number, handler: boolean) => runFaultBothWays(exe, 'sse-faults', i, handler, describeRun);

  it.each(FAULTS.map((f, i) => [f.name, i]))('%s: same signal as natively', (_name, i) => {
    const r = both(i as number, false);
    expect(r.nativeSignal).toBe(FAULTS[i as number].signal);
    expect(r.engine).toBe(r.native);
  });

  it.each(FAULTS.map((f, i) => [f.name, i]))('%s: same siginfo and context in a handler', (_name, i) => {
    const r = both(i as number, true);
    expect(r.engine).toBe(r.native);
  });
});
