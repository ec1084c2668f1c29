/**
 * The host files a dynamically linked program needs in the machine: its
 * interpreter (PT_INTERP), /etc/ld.so.cache, and the shared objects its
 * DT_NEEDED entries name, transitively, each found where glibc's ld.so
 * would find it and given under the path ld.so will open. The search per
 * needed name, as _dl_map_object makes it: a name with a slash as it is;
 * otherwise the DT_RPATH of the object that needs it and of the objects
 * that loaded that one up to the program (unless the object has a
 * DT_RUNPATH), LD_LIBRARY_PATH of the program's environment, the object's
 * DT_RUNPATH, then (unless the object is DF_1_NODEFLIB) ld.so.cache and
 * the system directories. $ORIGIN, $LIB and $PLATFORM are expanded as
 * this loader expands them. A name found nowhere is left out: the loader
 * in the machine then reports it as it does on the host.
 *
 *   for (const f of hostDependencies('/usr/bin/prog')) machine.addFile(f.path, f.data);
 */
import { nodeBuiltin } from '../engine/node_builtins.js';
import { readDynamic, type DynamicInfo } from './elf_dynamic.js';
import { readLdSoCache } from './ld_so_cache.js';

/** A file for the machine: the path the loader opens, the host file it was read from, its bytes. */
export interface HostFile {
  path: string;
  hostPath: string;
  data: Uint8Array;
}

export interface DependencyOptions {
  /** The directory relative paths are taken from, in the machine and on the host alike (default: this process's). */
  cwd?: string;
  /** The program's environment (NAME=VALUE): its LD_LIBRARY_PATH is searched as the loader searches it. */
  env?: readonly string[];
}

/** Debian's multiarch loader's system directories (what `ld.so --help` lists), then other distributions' 64-bit ones. */
const SYSTEM_DIRS = ['/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib', '/usr/lib', '/lib64', '/usr/lib64'];
const LD_SO_CACHE = '/etc/ld.so.cache';
/** What this loader puts for $LIB and $PLATFORM (ld.so --list-diagnostics: dl_dst_lib, dl_platform). */
const DST_LIB = 'lib/x86_64-linux-gnu';
const DST_PLATFORM = 'x86_64';

interface LoadedObject {
  path: string;
  info: DynamicInfo;
  loader: LoadedObject | undefined;
}

/** The host's file system and path rules: hostDependencies runs in Node only. */
function host(): { fs: typeof import('node:fs'); posix: typeof import('node:path').posix } {
  const fs = nodeBuiltin('fs');
  const path = nodeBuiltin('path');
  if (!fs || !path) throw new Error('sudsim: hostDependencies reads the host\'s files, which only Node can');
  return { fs, posix: path.posix };
}

function readHost(path: string): Uint8Array | undefined {
  try {
    return new Uint8Array(host().fs.readFileSync(path));
  } catch {
    return undefined;
  }
}

/** The dynamic information of an x86-64 ELF file, undefined for anything else (which the loader passes by). */
function dynamicOf(data: Uint8Array): DynamicInfo | undefined {
  try {
    return readDynamic(data);
  } catch {
    return undefined;
  }
}

/** The files program (a host path, also its path in the machine) needs to run there; none for a static program. */
export function hostDependencies(program: string, opts: DependencyOptions = {}): HostFile[] {
  const { posix } = host();
  const cwd = posix.resolve(opts.cwd ?? process.cwd());
  const programPath = posix.resolve(cwd, program);
  const programData = readHost(programPath);
  const programInfo = programData && dynamicOf(programData);
  if (!programInfo || programInfo.interp === undefined) return [];
  const files = new Map<string, HostFile>();
  const add = (path: string, data: Uint8Array): void => {
    if (!files.has(path)) files.set(path, { path, hostPath: path, data });
  };
  // the names ld.so knows its objects by (_dl_name_match_p): the paths opened, the names asked
  // for and their sonames
  const known = new Set<string>([programPath]);
  const interpPath = posix.resolve(cwd, programInfo.interp);
  const interpData = readHost(interpPath);
  if (interpData) {
    add(interpPath, interpData);
    known.add(interpPath);
    const soname = dynamicOf(interpData)?.soname;
    if (soname) known.add(soname);
  }
  const cacheData = readHost(LD_SO_CACHE);
  if (cacheData) add(LD_SO_CACHE, cacheData);
  const cache = cacheData ? readLdSoCache(cacheData) : new Map<string, string>();
  const env = opts.env ?? Object.entries(process.env).map(([k, v]) => `${k}=${v}`);
  const llp = env.filter((e) => e.startsWith('LD_LIBRARY_PATH=')).pop()?.slice('LD_LIBRARY_PATH='.length);

  const main: LoadedObject = { path: programPath, info: programInfo, loader: undefined };
  const expand = (s: string, obj: LoadedObject): string =>
    s.replace(/\$(\{ORIGIN\}|ORIGIN)/g, posix.dirname(obj.path))
      .replace(/\$(\{LIB\}|LIB)/g, DST_LIB)
      .replace(/\$(\{PLATFORM\}|PLATFORM)/g, DST_PLATFORM);
  const dirs = (list: string | undefined, obj: LoadedObject): string[] =>
    list === undefined ? [] : list.split(/[:;]/).map((d) => posix.resolve(cwd, d === '' ? '.' : expand(d, obj)));

  /** Where the loader finds name, needed by obj: the path it opens, with the file. */
  const find = (name: string, obj: LoadedObject): { path: string; data: Uint8Array; info: DynamicInfo } | undefined => {
    const tryPath = (path: string): { path: string; data: Uint8Array; info: DynamicInfo } | undefined => {
      const data = readHost(path);
      const info = data && dynamicOf(data);
      return data && info ? { path, data, info } : undefined;
    };
    if (name.includes('/')) return tryPath(posix.resolve(cwd, expand(name, obj)));
    const search: string[] = [];
    if (obj.info.runpath === undefined) {
      // the chain of loaders ends at the program, whose DT_RPATH comes last
      for (let l: LoadedObject | undefined = obj; l; l = l.loader) search.push(...dirs(l.info.rpath, l));
    }
    if (llp !== undefined) search.push(...dirs(llp, main));
    search.push(...dirs(obj.info.runpath, obj));
    for (const d of search) {
      const hit = tryPath(posix.join(d, name));
      if (hit) return hit;
    }
    if (obj.info.nodeflib) return undefined;
    const cached = cache.get(name);
    const hit = cached !== undefined ? tryPath(cached) : undefined;
    if (hit) return hit;
    for (const d of SYSTEM_DIRS) {
      const found = tryPath(posix.join(d, name));
      if (found) return found;
    }
    return undefined;
  };

  // breadth first, as the loader maps a level of dependencies before the next
  const queue: LoadedObject[] = [main];
  while (queue.length > 0) {
    const obj = queue.shift()!;
    for (const name of obj.info.needed) {
      if (known.has(name)) continue;
      const hit = find(name, obj);
      if (!hit) continue;
      known.add(name);
      if (known.has(hit.path)) continue;
      known.add(hit.path);
      if (hit.info.soname) known.add(hit.info.soname);
      add(hit.path, hit.data);
      queue.push({ path: hit.path, info: hit.info, loader: obj });
    }
  }
  return [...files.values()];
}
