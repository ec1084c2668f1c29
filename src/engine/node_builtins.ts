/**
 * Node's built-in modules, fetched when a caller needs them rather than
 * imported: a static `import 'node:fs'` anywhere under the library's entry
 * points (`sudsim`, `sudsim/fuzz`) would keep them from loading in a
 * browser, where the engine module is handed over (setEngineModule), there
 * is no host file to read, and a fuzz loop runs in the page itself.
 */
interface NodeBuiltins {
  fs: typeof import('node:fs');
  path: typeof import('node:path');
  url: typeof import('node:url');
  os: typeof import('node:os');
  child_process: typeof import('node:child_process');
  worker_threads: typeof import('node:worker_threads');
}

/** The built-in module, or undefined outside Node. */
export function nodeBuiltin<K extends keyof NodeBuiltins>(name: K): NodeBuiltins[K] | undefined {
  const g = globalThis as unknown as { process?: { getBuiltinModule?: (n: string) => unknown } };
  return g.process?.getBuiltinModule?.(name) as NodeBuiltins[K] | undefined;
}

/** The built-in module; outside Node an Error saying that `what` needs it. */
export function needNode<K extends keyof NodeBuiltins>(name: K, what: string): NodeBuiltins[K] {
  const m = nodeBuiltin(name);
  if (m === undefined) throw new Error(`sudsim: ${what} needs Node (node:${name})`);
  return m;
}
