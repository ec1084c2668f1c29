/**
 * strace-style rendering of syscalls, signals and exits. The syscall table's
 * rows carry each argument's format, so one printer serves every syscall.
 *
 * Formats: d int, l long, u unsigned, x hex, p pointer, s string,
 * b buffer whose length is the next argument, B buffer written by the call
 * (length = result), o octal, - not shown.
 */
import { ERRNO_NAMES } from './errno.js';
import { signalName } from './signal_names.js';

const MAX_STR = 32;

export function quoteBytes(b: Uint8Array, max = MAX_STR): string {
  let s = '"';
  const n = Math.min(b.length, max);
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x0b) s += '\\v';
    else if (c === 0x0c) s += '\\f';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += '\\' + c.toString(8);
  }
  s += '"';
  if (b.length > max) s += '...';
  return s;
}

export function hex(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16);
}

/** Renders a return value: `3`, `0x7f...`, or `-1 ENOSYS (Function not implemented)`. */
export function formatReturn(v: bigint, kind: string): string {
  const s = BigInt.asIntN(64, v);
  if (s < 0n && s >= -4095n) {
    const e = Number(-s);
    const [name, desc] = ERRNO_NAMES[e] ?? [`E${e}`, `errno ${e}`];
    return `-1 ${name} (${desc})`;
  }
  if (kind === 'x' || kind === 'p') return v === 0n ? '0' : hex(v);
  return s.toString();
}

export function formatArg(fmt: string, v: bigint, read: (addr: bigint, len: number) => Uint8Array | undefined, next?: bigint): string {
  switch (fmt) {
    case 'd': return BigInt.asIntN(32, v).toString();
    case 'l': return BigInt.asIntN(64, v).toString();
    case 'u': return BigInt.asUintN(64, v).toString();
    case 'o': return '0' + BigInt.asUintN(32, v).toString(8);
    case 'p': return v === 0n ? 'NULL' : hex(v);
    case 'S': return signalName(Number(BigInt.asIntN(32, v)));
    case 's': {
      if (v === 0n) return 'NULL';
      const b = read(v, -1);
      return b ? quoteBytes(b) : hex(v);
    }
    case 'b': {
      if (v === 0n) return 'NULL';
      const n = Number(BigInt.asUintN(32, next ?? 0n));
      const b = read(v, Math.min(n, MAX_STR + 1));
      return b ? quoteBytes(b.subarray(0, Math.min(n, MAX_STR)), MAX_STR) + (n > MAX_STR ? '...' : '') : hex(v);
    }
    default: return hex(v);
  }
}

export function signalLine(sig: number, fields: string): string {
  return `--- ${signalName(sig)} {${fields}} ---`;
}

export function killedLine(sig: number, coreDumped: boolean): string {
  return `+++ killed by ${signalName(sig)}${coreDumped ? ' (core dumped)' : ''} +++`;
}

export function exitedLine(status: number): string {
  return `+++ exited with ${status} +++`;
}
