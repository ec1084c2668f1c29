import { Machine } from '../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary, runNative } from './helpers/native.js';

const skip = gccUnavailable();
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`native comparison skipped: ${skip}`);

const HELLO = `
static long sys3(long n, long a, long b, long c) {
  long r; __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory"); return r; }
void _start(void) { sys3(1, 1, (long)"hello\\n", 6); sys3(60, 7, 0, 0); }
`;

maybe('a freestanding program', () => {
  it('prints and exits with the same status as natively', () => {
    const exe = buildStatic('hello', { 'hello.c': HELLO }, ['-O2', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only']);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['hello'] });
    const r = m.run();
    expect(r).toMatchObject({ kind: 'exited', status: native.status });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toBe('hello\n');
  });

  it('runs a static-pie (ET_DYN) executable the same as natively', () => {
    const exe = buildStatic('hello-pie', { 'hello.c': HELLO }, ['-O2', '-static-pie', '-fpie', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only']);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['hello-pie'] });
    expect(m.getReg('rip')).toBeGreaterThan(0x555555554000n);
    expect(m.run()).toMatchObject({ kind: 'exited', status: native.status });
    expect(m.stdoutText()).toBe(native.stdout.toString());
  });
});
