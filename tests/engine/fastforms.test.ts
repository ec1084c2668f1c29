/**
 * The run loop's fast forms (assembly/cpu/fast.ts) against the generic
 * handlers they shortcut: every corpus program runs in two machines, one
 * built with SW_GENERIC_ONLY, in lockstep slices of varying length, and the
 * registers, rip and rflags must agree after every slice. A fix to a generic
 * handler that the matching fast form lacks (or the reverse) shows up here as
 * the first slice where the two machines part. The fast machine's blocks also
 * go on past not-taken conditional branches, which the generic machine's
 * blocks end at, so a taken branch that leaves a block in its middle must
 * retire and land exactly where the generic machine's does.
 */
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type RegisterName, REGISTER_NAMES } from '../../src/api/index.js';
import { buildStaticAsync, gccUnavailable, readBinary } from '../helpers/native.js';
import { lockstepPair, runLockstep } from '../helpers/lockstep.js';

const skip = gccUnavailable();
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`fast-form lockstep skipped: ${skip}`);

const dir = join(import.meta.dirname, '..', 'programs');
const FLAGS = ['-nostdlib', '-ffreestanding', '-fno-builtin', '-mgeneral-regs-only', '-fno-stack-protector'];
const ARGS: Record<string, string[]> = { 'argv.c': ['hello', '-42', 'two words', '17', '', '+8'] };
const STDIN: Record<string, string> = {
  'wordfreq.c': 'the quick brown fox jumps over the lazy dog.\nA dog, a fox!\n'.repeat(300),
  'io.c': 'first line\nsecond, longer line\n'.repeat(60),
};
const COMPARED: RegisterName[] = [...REGISTER_NAMES, 'rip', 'rflags', 'fs_base'];
/** Far above any corpus program (sieve.c at -O0 is ~42M): only stops a runaway. */
const MAX_SLICES = 100_000;

const programs = readdirSync(dir).filter((f) => f.endsWith('.c') && f !== 'rt.c').sort();
const variants = programs.flatMap((file) => ['-O0', '-O2'].map((opt) => ({ file, opt })));

maybe('fast forms against the generic handlers', () => {
  const built = new Map<string, string | Error>();

  beforeAll(async () => {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < variants.length) {
        const { file, opt } = variants[next++];
        const key = `${file}${opt}`;
        try {
          built.set(key, await buildStaticAsync(`fastforms-${file.replace(/\.c$/, '')}${opt}`, [join(dir, file), join(dir, 'rt.c')], [opt, ...FLAGS]));
        } catch (e) {
          built.set(key, e as Error);
        }
      }
    };
    await Promise.all(Array.from({ length: availableParallelism() }, worker));
  }, 600_000);

  for (const { file, opt } of variants) {
    it(`${file} at ${opt} runs register-for-register the same`, () => {
      const exe = built.get(`${file}${opt}`);
      if (typeof exe !== 'string') throw exe ?? new Error('not built');
      const pair = lockstepPair(readBinary(exe), [exe, ...(ARGS[file] ?? [])], STDIN[file] ?? '');
      const { fast, generic } = pair;
      // a fixed xorshift: slice lengths that cut blocks (and fused pairs) everywhere
      let x = 0x2545f491 ^ file.length;
      runLockstep(pair, () => {
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
        return 1 + (x % 4000);
      }, COMPARED, MAX_SLICES);
      expect(fast.stdoutText()).toBe(generic.stdoutText());
      expect(fast.kernel.end).toEqual(generic.kernel.end);
    });
  }
});
