/**
 * Building the scenario programs with the machine's own C compiler at run
 * time: the same static binary then runs on the host kernel and in the
 * engine. Freestanding (-nostdlib), so no libc start-up is timed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODE, SCENARIO_C, type ModeName } from './scenario_source.js';

export const CFLAGS = [
  '-O2', '-static', '-nostdlib', '-ffreestanding', '-fno-pie', '-no-pie', '-mgeneral-regs-only',
  '-fno-asynchronous-unwind-tables', '-Wl,--build-id=none', '-s',
];

/** The compiler to use (`cc`, else `gcc`), or why there is none. */
export function findCc(): { cc: string } | { problem: string } {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { problem: `host is ${process.platform}/${process.arch}, not linux/x64` };
  }
  for (const cc of [process.env.CC, 'cc', 'gcc']) {
    if (!cc) continue;
    try {
      execFileSync(cc, ['--version'], { stdio: 'ignore' });
      return { cc };
    } catch {
      // try the next one
    }
  }
  return { problem: 'no cc' };
}

export interface Variant {
  sysno: number;
  mode: ModeName;
}

export interface BuiltProgram {
  path: string;
  bytes: Uint8Array;
}

/** A temporary folder for the binaries, removed by `dispose()`. */
export class BuildDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'sudsim-bench-'));
  private readonly source = join(this.dir, 'scenario.c');

  constructor(private readonly cc: string) {
    writeFileSync(this.source, SCENARIO_C);
  }

  /** Compiles one variant (several may build at once). */
  build(name: string, v: Variant): Promise<BuiltProgram> {
    const out = join(this.dir, name);
    const args = [...CFLAGS, `-DSYSNO=${v.sysno}`, `-DMODE=${MODE[v.mode]}`, '-o', out, this.source];
    return new Promise((resolve, reject) => {
      execFile(this.cc, args, (err, _stdout, stderr) => {
        if (err) reject(new Error(`${this.cc} failed building ${name}:\n${stderr}`));
        else resolve({ path: out, bytes: new Uint8Array(readFileSync(out)) });
      });
    });
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
