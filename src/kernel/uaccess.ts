/**
 * The kernel's access to user memory (copy_from_user, copy_to_user,
 * strncpy_from_user): page by page through the engine's page walk, with the
 * task's permissions. A bad pointer raises EFAULT, never a host exception.
 */
import type { Engine } from '../engine/engine.js';
import { Errno, EFAULT, ENAMETOOLONG } from './errno.js';

const PAGE = 4096;

/** Host offset of a user address for the kernel, or 0 (bad address). */
function hostAddr(e: Engine, root: number, addr: bigint, write: boolean): number {
  if (addr < 0n || addr >= 0x800000000000n) return 0;
  return e.x.kernAddr(root, addr, write ? 1 : 0);
}

export function copyFromUser(e: Engine, root: number, addr: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let done = 0;
  while (done < len) {
    const a = addr + BigInt(done);
    const h = hostAddr(e, root, a, false);
    if (h === 0) throw new Errno(EFAULT);
    const n = Math.min(len - done, PAGE - Number(a & 0xfffn));
    out.set(e.u8.subarray(h, h + n), done);
    done += n;
  }
  return out;
}

export function copyToUser(e: Engine, root: number, addr: bigint, data: Uint8Array): void {
  // check every page first so a bad tail leaves memory unchanged
  const hosts: number[] = [];
  let done = 0;
  while (done < data.length) {
    const a = addr + BigInt(done);
    const h = hostAddr(e, root, a, true);
    if (h === 0) throw new Errno(EFAULT);
    hosts.push(h);
    done += Math.min(data.length - done, PAGE - Number(a & 0xfffn));
  }
  done = 0;
  for (const h of hosts) {
    const n = Math.min(data.length - done, PAGE - Number((addr + BigInt(done)) & 0xfffn));
    e.u8.set(data.subarray(done, done + n), h);
    done += n;
  }
}

/** Writes regardless of page permissions (exec loading, ptrace POKE). */
export function pokeUser(e: Engine, root: number, addr: bigint, data: Uint8Array): void {
  let done = 0;
  while (done < data.length) {
    const a = addr + BigInt(done);
    const h = e.x.kernAddrForce(root, a);
    if (h === 0) throw new Errno(EFAULT);
    const n = Math.min(data.length - done, PAGE - Number(a & 0xfffn));
    e.u8.set(data.subarray(done, done + n), h);
    done += n;
  }
}

/** Reads a NUL-terminated string of at most max bytes (ENAMETOOLONG past it). */
export function readCString(e: Engine, root: number, addr: bigint, max = 4096): Uint8Array {
  const parts: number[] = [];
  let a = addr;
  while (parts.length < max) {
    const h = hostAddr(e, root, a, false);
    if (h === 0) throw new Errno(EFAULT);
    const n = PAGE - Number(a & 0xfffn);
    const u8 = e.u8;
    for (let i = 0; i < n; i++) {
      const c = u8[h + i];
      if (c === 0) return Uint8Array.from(parts);
      parts.push(c);
      if (parts.length >= max) break;
    }
    a += BigInt(n);
  }
  throw new Errno(ENAMETOOLONG);
}

export function readU64(e: Engine, root: number, addr: bigint): bigint {
  const b = copyFromUser(e, root, addr, 8);
  return new DataView(b.buffer).getBigUint64(0, true);
}

export function writeU64(e: Engine, root: number, addr: bigint, v: bigint): void {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  copyToUser(e, root, addr, b);
}

export function writeU32(e: Engine, root: number, addr: bigint, v: number): void {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  copyToUser(e, root, addr, b);
}
