/**
 * The fast forms of shifts by cl, cmovcc, cdqe, an 8-bit test or cmp
 * fused with the jcc after it, and indirect calls and jumps (through a
 * register, memory, a rip-relative pointer, a jump table), against the
 * generic handlers, on the operand
 * values where they are easiest to get wrong: counts of 0 (flags kept, a
 * 32-bit destination still zero-extended), 1, and at and past the operand's
 * width; a 32-bit cmov whose condition is false (it still zero-extends);
 * every condition after an 8-bit cmp or test, at the sign and carry
 * boundaries. The program runs in two machines, one with SW_GENERIC_ONLY,
 * in lockstep slices of 1 to 7 instructions (so that a fused pair is also
 * cut between its two instructions), and the registers, rip and rflags must
 * agree after every slice.
 */
import { type RegisterName, REGISTER_NAMES } from '../../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary } from '../helpers/native.js';
import { lockstepPair, runLockstep } from '../helpers/lockstep.js';

const skip = gccUnavailable();
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`fast-form shapes skipped: ${skip}`);

const COMPARED: RegisterName[] = [...REGISTER_NAMES, 'rip', 'rflags'];

// each shape's result and the flags after it (pushf) go into acc, so that a wrong value or flag
// also shows in a register at the next slice boundary
const PROGRAM = String.raw`
typedef unsigned long u64;
static const u64 vals[] = {0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x7fffffff, 0x80000000, 0xffffffff,
                           0x100000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff,
                           0x123456789abcdef0, 0xfedcba9876543210};
static const u64 counts[] = {0, 1, 2, 7, 31, 32, 33, 63, 64, 65, 255, 256};
#define N(a) (sizeof(a) / sizeof((a)[0]))
static u64 acc;
static void mix(u64 x) { acc = (acc ^ x) * 0x100000001b3UL; }

#define SHIFT(op, suffix)                                                                         \
  {                                                                                               \
    u64 v = a, f;                                                                                 \
    __asm__ volatile("test %0, %0\n" op " %%cl, %" suffix "0\npushfq\npop %1"                     \
                     : "+r"(v), "=r"(f) : "c"(c) : "cc");                                         \
    mix(v);                                                                                       \
    mix(f);                                                                                       \
  }

#define CMOV(cc)                                                                                  \
  {                                                                                               \
    u64 d = a, e = ~a;                                                                            \
    __asm__ volatile("cmp %2, %3\ncmov" cc "q %4, %0\ncmov" cc "l %k4, %k1"                       \
                     : "+&r"(d), "+&r"(e) : "r"(a), "r"(b), "r"(b ^ 0x5555555555555555UL) : "cc"); \
    mix(d);                                                                                       \
    mix(e);                                                                                       \
  }

#define JCC8(cc, imm)                                                                             \
  {                                                                                               \
    u64 t = 0, u = 0;                                                                             \
    __asm__ volatile("cmpb $" #imm ", %b2\nj" cc " 1f\ninc %0\n1:\n"                              \
                     "testb %b3, %b2\nj" cc " 2f\ninc %1\n2:\n"                                   \
                     : "+&r"(t), "+&r"(u) : "q"(a), "q"(b) : "cc");                               \
    mix(t);                                                                                       \
    mix(u);                                                                                       \
  }

/* indirect calls and jumps: through a register, a register's memory, a rip-relative pointer and
 * a jump table; the callees change only rax */
__asm__(".text\nf_add: lea 1(%rdi), %rax\n ret\nf_xor: mov %rdi, %rax\n xor $0x55, %rax\n ret\n");
extern char f_add[], f_xor[];
static u64 ftab[] = {(u64)f_add, (u64)f_xor};
static u64 fptr __attribute__((used)) = (u64)f_xor;
#define INDIRECT                                                                                  \
  {                                                                                               \
    u64 r1, r2, r3, r4 = 0, k = a & 1;                                                            \
    __asm__ volatile("call *%%rcx" : "=a"(r1) : "c"(ftab[k]), "D"(a) : "memory");               \
    __asm__ volatile("call *(%%rdx)" : "=a"(r2) : "d"(&ftab[k ^ 1]), "D"(a) : "memory");        \
    __asm__ volatile("call *fptr(%%rip)" : "=a"(r3) : "D"(a) : "memory");                       \
    __asm__ volatile("lea 3f(%%rip), %%rcx\n jmp *%%rcx\n ud2\n"                               \
                     "3: lea 7f(%%rip), %%rdx\n jmp *(%%rdx,%1,8)\n ud2\n"                       \
                     "4: add $5, %0\n jmp 6f\n5: add $9, %0\n jmp 6f\n"                          \
                     ".pushsection .rodata\n .balign 8\n7: .quad 4b, 5b\n .popsection\n6:\n"   \
                     : "+r"(r4), "+r"(k) : : "rcx", "rdx", "cc", "memory");                      \
    mix(r1);                                                                                      \
    mix(r2);                                                                                      \
    mix(r3);                                                                                      \
    mix(r4);                                                                                      \
  }

#define JCC8_ALL(imm)                                                                             \
  JCC8("o", imm) JCC8("no", imm) JCC8("b", imm) JCC8("ae", imm) JCC8("e", imm) JCC8("ne", imm)    \
  JCC8("be", imm) JCC8("a", imm) JCC8("s", imm) JCC8("ns", imm) JCC8("p", imm) JCC8("np", imm)    \
  JCC8("l", imm) JCC8("ge", imm) JCC8("le", imm) JCC8("g", imm)

void _start(void) {
  for (u64 i = 0; i < N(vals); i++) {
    u64 a = vals[i];
    for (u64 j = 0; j < N(counts); j++) {
      u64 c = counts[j] | (a & 0xff00);
      SHIFT("shlq", "q") SHIFT("shrq", "q") SHIFT("sarq", "q") SHIFT("salq", "q")
      SHIFT("shll", "k") SHIFT("shrl", "k") SHIFT("sarl", "k") SHIFT("sall", "k")
    }
    for (u64 j = 0; j < N(vals); j++) {
      u64 b = vals[j];
      CMOV("o") CMOV("no") CMOV("b") CMOV("ae") CMOV("e") CMOV("ne") CMOV("be") CMOV("a")
      CMOV("s") CMOV("ns") CMOV("p") CMOV("np") CMOV("l") CMOV("ge") CMOV("le") CMOV("g")
      JCC8_ALL(0) JCC8_ALL(1) JCC8_ALL(0x7f) JCC8_ALL(0x80) JCC8_ALL(0xff)
    }
    INDIRECT
    u64 r = a;
    __asm__ volatile("cltq" : "+a"(r));
    mix(r);
  }
  __asm__ volatile("syscall" : : "a"(231), "D"(acc & 0x7f));
  for (;;) {}
}
`;

maybe('fast forms of cl shifts, cmovcc, cdqe, fused 8-bit compares and indirect branches', () => {
  // the shapes are inline assembly: -O2 only (the loops around them are no concern here)
  for (const opt of ['-O2']) {
    it(`runs register-for-register as the generic handlers do (${opt})`, () => {
      const exe = buildStatic(`fastforms-shapes${opt}`, { 'shapes.c': PROGRAM }, [
        // no red zone: the indirect calls push below the stack pointer
        opt, '-nostdlib', '-ffreestanding', '-fno-builtin', '-mgeneral-regs-only', '-fno-stack-protector', '-fno-pie', '-no-pie', '-mno-red-zone',
      ]);
      const pair = lockstepPair(readBinary(exe), ['shapes']);
      const { fast, generic } = pair;
      runLockstep(pair, (slice) => 1 + ((slice - 1) % 7), COMPARED);
      expect(fast.kernel.end).toEqual(generic.kernel.end);
      // the program went through the shapes, not around them
      expect(fast.insns).toBeGreaterThan(100_000n);
    });
  }
});
