/**
 * Program conformance: every C program in tests/programs is built by the
 * host's gcc at three optimisation levels, run natively and in the engine,
 * and must print the same bytes and exit with the same status. The programs
 * are freestanding (tests/programs/rt.c is their whole runtime), so the only
 * difference between the two runs is the CPU and kernel underneath.
 */
import { availableParallelism } from 'node:os';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Machine } from '../src/api/index.js';
import { buildStaticAsync, gccUnavailable, readBinary, runNative } from './helpers/native.js';

const skip = gccUnavailable();
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`program conformance skipped: ${skip}`);

const dir = join(import.meta.dirname, 'programs');

/** Prose for wordfreq.c to read from stdin: 40-odd KB, the same on every run. */
function prose(): string {
  const words = ('the quick brown fox jumps over a lazy dog while an old cat watches from the fence by the river ' +
    "bank where children play every summer afternoon and nobody's counting").split(' ');
  let x = 12345;
  const rnd = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 16) % n;
  };
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const line: string[] = [];
    for (let n = rnd(17); n > 0; n--) {
      const w = words[rnd(words.length)];
      line.push(rnd(10) === 0 ? w[0].toUpperCase() + w.slice(1) : w);
    }
    lines.push(line.join(rnd(5) === 0 ? ',  ' : ' ') + ['', '.', '!', '?'][rnd(4)]);
  }
  return lines.join('\n'); // no newline at the end: like wc, the program counts newlines, not lines
}

/** Each program, the arguments it runs with (argv[0] is added) and its stdin. */
const PROGRAMS: { file: string; args?: string[]; stdin?: string }[] = [
  { file: 'arith64.c' },
  { file: 'int128.c' },
  { file: 'divconst.c' },
  { file: 'narrow.c' },
  { file: 'bits.c' },
  { file: 'recursion.c' },
  { file: 'callbacks.c' },
  { file: 'switch.c' },
  { file: 'structs.c' },
  { file: 'varargs.c' },
  { file: 'strings.c' },
  { file: 'strinsn.c' },
  { file: 'sort.c' },
  { file: 'hash.c' },
  { file: 'sieve.c' },
  { file: 'matrix.c' },
  { file: 'bignum.c' },
  { file: 'numtheory.c' },
  { file: 'nqueens.c' },
  { file: 'life.c' },
  { file: 'vm.c' },
  { file: 'coroutine.c' },
  { file: 'tls.c' },
  { file: 'arena_tree.c' },
  { file: 'heap_list.c' },
  { file: 'mmap_regions.c' },
  { file: 'atomics.c' },
  { file: 'bitmap.c' },
  { file: 'base64.c' },
  { file: 'lz77.c' },
  { file: 'jit.c' },
  { file: 'argv.c', args: ['hello', '-42', 'two words', '17', '', '+8'] },
  { file: 'wordfreq.c', stdin: prose() },
  { file: 'io.c', stdin: prose().slice(0, 3000) },
];

const OPT_LEVELS = ['-O0', '-O2', '-Os'];

const FLAGS = ['-nostdlib', '-ffreestanding', '-fno-builtin', '-mgeneral-regs-only', '-fno-stack-protector'];

/** Over ten times what the hungriest program needs (sieve.c, 42M at -O0): only stops a runaway. */
const MAX_INSNS = 500_000_000;

const variantName = (file: string, opt: string): string => `${file.replace(/\.c$/, '')}${opt}`;

/** Runs the tasks at most `limit` at a time; settles every one. */
async function pooled<T>(tasks: (() => Promise<T>)[], limit: number): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(tasks.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < tasks.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await tasks[i]() };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

maybe('freestanding C programs: the engine against the host CPU and kernel', () => {
  const built = new Map<string, { exe?: string; error?: unknown }>();

  beforeAll(async () => {
    const variants = PROGRAMS.flatMap((p) => OPT_LEVELS.map((opt) => ({ file: p.file, opt })));
    const results = await pooled(
      variants.map(({ file, opt }) => () =>
        buildStaticAsync(variantName(file, opt), [join(dir, file), join(dir, 'rt.c')], [opt, ...FLAGS]),
      ),
      availableParallelism(),
    );
    results.forEach((r, i) => {
      const key = variantName(variants[i].file, variants[i].opt);
      built.set(key, r.status === 'fulfilled' ? { exe: r.value } : { error: r.reason });
    });
  }, 600_000);

  it('covers every program in tests/programs', () => {
    const onDisk = readdirSync(dir).filter((f) => f.endsWith('.c') && f !== 'rt.c').sort();
    expect(PROGRAMS.map((p) => p.file).sort()).toEqual(onDisk);
    expect(onDisk.length).toBeGreaterThanOrEqual(22);
  });

  for (const { file, args = [], stdin } of PROGRAMS) {
    for (const opt of OPT_LEVELS) {
      it(`${file} at ${opt} prints the same and exits the same as natively`, () => {
        const b = built.get(variantName(file, opt));
        if (!b?.exe) throw b?.error ?? new Error('not built');
        const native = runNative(b.exe, args, Buffer.from(stdin ?? ''));
        // the programs always exit by themselves; a native signal is a bug in the program
        expect(native.signal).toBeNull();

        const m = new Machine({ stdin: stdin ?? '' });
        m.load(readBinary(b.exe), { argv: [b.exe, ...args] });
        const r = m.run({ maxInsns: MAX_INSNS });
        const end =
          r.kind === 'exited'
            ? { exited: r.status }
            : r.kind === 'killed'
              ? { killed: r.signalName }
              : { budget: r.insns };
        // one comparison, so that a failure shows how the run ended next to what it printed
        expect({ stdout: m.stdoutText(), end }).toEqual({
          stdout: native.stdout.toString(),
          end: { exited: native.status },
        });
      });
    }
  }
});
