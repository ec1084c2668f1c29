/**
 * The library's entry points (`sudsim`, `sudsim/fuzz`) load in a browser:
 * no module they import, directly or through others, imports a Node
 * built-in (node:fs and the like), which a browser cannot resolve.
 * Node-only functions fetch the built-ins when called
 * (src/engine/node_builtins.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const SRC = join(import.meta.dirname, '..', '..', 'src');
const NODE_BUILTINS = /^(node:|fs$|path$|url$|os$|child_process$|worker_threads$|crypto$|module$)/;

/** Every module specifier a TypeScript file imports or re-exports (type-only ones left out: they vanish). */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^'";]*?from\s+'([^']+)'/gm)) out.push(m[1]);
  for (const m of text.matchAll(/^import\s+'([^']+)'/gm)) out.push(m[1]);
  return out;
}

/** The modules reachable from entry, each with the file that imports it first. */
function importGraph(entry: string): Map<string, string> {
  const seen = new Map<string, string>([[entry, '(entry)']]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    for (const s of specifiers(file)) {
      const target = s.startsWith('.') ? resolve(dirname(file), s.replace(/\.js$/, '.ts')) : s;
      if (seen.has(target)) continue;
      seen.set(target, file);
      if (s.startsWith('.')) queue.push(target);
    }
  }
  return seen;
}

describe.each([
  ['sudsim', join('api', 'index.ts'), join('kernel', 'kernel.ts')],
  ['sudsim/fuzz', join('fuzz', 'index.ts'), join('fuzz', 'worker_loop.ts')],
])('the library entry point %s', (_name, entry, reached) => {
  it('imports no Node built-in, directly or indirectly', () => {
    const graph = importGraph(join(SRC, entry));
    // the walk is only worth something if it reached the kernel and the engine
    expect([...graph.keys()].some((f) => f.endsWith(reached))).toBe(true);
    expect([...graph.keys()].some((f) => f.endsWith(join('engine', 'engine.ts')))).toBe(true);
    const builtins = [...graph].filter(([m]) => NODE_BUILTINS.test(m)).map(([m, by]) => `${m} (imported by ${by})`);
    expect(builtins).toEqual([]);
  });
});
