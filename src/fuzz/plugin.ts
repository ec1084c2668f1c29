/**
 * Plug-in models: another implementation's dispatch decision (an emulator's,
 * a patched kernel's) run inside the reference model and fuzzed against the
 * engine. A plug-in is an ES module exporting `decide` (a DecideFn) and,
 * optionally, `name` (a function exported as `<something>Decide` also
 * serves). `emulator` names the example shipped with sudsim.
 */
import type { Plugin } from './oracles.js';
import { nodeBuiltin } from '../engine/node_builtins.js';

export const BUILTIN_PLUGINS: Record<string, string> = {
  emulator: './models/emulator.js',
};

/** A file path's URL in Node (relative to the working directory); elsewhere spec is a URL, relative to the page. */
function moduleUrl(spec: string): string {
  const path = nodeBuiltin('path');
  const url = nodeBuiltin('url');
  return path && url ? url.pathToFileURL(path.resolve(spec)).href : new URL(spec, globalThis.location?.href).href;
}

export async function loadPlugin(spec: string): Promise<Plugin> {
  let mod: Record<string, unknown>;
  try {
    const url = BUILTIN_PLUGINS[spec] ? new URL(BUILTIN_PLUGINS[spec], import.meta.url).href : moduleUrl(spec);
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`sudsim: cannot load plug-in model ${spec}: ${(err as Error).message}`);
  }
  const named = Object.entries(mod).find(([k, v]) => /Decide$/.test(k) && typeof v === 'function')?.[1];
  const decide = (mod.decide ?? (mod.default as Record<string, unknown> | undefined)?.decide ?? mod.default ?? named) as Plugin['decide'] | undefined;
  if (typeof decide !== 'function') throw new Error(`sudsim: plug-in model ${spec} exports no decide(ctx) function`);
  const name = typeof mod.name === 'string' ? mod.name : spec.replace(/^.*\//, '').replace(/\.[cm]?js$/, '');
  return { name, decide };
}
