/**
 * Node's built-in modules, fetched when a caller needs them rather than
 * imported: a static `import 'node:fs'` anywhere under the library's entry
 * point would keep it from loading in a browser, where the engine module is
 * handed over (setEngineModule) and there is no host file to read.
 */
export function nodeBuiltin<T>(name: 'fs' | 'path' | 'url'): T | undefined {
  const g = globalThis as unknown as { process?: { getBuiltinModule?: (n: string) => unknown } };
  return g.process?.getBuiltinModule?.(name) as T | undefined;
}
