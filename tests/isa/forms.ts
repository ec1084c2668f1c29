/**
 * The table of instruction forms checked against the real CPU, and the random
 * case generators behind them. A form names one encoding family (mnemonic,
 * operand size, operand kinds); each case is that instruction with random
 * registers, operands, flags and memory, plus which of its outputs the Intel
 * SDM defines (only those are compared).
 */

import { readFileSync } from 'node:fs';
import { Rng as Sfc32 } from '../../src/fuzz/rng.js';

/**
 * CPU features of the host from /proc/cpuinfo. Without them some encodings
 * mean something else natively (lzcnt runs as bsr, tzcnt as bsf), so forms
 * that need them are left out.
 */
function hostFeatures(): Set<string> {
  try {
    const m = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return new Set(m ? m[1].trim().split(/\s+/) : []);
  } catch {
    return new Set();
  }
}
const HOST = hostFeatures();
const has = (f: string) => HOST.has(f);
/** cpuinfo flag needed by a mnemonic. */
const NEEDS: Record<string, string> = { lzcnt: 'abm', tzcnt: 'bmi1', popcnt: 'popcnt', cmpxchg16b: 'cx16', lahf: 'lahf_lm', sahf: 'lahf_lm' };

export const REG64 = [
  'rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi',
  'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15',
] as const;
export type Reg = (typeof REG64)[number];

const REG32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const REG16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
const REG8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'];
const HIGH8 = ['ah', 'ch', 'dh', 'bh'];

export const CF = 0x1;
export const PF = 0x4;
export const AF = 0x10;
export const ZF = 0x40;
export const SF = 0x80;
export const DF = 0x400;
export const OF = 0x800;
export const ARITH = CF | PF | AF | ZF | SF | OF;
export const FLAG_NAMES: [number, string][] = [[CF, 'CF'], [PF, 'PF'], [AF, 'AF'], [ZF, 'ZF'], [SF, 'SF'], [DF, 'DF'], [OF, 'OF']];

export type Size = 1 | 2 | 4 | 8;

/** The symbol fs points at (gs 256 bytes below it); set by the harness's prologue. */
export const SEG_ORIGIN = 'recs_start';
const SIZES: Size[] = [1, 2, 4, 8];
const WIDE: Size[] = [2, 4, 8];
export const SUF: Record<Size, string> = { 1: 'b', 2: 'w', 4: 'l', 8: 'q' };

export function regName(i: number, size: Size): string {
  return size === 8 ? REG64[i] : size === 4 ? REG32[i] : size === 2 ? REG16[i] : REG8[i];
}

/** The 64-bit register behind any register name, and the byte offset of the name within it. */
export function regOf(name: string): { reg: Reg; shift: number; size: Size } | undefined {
  for (let i = 0; i < 16; i++) {
    if (REG64[i] === name) return { reg: REG64[i], shift: 0, size: 8 };
    if (REG32[i] === name) return { reg: REG64[i], shift: 0, size: 4 };
    if (REG16[i] === name) return { reg: REG64[i], shift: 0, size: 2 };
    if (REG8[i] === name) return { reg: REG64[i], shift: 0, size: 1 };
  }
  const h = HIGH8.indexOf(name);
  if (h >= 0) return { reg: REG64[h], shift: 8, size: 1 };
  return undefined;
}

const M64 = (1n << 64n) - 1n;
export const mask = (size: number): bigint => (1n << BigInt(size * 8)) - 1n;
export const sx = (v: bigint, size: number): bigint => BigInt.asIntN(size * 8, v);
export const zx = (v: bigint, size: number): bigint => BigInt.asUintN(size * 8, v);

/**
 * sfc32, the fuzzer's generator (src/fuzz/rng.ts), seeded as these tests
 * always have been so that a printed SUDSIM_SEED replays; 64-bit values are
 * two draws.
 */
export class Rng {
  private readonly g: Sfc32;
  constructor(seed: number) {
    this.g = Sfc32.fromState(0x9e3779b9, 0x243f6a88, 0xb7e15162, seed >>> 0);
    for (let i = 0; i < 16; i++) this.g.u32();
  }
  u32(): number {
    return this.g.u32();
  }
  /** 0 <= n < k */
  int(k: number): number {
    return this.g.below(k);
  }
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
  bool(p = 0.5): boolean {
    return this.g.chance(p);
  }
  pick<T>(xs: readonly T[]): T {
    return this.g.pick(xs);
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.u32() & 0xff;
    return b;
  }
}

/** Values that sit on the edges of a width: 0, 1, all ones, the sign boundary. */
function edges(size: number): bigint[] {
  const m = mask(size);
  const s = 1n << BigInt(size * 8 - 1);
  return [0n, 1n, 2n, m, m - 1n, s, s - 1n, s + 1n, 0x7fn, 0x80n, 0xffn, 0x100n];
}

/** A random value for an operand of `size`, with random bits above it. */
export function val(r: Rng, size: number = r.pick(SIZES)): bigint {
  const full = r.u64();
  const k = r.int(8);
  if (k < 3) return full;
  let v: bigint;
  if (k < 6) v = r.pick(edges(size)) & mask(size);
  else v = BigInt(r.int(256)) * (r.bool() ? 1n : -1n);
  if (r.bool(0.3)) return BigInt.asUintN(64, sx(v, size));
  return (full & ~mask(size)) | (v & mask(size));
}

export interface Case {
  asm: string;
  /** Arithmetic flags whose output is defined (DF is always compared). */
  flagMask: number;
  /** Registers whose result is undefined. */
  ignoreRegs?: Reg[];
  /** The memory result is undefined. */
  ignoreMem?: boolean;
}

/**
 * Builds one case: registers default to random values, rsp to the middle of
 * the case's memory, flags to random arithmetic bits. `M` is the label of
 * the case's memory; `regs` values may be assembler expressions (addresses).
 */
export class Builder {
  regs: Partial<Record<Reg, bigint | string>> = {};
  flags: number;
  mem: Uint8Array;
  private used = new Set<Reg>(['rsp']);
  /** A high-byte register is in use: no REX prefix possible. */
  private noRex = false;
  private rexNeeded = false;
  constructor(readonly r: Rng, readonly M: string, readonly memSize: number) {
    this.flags = r.u32() & (ARITH | DF);
    this.mem = r.bytes(memSize);
  }

  /** Marks a register name as taken by the instruction. */
  take(name: string): string {
    const o = regOf(name)!;
    this.used.add(o.reg);
    if (HIGH8.includes(name)) this.noRex = true;
    if (/^(spl|bpl|sil|dil|r\d+[bwd]?)$/.test(name)) this.rexNeeded = true;
    return name;
  }

  /** The instruction will carry a REX prefix: ah..bh cannot be used. */
  rex(): void {
    this.rexNeeded = true;
  }

  /** A random register (not rsp) at size, not excluded; may repeat earlier picks unless `fresh`. */
  reg(size: Size, opts: { exclude?: Reg[]; fresh?: boolean; high?: boolean } = {}): string {
    const ex = new Set<Reg>(opts.exclude ?? []);
    ex.add('rsp');
    if (opts.fresh) for (const u of this.used) ex.add(u);
    const names: string[] = [];
    for (let i = 0; i < 16; i++) {
      if (ex.has(REG64[i])) continue;
      if (size === 1) {
        if (i >= 4 && this.noRex) continue;
        names.push(REG8[i]);
        if (i < 4 && !this.rexNeeded && opts.high !== false && !ex.has(REG64[i])) names.push(HIGH8[i]);
      } else {
        if (i >= 8 && this.noRex) continue;
        names.push(regName(i, size));
      }
    }
    // prefer the legacy byte registers half the time so ah..bh get exercised
    let pool = names;
    if (size === 1 && this.r.bool() && !this.rexNeeded) {
      const legacy = names.filter((n) => REG8.indexOf(n) < 4 || HIGH8.includes(n));
      if (legacy.length) pool = legacy;
    }
    return this.take(this.r.pick(pool));
  }

  /** Sets the bits of a register name (e.g. ah, r9w) within its 64-bit register. */
  set(name: string, v: bigint): void {
    const o = regOf(name)!;
    const cur = this.regs[o.reg];
    // an address register of a memory operand must keep its value
    if (typeof cur === 'string') throw new Error(`${o.reg} holds ${cur}; cannot set ${name}`);
    const base = typeof cur === 'bigint' ? cur : val(this.r, 8);
    const m = mask(o.size) << BigInt(o.shift);
    this.regs[o.reg] = (base & ~m & M64) | ((v << BigInt(o.shift)) & m);
  }

  get(name: string): bigint {
    const o = regOf(name)!;
    const cur = this.regs[o.reg];
    if (typeof cur === 'string') throw new Error(`${o.reg} holds ${cur}; cannot read ${name}`);
    if (cur === undefined) {
      this.regs[o.reg] = val(this.r, o.size);
      return this.get(name);
    }
    return (cur >> BigInt(o.shift)) & mask(o.size);
  }

  setMem(off: number, v: bigint, size: number): void {
    for (let i = 0; i < size; i++) this.mem[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
  }

  getMem(off: number, size: number): bigint {
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.mem[off + i]);
    return v;
  }

  /**
   * A memory operand addressing M+off, in a random addressing mode:
   * rip-relative, base + disp, base + index*scale + disp, or index only.
   */
  memAt(off: number, exclude: Reg[] = []): string {
    const mode = this.r.int(7);
    if (mode === 0) return `${this.M}+${off}(%rip)`;
    // gs base is set 256 bytes below the records by the program's prologue
    if (mode === 6) return `%gs:${this.M}-${SEG_ORIGIN}+${off + 256}`;
    const free = REG64.filter((g, i) => !this.used.has(g) && !exclude.includes(g) && !(this.noRex && i >= 8));
    if (free.length < 2) return `${this.M}+${off}(%rip)`;
    const base = this.r.pick(free);
    this.used.add(base);
    if (REG64.indexOf(base) >= 8) this.rexNeeded = true;
    const disp = this.r.pick([0, 8, -8, 127, -128, 1000, -4096]);
    if (mode === 1) {
      this.regs[base] = `${this.M}+${off - disp}`;
      return `${disp}(%${base})`;
    }
    if (mode === 5) {
      // fs base is the records' start
      this.regs[base] = `${this.M}-${SEG_ORIGIN}+${off - disp}`;
      return `%fs:${disp}(%${base})`;
    }
    const idx = this.r.pick(free.filter((g) => g !== base));
    this.used.add(idx);
    if (REG64.indexOf(idx) >= 8) this.rexNeeded = true;
    const scale = this.r.pick([1, 2, 4, 8]);
    const k = this.r.range(-40, 40);
    this.regs[idx] = BigInt.asUintN(64, BigInt(k));
    if (mode === 2) {
      this.regs[base] = `${this.M}+${off - disp - k * scale}`;
      return `${disp}(%${base},%${idx},${scale})`;
    }
    if (mode === 4) {
      // 32-bit address size: the upper halves of base and index are ignored
      const hi = () => BigInt.asIntN(64, BigInt(this.r.u32()) << 32n);
      this.regs[base] = `${this.M}+${off - disp - k * scale}+(${hi()})`;
      this.regs[idx] = BigInt.asUintN(64, hi()) | BigInt.asUintN(32, BigInt(k));
      const e = (g: Reg) => regName(REG64.indexOf(g), 4);
      return `${disp}(%${e(base)},%${e(idx)},${scale})`;
    }
    // no base: the displacement carries the address (needs a 32-bit absolute address)
    this.regs[idx] = BigInt(k + 1000);
    return `${this.M}+${off - (k + 1000) * scale}(,%${idx},${scale})`;
  }

  /** Starts the next instruction of a sequence: REX constraints are per instruction. */
  next(): void {
    this.noRex = false;
    this.rexNeeded = false;
  }

  /** A register or memory operand (the memory at M+off). */
  rm(size: Size, off = 0, exclude: Reg[] = []): { text: string; mem: boolean } {
    if (this.r.bool()) return { text: `%${this.reg(size, { exclude })}`, mem: false };
    return { text: this.memAt(off, exclude), mem: true };
  }
}

/** Offset of the page boundary in the memory of a `pageCross` form. */
export const PAGE_CROSS = 16;

export interface Form {
  name: string;
  /** Place the case's memory so that a page boundary falls at M+PAGE_CROSS. */
  pageCross?: boolean;
  /** A /proc/cpuinfo flag the host needs for this form. */
  needs?: string;
  /** Bytes of memory per case (default 32); rsp starts in its middle. */
  memSize?: number;
  cases?: number;
  gen(b: Builder): Case;
}

export interface Group {
  name: string;
  forms: Form[];
}

// ---------------------------------------------------------------- helpers

function hex(v: bigint): string {
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

function imm8(r: Rng): bigint {
  return r.bool(0.3) ? r.pick([0n, 1n, -1n, 127n, -128n, 2n, 0x40n]) : BigInt(r.range(-128, 127));
}

/** An immediate that needs the full-width encoding (imm8 for byte ops). */
function immFull(r: Rng, size: Size): bigint {
  if (size === 1) return BigInt(r.range(-128, 255));
  for (;;) {
    let v: bigint;
    if (size === 2) v = BigInt(r.range(-32768, 65535));
    else v = r.bool(0.3) ? r.pick([0x7fffffffn, -0x80000000n, 0x80n, -0x81n, 0x12345678n]) : sx(BigInt(r.u32()), 4);
    if (v < -128n || v > 127n) return v;
  }
}

/** A shift count: mostly 0..70, with the width edges and some up to 255. */
function count(r: Rng, size: Size): number {
  const bits = size * 8;
  const k = r.int(10);
  if (k < 3) return r.pick([0, 1, 2, bits - 1, bits, bits + 1, 31, 32, 33, 63, 64, 65, 9, 17]);
  if (k < 9) return r.int(71);
  return r.int(256);
}

const form = (name: string, gen: (b: Builder) => Case, extra: Partial<Form> = {}): Form => ({ name, gen, ...extra });

const bitsOf = (s: Size) => s * 8;

// ---------------------------------------------------------------- groups

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const LOGIC = new Set(['and', 'or', 'xor', 'test']);
const ACC: Record<Size, string> = { 1: 'al', 2: 'ax', 4: 'eax', 8: 'rax' };

function aluForms(): Form[] {
  const out: Form[] = [];
  for (const op of [...ALU, 'test']) {
    const fm = LOGIC.has(op) ? ARITH & ~AF : ARITH;
    for (const size of SIZES) {
      const s = SUF[size];
      const w = bitsOf(size);
      out.push(form(`${op} r${w}, r${w}`, (b) => {
        const x = b.reg(size);
        const y = b.reg(size);
        return { asm: `${op}${s} %${x}, %${y}`, flagMask: fm };
      }));
      out.push(form(`${op} m${w}, r${w}`, (b) => {
        const x = b.reg(size);
        return { asm: `${op}${s} %${x}, ${b.memAt(8)}`, flagMask: fm };
      }));
      if (op !== 'test') {
        out.push(form(`${op} r${w}, m${w}`, (b) => {
          const x = b.reg(size);
          return { asm: `${op}${s} ${b.memAt(8)}, %${x}`, flagMask: fm };
        }));
      }
      if (size > 1 && op !== 'test') {
        out.push(form(`${op} r/m${w}, imm8`, (b) => {
          return { asm: `${op}${s} $${hex(imm8(b.r))}, ${b.rm(size, 8).text}`, flagMask: fm };
        }));
      }
      out.push(form(`${op} r/m${w}, imm${Math.min(w, 32)}`, (b) => {
        return { asm: `${op}${s} $${hex(immFull(b.r, size))}, ${b.rm(size, 8).text}`, flagMask: fm };
      }));
      out.push(form(`${op} ${ACC[size]}, imm${Math.min(w, 32)}`, (b) => {
        b.take(ACC[size]);
        return { asm: `${op}${s} $${hex(immFull(b.r, size))}, %${ACC[size]}`, flagMask: fm };
      }));
    }
  }
  return out;
}

function unaryForms(): Form[] {
  const out: Form[] = [];
  for (const op of ['inc', 'dec', 'neg', 'not']) {
    for (const size of SIZES) {
      out.push(form(`${op} r/m${bitsOf(size)}`, (b) => ({ asm: `${op}${SUF[size]} ${b.rm(size, 8).text}`, flagMask: ARITH })));
    }
  }
  return out;
}

/** Defined flags of a shift or rotate by `cnt` (before masking). */
function shiftMask(op: string, size: Size, cnt: number): number {
  const c = cnt & (size === 8 ? 63 : 31);
  if (c === 0) return ARITH; // nothing changes
  let m = ARITH;
  if (c !== 1) m &= ~OF;
  if (op === 'shl' || op === 'shr' || op === 'sar') {
    m &= ~AF;
    if ((op === 'shl' || op === 'shr') && c >= size * 8) m &= ~CF;
  }
  return m;
}

function shiftForms(): Form[] {
  const out: Form[] = [];
  for (const op of ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sar']) {
    for (const size of SIZES) {
      const s = SUF[size];
      const w = bitsOf(size);
      out.push(form(`${op} r/m${w}, imm8`, (b) => {
        const c = count(b.r, size);
        return { asm: `${op}${s} $${c}, ${b.rm(size, 8).text}`, flagMask: shiftMask(op, size, c) };
      }));
      out.push(form(`${op} r/m${w}, 1`, (b) => ({ asm: `${op}${s} ${b.rm(size, 8).text}`, flagMask: shiftMask(op, size, 1) })));
      out.push(form(`${op} r/m${w}, cl`, (b) => {
        const c = count(b.r, size);
        b.take('rcx');
        b.set('cl', BigInt(c));
        const dst = b.rm(size, 8, ['rcx']).text;
        return { asm: `${op}${s} %cl, ${dst}`, flagMask: shiftMask(op, size, c) };
      }));
    }
  }
  for (const op of ['shld', 'shrd']) {
    for (const size of WIDE) {
      const s = SUF[size];
      const w = bitsOf(size);
      const gen = (b: Builder, byCl: boolean): Case => {
        const cnt = count(b.r, size);
        const c = cnt & (size === 8 ? 63 : 31);
        if (byCl) {
          b.take('rcx');
          b.set('cl', BigInt(cnt));
        }
        const src = b.reg(size, { exclude: byCl ? ['rcx'] : [] });
        const dst = b.rm(size, 8, byCl ? ['rcx'] : []);
        const asm = `${op}${s} ${byCl ? '%cl' : `$${cnt}`}, %${src}, ${dst.text}`;
        if (c > w) {
          // result and flags undefined
          const o = dst.mem ? undefined : regOf(dst.text.slice(1))!.reg;
          return { asm, flagMask: 0, ignoreRegs: o ? [o] : [], ignoreMem: dst.mem };
        }
        return { asm, flagMask: c === 0 ? ARITH : ARITH & ~AF & ~(c === 1 ? 0 : OF) };
      };
      out.push(form(`${op} r/m${w}, r${w}, imm8`, (b) => gen(b, false)));
      out.push(form(`${op} r/m${w}, r${w}, cl`, (b) => gen(b, true)));
    }
  }
  return out;
}

/** A dividend (as 2*size-bit value) and divisor whose quotient fits. */
function divOperands(r: Rng, size: Size, signed: boolean): { n: bigint; d: bigint } {
  const w = BigInt(size * 8);
  for (;;) {
    let d = val(r, size) & mask(size);
    if (r.bool(0.3)) d = BigInt(r.range(1, 20)) & mask(size);
    if (d === 0n) continue;
    if (!signed) {
      const hi = r.bool(0.3) ? 0n : (val(r, size) & mask(size)) % d;
      const lo = val(r, size) & mask(size);
      return { n: (hi << w) | lo, d };
    }
    const sd = sx(d, size);
    // quotient q and remainder rm, |rm| < |d|, with the dividend's sign
    const qmax = (1n << (w - 1n)) - 1n;
    let q = sx(val(r, size), size);
    if (r.bool(0.2)) q = r.pick([qmax, -qmax - 1n, 0n, 1n, -1n]);
    const ad = sd < 0n ? -sd : sd;
    const rm = ad === 1n ? 0n : BigInt.asUintN(64, r.u64()) % ad;
    let n = q * sd;
    n = n < 0n || (n === 0n && r.bool()) ? n - rm : n + rm;
    const lim = 1n << (2n * w - 1n);
    if (n >= lim || n < -lim) continue;
    // truncating division must give back q
    if (n / sd !== q) continue;
    return { n: BigInt.asUintN(Number(2n * w), n), d };
  }
}

function mulDivForms(): Form[] {
  const out: Form[] = [];
  for (const op of ['mul', 'imul', 'div', 'idiv']) {
    for (const size of SIZES) {
      const s = SUF[size];
      out.push(form(`${op} r/m${bitsOf(size)}`, (b) => {
        if (op === 'mul' || op === 'imul') {
          return { asm: `${op}${s} ${b.rm(size, 8).text}`, flagMask: CF | OF };
        }
        const { n, d } = divOperands(b.r, size, op === 'idiv');
        b.take('rax');
        b.take('rdx');
        const w = BigInt(size * 8);
        if (size === 1) b.set('ax', n);
        else {
          b.set(regName(0, size), n & mask(size));
          b.set(regName(2, size), n >> w);
        }
        const src = b.rm(size, 8, ['rax', 'rdx']);
        if (src.mem) b.setMem(8, d, size);
        else b.set(src.text.slice(1), d);
        return { asm: `${op}${s} ${src.text}`, flagMask: 0 };
      }));
    }
  }
  for (const size of WIDE) {
    const s = SUF[size];
    const w = bitsOf(size);
    out.push(form(`imul r${w}, r/m${w}`, (b) => {
      const src = b.rm(size, 8).text;
      return { asm: `imul${s} ${src}, %${b.reg(size)}`, flagMask: CF | OF };
    }));
    out.push(form(`imul r${w}, r/m${w}, imm8`, (b) => {
      const src = b.rm(size, 8).text;
      return { asm: `imul${s} $${hex(imm8(b.r))}, ${src}, %${b.reg(size)}`, flagMask: CF | OF };
    }));
    out.push(form(`imul r${w}, r/m${w}, imm${Math.min(w, 32)}`, (b) => {
      const src = b.rm(size, 8).text;
      return { asm: `imul${s} $${hex(immFull(b.r, size))}, ${src}, %${b.reg(size)}`, flagMask: CF | OF };
    }));
  }
  return out;
}

function bitForms(): Form[] {
  const out: Form[] = [];
  for (const op of ['bt', 'bts', 'btr', 'btc']) {
    for (const size of WIDE) {
      const s = SUF[size];
      const w = bitsOf(size);
      const fm = CF | ZF; // ZF unaffected; OF SF AF PF undefined
      out.push(form(`${op} r${w}, r${w}`, (b) => {
        const x = b.reg(size);
        return { asm: `${op}${s} %${x}, %${b.reg(size)}`, flagMask: fm };
      }));
      out.push(form(`${op} r${w}, imm8`, (b) => ({ asm: `${op}${s} $${b.r.int(256)}, %${b.reg(size)}`, flagMask: fm })));
      out.push(form(`${op} m${w}, imm8`, (b) => ({ asm: `${op}${s} $${b.r.int(256)}, ${b.memAt(8)}`, flagMask: fm })));
      // a register bit offset reaches memory far from the operand, either side
      out.push(form(`${op} m${w}, r${w}`, (b) => {
        const x = b.reg(size);
        const off = BigInt(b.r.bool(0.2) ? b.r.range(-70, 70) : b.r.range(-2000, 2000));
        b.set(x, BigInt.asUintN(size * 8, off));
        return { asm: `${op}${s} %${x}, ${b.memAt(256)}`, flagMask: fm };
      }, { memSize: 512 }));
    }
  }
  const scanVal = (b: Builder, size: Size): bigint => {
    const k = b.r.int(8);
    if (k === 0) return 0n;
    if (k === 1) return 1n << BigInt(b.r.int(size * 8));
    if (k < 5) {
      let v = 0n;
      const n = b.r.range(1, 3);
      for (let i = 0; i < n; i++) v |= 1n << BigInt(b.r.int(size * 8));
      return v;
    }
    return val(b.r, size) & mask(size);
  };
  for (const op of ['bsf', 'bsr', 'tzcnt', 'lzcnt', 'popcnt']) {
    for (const size of WIDE) {
      const s = SUF[size];
      const w = bitsOf(size);
      out.push(form(`${op} r${w}, r/m${w}`, (b) => {
        const v = scanVal(b, size);
        const src = b.rm(size, 8);
        if (src.mem) b.setMem(8, v, size);
        else b.set(src.text.slice(1), v);
        const dst = b.reg(size);
        const asm = `${op}${s} ${src.text}, %${dst}`;
        if (op === 'bsf' || op === 'bsr') {
          // Intel leaves the destination undefined for a zero source
          return { asm, flagMask: ZF, ignoreRegs: v === 0n ? [regOf(dst)!.reg] : [] };
        }
        if (op === 'popcnt') return { asm, flagMask: ARITH };
        return { asm, flagMask: CF | ZF };
      }, { needs: NEEDS[op] }));
    }
  }
  for (const size of [4, 8] as Size[]) {
    out.push(form(`bswap r${bitsOf(size)}`, (b) => ({ asm: `bswap %${b.reg(size)}`, flagMask: ARITH })));
  }
  return out;
}

function exchangeForms(): Form[] {
  const out: Form[] = [];
  for (const size of SIZES) {
    const s = SUF[size];
    const w = bitsOf(size);
    out.push(form(`xchg r${w}, r${w}`, (b) => ({ asm: `xchg${s} %${b.reg(size)}, %${b.reg(size)}`, flagMask: ARITH })));
    out.push(form(`xchg m${w}, r${w}`, (b) => ({ asm: `xchg${s} %${b.reg(size)}, ${b.memAt(8)}`, flagMask: ARITH })));
    if (size > 1) {
      out.push(form(`xchg ${ACC[size]}, r${w} (90+r)`, (b) => {
        b.take('rax');
        return { asm: `xchg${s} %${ACC[size]}, %${b.reg(size, { exclude: ['rax'] })}`, flagMask: ARITH };
      }));
    }
    for (const lock of ['', 'lock ']) {
      out.push(form(`${lock}cmpxchg r/m${w}, r${w}`, (b) => {
        b.take(ACC[size]);
        const src = b.reg(size);
        const dst = b.r.bool(0.1) && !lock ? { text: `%${ACC[size]}`, mem: false } : b.rm(size, 8, ['rax']);
        if (lock && !dst.mem) return { asm: `cmpxchg${s} %${src}, ${dst.text}`, flagMask: ARITH };
        if (b.r.bool()) {
          const a = b.get(ACC[size]);
          if (dst.mem) b.setMem(8, a, size);
          else b.set(dst.text.slice(1), a);
        }
        return { asm: `${lock}cmpxchg${s} %${src}, ${dst.text}`, flagMask: ARITH };
      }));
      out.push(form(`${lock}xadd r/m${w}, r${w}`, (b) => {
        const src = b.reg(size);
        const dst = lock ? { text: b.memAt(8) } : b.rm(size, 8);
        return { asm: `${lock}xadd${s} %${src}, ${dst.text}`, flagMask: ARITH };
      }));
    }
    out.push(form(`lock add m${w}, r${w}`, (b) => ({ asm: `lock add${s} %${b.reg(size)}, ${b.memAt(8)}`, flagMask: ARITH })));
    out.push(form(`lock dec m${w}`, (b) => ({ asm: `lock dec${s} ${b.memAt(8)}`, flagMask: ARITH })));
    if (size > 1) {
      out.push(form(`lock btc m${w}, r${w}`, (b) => {
        const x = b.reg(size);
        b.set(x, BigInt(b.r.range(-100, 100)) & mask(size));
        return { asm: `lock btc${s} %${x}, ${b.memAt(32)}`, flagMask: CF | ZF };
      }, { memSize: 64 }));
    }
  }
  return out;
}

const CCS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

/** An instruction that sets flags, with operands that make every condition happen. */
function producer(b: Builder): { asm: string; flagMask: number } {
  const r = b.r;
  const size = r.pick(SIZES);
  const s = SUF[size];
  const pair = (): [string, string] => {
    const x = b.reg(size);
    const y = b.reg(size, { exclude: [regOf(x)!.reg] });
    const pool = [0n, 1n, mask(size), 1n << BigInt(size * 8 - 1), (1n << BigInt(size * 8 - 1)) - 1n, 2n];
    const vx = r.bool(0.6) ? r.pick(pool) : val(r, size);
    const vy = r.bool(0.3) ? vx : r.bool(0.3) ? vx + BigInt(r.range(-1, 1)) : r.bool(0.5) ? r.pick(pool) : val(r, size);
    b.set(x, vx & mask(size));
    b.set(y, vy & mask(size));
    return [x, y];
  };
  const k = r.int(12);
  if (k < 4) {
    const op = r.pick(['cmp', 'sub', 'add', 'adc', 'sbb']);
    const [x, y] = pair();
    return { asm: `${op}${s} %${x}, %${y}`, flagMask: ARITH };
  }
  if (k < 6) {
    const op = r.pick(['test', 'and', 'or', 'xor']);
    const [x, y] = pair();
    return { asm: `${op}${s} %${x}, %${y}`, flagMask: ARITH & ~AF };
  }
  if (k < 8) {
    const op = r.pick(['inc', 'dec', 'neg']);
    const [x] = pair();
    return { asm: `${op}${s} %${x}`, flagMask: ARITH };
  }
  if (k < 9) {
    const op = r.pick(['shl', 'shr', 'sar']);
    const [x] = pair();
    return { asm: `${op}${s} %${x}`, flagMask: ARITH & ~AF };
  }
  if (k < 10) {
    // cmp with memory, immediate: the decoder's other paths
    const v = r.bool() ? imm8(r) : 0n;
    b.setMem(8, r.bool() ? v : val(r, size), size);
    return { asm: `cmp${s} $${hex(v)}, ${b.memAt(8)}`, flagMask: ARITH };
  }
  // flags straight from popf
  return { asm: 'nop', flagMask: ARITH };
}

function condForms(): Form[] {
  const out: Form[] = [];
  for (const cc of CCS) {
    out.push(form(`set${cc} r/m8`, (b) => {
      const p = producer(b);
      return { asm: `${p.asm}\nset${cc} ${b.rm(1, 0).text}`, flagMask: p.flagMask };
    }));
    out.push(form(`cmov${cc} r, r/m (16/32/64)`, (b) => {
      const p = producer(b);
      const size = b.r.pick(WIDE);
      const src = b.rm(size, 0).text;
      return { asm: `${p.asm}\ncmov${cc}${SUF[size]} ${src}, %${b.reg(size)}`, flagMask: p.flagMask };
    }));
    out.push(form(`j${cc} rel8/rel32`, (b) => {
      const p = producer(b);
      const t = b.reg(8, { fresh: true });
      const far = b.r.bool() ? '{disp32} ' : '';
      return { asm: `${p.asm}\n${far}j${cc} 1f\nlea 1(%${t}), %${t}\n1:`, flagMask: p.flagMask };
    }));
  }
  return out;
}

function stringForms(): Form[] {
  const out: Form[] = [];
  for (const op of ['movs', 'stos', 'lods', 'cmps', 'scas']) {
    const reps = op === 'cmps' || op === 'scas' ? ['', 'repe ', 'repne '] : ['', 'rep '];
    for (const size of SIZES) {
      for (const rep of reps) {
        for (const dir of ['cld', 'std']) {
          out.push(form(`${rep}${op}${SUF[size]} (${dir})`, (b) => {
            const r = b.r;
            const n = rep ? (r.bool(0.1) ? 0 : r.range(1, 16)) : 1;
            if (rep) b.regs.rcx = BigInt(n);
            // elements [start - (n-1)*size, start + size) for std, [start, start + n*size) for cld
            const start = () => (dir === 'cld' ? r.int(129) : r.range(120, 256 - size));
            let si = start();
            let di = start();
            if (op === 'movs' && r.bool()) {
              // overlapping copies must behave as element-by-element moves
              di = Math.max(0, Math.min(dir === 'cld' ? 128 : 248, si + r.range(-16, 16)));
            }
            if ((op === 'cmps') && r.bool(0.7)) di = (si + 64 * r.range(-1, 1) + 256) % 256;
            if (dir === 'std') di = Math.max(di, 120);
            else di = Math.min(di, 128);
            b.regs.rsi = `${b.M}+${si}`;
            b.regs.rdi = `${b.M}+${di}`;
            if (op === 'cmps' || op === 'scas') {
              // a repeating pattern with a few bytes flipped makes runs of equal elements
              const pat = r.bytes(8);
              for (let i = 0; i < b.memSize; i++) b.mem[i] = pat[i % 8];
              for (let f = r.int(4); f > 0; f--) b.mem[r.int(b.memSize)] ^= 1 << r.int(8);
              if (op === 'scas' && r.bool(0.7)) b.set(ACC[size], b.getMem(di, size));
            }
            return { asm: `${dir}\n${rep}${op}${SUF[size]}`, flagMask: ARITH };
          }, { memSize: 256, cases: 16 }));
        }
      }
    }
  }
  return out;
}

/** Counts past the engine's 4096-iteration chunk, so a rep instruction resumes itself. */
function longStringForms(): Form[] {
  const half = 49152;
  const big = { memSize: 2 * half, cases: 2 };
  const out: Form[] = [];
  for (const dir of ['cld', 'std']) {
    for (const op of ['rep movs', 'rep stos', 'repe cmps', 'repne scas']) {
      out.push(form(`${op} with counts above 4096 (${dir})`, (b) => {
        const size = b.r.pick(SIZES);
        const n = b.r.range(4097, 6000);
        const span = n * size;
        // a repeating pattern with scattered flips: long equal runs for cmps/scas, and
        // the assembler source stays small (the harness emits repeats with .rept)
        const pat = b.r.bytes(8);
        for (let i = 0; i < b.memSize; i++) b.mem[i] = pat[i % 8];
        const flips = op === 'repe cmps' || op === 'repne scas' ? 1 : 40;
        for (let f = 0; f < flips; f++) b.mem[b.r.int(b.memSize)] ^= 1 << b.r.int(8);
        // source in the first half, destination in the second, or overlapping the source
        const lo = (x: number) => (dir === 'cld' ? x : x + span - size);
        const si = b.r.range(0, half - span);
        let di = b.r.bool(0.3) && op === 'rep movs' ? si + b.r.range(1, 64) : b.r.range(half, 2 * half - span);
        if (op === 'repe cmps') di -= (di - si) % 8; // equal elements line up
        b.regs.rsi = `${b.M}+${lo(si)}`;
        b.regs.rdi = `${b.M}+${lo(di)}`;
        b.regs.rcx = BigInt(n);
        if (op === 'repne scas') b.set(ACC[size], b.r.u64() & mask(size));
        return { asm: `${dir}\n${op}${SUF[size]}`, flagMask: ARITH };
      }, big));
    }
  }
  return out;
}

function movForms(): Form[] {
  const out: Form[] = [];
  for (const size of SIZES) {
    const s = SUF[size];
    const w = bitsOf(size);
    out.push(form(`mov r${w}, r${w}`, (b) => ({ asm: `mov${s} %${b.reg(size)}, %${b.reg(size)}`, flagMask: ARITH })));
    out.push(form(`mov m${w}, r${w}`, (b) => ({ asm: `mov${s} %${b.reg(size)}, ${b.memAt(8)}`, flagMask: ARITH })));
    out.push(form(`mov r${w}, m${w}`, (b) => ({ asm: `mov${s} ${b.memAt(8)}, %${b.reg(size)}`, flagMask: ARITH })));
    out.push(form(`mov r/m${w}, imm${Math.min(w, 32)}`, (b) => ({
      asm: `mov${s} $${hex(b.r.bool() ? immFull(b.r, size) : imm8(b.r))}, ${b.rm(size, 8).text}`, flagMask: ARITH,
    })));
    out.push(form(`movabs ${ACC[size]}, moffs / moffs, ${ACC[size]}`, (b) => {
      b.take('rax');
      const off = b.r.int(16);
      return { asm: b.r.bool() ? `movabs ${b.M}+${off}, %${ACC[size]}` : `movabs %${ACC[size]}, ${b.M}+${off}`, flagMask: ARITH };
    }));
  }
  out.push(form('movabs r64, imm64', (b) => ({ asm: `movabs $${hex(val(b.r, 8))}, %${b.reg(8)}`, flagMask: ARITH })));
  out.push(form('mov r32, imm32 (B8+r)', (b) => ({ asm: `movl $${hex(BigInt(b.r.u32()))}, %${b.reg(4)}`, flagMask: ARITH })));
  out.push(form('mov r8, imm8 (B0+r)', (b) => ({ asm: `movb $${hex(imm8(b.r))}, %${b.reg(1)}`, flagMask: ARITH })));
  const ext: [string, Size, Size][] = [
    ['movzbw', 1, 2], ['movzbl', 1, 4], ['movzbq', 1, 8], ['movzwl', 2, 4], ['movzwq', 2, 8],
    ['movsbw', 1, 2], ['movsbl', 1, 4], ['movsbq', 1, 8], ['movswl', 2, 4], ['movswq', 2, 8], ['movslq', 4, 8],
  ];
  for (const [op, from, to] of ext) {
    out.push(form(`${op} r${bitsOf(to)}, r/m${bitsOf(from)}`, (b) => {
      if (to === 8) b.rex();
      const src = b.rm(from, 8).text;
      return { asm: `${op} ${src}, %${b.reg(to)}`, flagMask: ARITH };
    }));
  }
  // lea: every addressing shape, with the destination at each size
  for (const size of WIDE) {
    const w = bitsOf(size);
    out.push(form(`lea r${w}, [base + index*scale + disp]`, (b) => {
      const base = b.r.bool(0.15) ? 'rsp' : b.reg(8);
      const idx = b.reg(8);
      const disp = b.r.pick([0, 1, -1, 127, -128, 128, 0x12345678, -0x80000000, b.r.range(-5000, 5000)]);
      const dst = b.reg(size);
      return { asm: `lea ${disp}(%${base},%${idx},${b.r.pick([1, 2, 4, 8])}), %${dst}`, flagMask: ARITH };
    }));
    out.push(form(`lea r${w}, [base + disp] (rbp/r13/rsp/r12 encodings)`, (b) => {
      const base = b.r.bool(0.5) ? b.r.pick(['rbp', 'r13', 'rsp', 'r12']) : b.reg(8);
      const disp = b.r.pick([0, 8, -8, 0x7fffffff, b.r.range(-200, 200)]);
      return { asm: `lea ${disp === 0 ? '' : disp}(%${base}), %${b.reg(size)}`, flagMask: ARITH };
    }));
    out.push(form(`lea r${w}, [index*scale + disp32]`, (b) => {
      const idx = b.reg(8);
      return { asm: `lea ${b.r.range(-100000, 100000)}(,%${idx},${b.r.pick([1, 2, 4, 8])}), %${b.reg(size)}`, flagMask: ARITH };
    }));
    out.push(form(`lea r${w}, [rip + disp32]`, (b) => ({ asm: `lea ${b.M}+${b.r.range(-64, 64)}(%rip), %${b.reg(size)}`, flagMask: ARITH })));
    out.push(form(`lea r${w}, [e32 base + index*scale + disp] (addr32)`, (b) => {
      const base = regName(REG64.indexOf(regOf(b.reg(8))!.reg), 4);
      const idx = regName(REG64.indexOf(regOf(b.reg(8))!.reg), 4);
      return { asm: `lea ${b.r.range(-300, 300)}(%${base},%${idx},${b.r.pick([1, 2, 4, 8])}), %${b.reg(size)}`, flagMask: ARITH };
    }));
  }
  out.push(form('lea r64, [abs disp32]', (b) => ({ asm: `lea ${b.r.range(0, 0x7fffffff)}, %${b.reg(8)}`, flagMask: ARITH })));
  return out;
}

function stackForms(): Form[] {
  const ms = { memSize: 64 };
  return [
    form('push r64', (b) => ({ asm: `push %${b.reg(8)}`, flagMask: ARITH }), ms),
    form('push rsp', () => ({ asm: 'push %rsp', flagMask: ARITH }), ms),
    form('push r16', (b) => ({ asm: `pushw %${b.reg(2)}`, flagMask: ARITH }), ms),
    form('push imm8', (b) => ({ asm: `pushq $${hex(imm8(b.r))}`, flagMask: ARITH }), ms),
    form('push imm32', (b) => ({ asm: `pushq $${hex(immFull(b.r, 4))}`, flagMask: ARITH }), ms),
    form('push imm16', (b) => ({ asm: `pushw $${hex(immFull(b.r, 2))}`, flagMask: ARITH }), ms),
    form('push m64', (b) => ({ asm: `pushq ${b.memAt(b.r.range(0, 56))}`, flagMask: ARITH }), ms),
    form('push m16', (b) => ({ asm: `pushw ${b.memAt(b.r.range(0, 56))}`, flagMask: ARITH }), ms),
    form('pop r64', (b) => ({ asm: `pop %${b.reg(8)}`, flagMask: ARITH }), ms),
    form('pop r16', (b) => ({ asm: `popw %${b.reg(2)}`, flagMask: ARITH }), ms),
    form('pop rsp', () => ({ asm: 'pop %rsp', flagMask: ARITH }), ms),
    form('pop m64', (b) => ({ asm: `popq ${b.memAt(b.r.range(0, 56))}`, flagMask: ARITH }), ms),
    form('pop m16', (b) => ({ asm: `popw ${b.memAt(b.r.range(0, 56))}`, flagMask: ARITH }), ms),
    // the address of a pop's memory operand uses rsp after the pop
    form('pop [rsp + disp]', (b) => ({ asm: `popq ${b.r.range(-16, 16)}(%rsp)`, flagMask: ARITH }), ms),
    form('pushf/popf round trip', (b) => {
      const x = b.reg(8, { exclude: ['rax'] });
      b.set(x, BigInt(b.r.u32() & (ARITH | DF)) | 0x202n);
      return { asm: `push %${x}\npopfq\npushfq\npop %rax`, flagMask: ARITH };
    }, ms),
    form('leave', (b) => {
      b.regs.rbp = `${b.M}+${b.r.range(0, 7) * 8}`;
      return { asm: 'leave', flagMask: ARITH };
    }, ms),
    form('leavew (16-bit operand size)', (b) => {
      b.regs.rbp = `${b.M}+${b.r.range(0, 7) * 8 + b.r.pick([0, 2])}`;
      return { asm: 'leavew', flagMask: ARITH };
    }, ms),
    form('pushfw / popfw', (b) => {
      const x = b.reg(2, { exclude: ['rax'] });
      b.set(x, BigInt(b.r.u32() & (ARITH | DF)) | 0x202n);
      return { asm: `pushw %${x}\npopfw\npushfw\npopw %ax`, flagMask: ARITH };
    }, ms),
    form('enter imm16, 0', (b) => ({ asm: `enter $${b.r.pick([0, 8, 16, 24, 0x100])}, $0`, flagMask: ARITH }), ms),
  ];
}

function miscForms(): Form[] {
  const out: Form[] = [
    form('cbw', () => ({ asm: 'cbtw', flagMask: ARITH })),
    form('cwde', () => ({ asm: 'cwtl', flagMask: ARITH })),
    form('cdqe', () => ({ asm: 'cltq', flagMask: ARITH })),
    form('cwd', () => ({ asm: 'cwtd', flagMask: ARITH })),
    form('cdq', () => ({ asm: 'cltd', flagMask: ARITH })),
    form('cqo', () => ({ asm: 'cqto', flagMask: ARITH })),
    form('lahf', () => ({ asm: 'lahf', flagMask: ARITH }), { needs: 'lahf_lm' }),
    form('sahf', () => ({ asm: 'sahf', flagMask: ARITH }), { needs: 'lahf_lm' }),
    form('clc / stc / cmc', (b) => ({ asm: b.r.pick(['clc', 'stc', 'cmc']), flagMask: ARITH })),
    form('xlat', (b) => {
      b.regs.rbx = b.M;
      return { asm: 'xlatb', flagMask: ARITH };
    }, { memSize: 256 }),
    form('loop / loope / loopne', (b) => {
      b.regs.rcx = BigInt(b.r.range(1, 6));
      const t = b.reg(8, { exclude: ['rcx'] });
      return { asm: `2: lea 1(%${t}), %${t}\n${b.r.pick(['loop', 'loope', 'loopne'])} 2b`, flagMask: ARITH };
    }),
    form('loop with 32-bit address size (ecx)', (b) => {
      b.regs.rcx = (BigInt(b.r.u32()) << 32n) | BigInt(b.r.range(1, 6));
      const t = b.reg(8, { exclude: ['rcx'] });
      return { asm: `2: lea 1(%${t}), %${t}\naddr32 ${b.r.pick(['loop', 'loope', 'loopne'])} 2b`, flagMask: ARITH };
    }),
    form('xlat with 32-bit address size (ebx)', (b) => {
      b.regs.rbx = `${b.M}+(${BigInt.asIntN(64, BigInt(b.r.u32()) << 32n)})`;
      return { asm: 'addr32 xlatb', flagMask: ARITH };
    }, { memSize: 256 }),
    form('jrcxz / jecxz', (b) => {
      b.regs.rcx = b.r.bool() ? 0n : b.r.bool() ? 1n << 32n : val(b.r, 8);
      const t = b.reg(8, { exclude: ['rcx'] });
      return { asm: `${b.r.pick(['jrcxz', 'jecxz'])} 1f\nlea 1(%${t}), %${t}\n1:`, flagMask: ARITH };
    }),
    // byte registers: ah..bh without REX against spl..r15b with it
    form('high-byte reg ops (ah/ch/dh/bh)', (b) => {
      const h = b.r.pick(HIGH8);
      b.take(h);
      const o = b.reg(1, { high: true });
      const k = b.r.int(6);
      const asm = k === 0 ? `movb %${h}, %${o}` : k === 1 ? `addb %${o}, %${h}` : k === 2 ? `movzbl %${h}, %${regName(b.r.int(8) === 4 ? 0 : b.r.int(4), 4)}`
        : k === 3 ? `xchgb %${h}, %${o}` : k === 4 ? `shlb $${b.r.int(9)}, %${h}` : `movsbw %${h}, %${regName(b.r.pick([0, 1, 2, 3, 5, 6, 7]), 2)}`;
      return { asm, flagMask: k === 1 ? ARITH : k === 4 ? shiftMask('shl', 1, Number(asm.match(/\$(\d+)/)![1])) : ARITH };
    }),
    form('REX byte reg ops (spl/bpl/sil/dil/r8b..)', (b) => {
      const x = b.r.pick(['bpl', 'sil', 'dil', 'r8b', 'r11b', 'r15b']);
      b.take(x);
      const k = b.r.int(5);
      const y = b.reg(1, { high: false });
      const asm = k === 0 ? `movb %${x}, %${y}` : k === 1 ? `movzbl %spl, %${regName(b.r.int(16) === 4 ? 0 : b.r.pick([0, 3, 9, 14]), 4)}`
        : k === 2 ? `subb %${y}, %${x}` : k === 3 ? `movsbq %${x}, %${b.reg(8)}` : `notb %${x}`;
      return { asm, flagMask: ARITH };
    }),
    form('32-bit writes zero-extend', (b) => {
      const x = b.reg(4);
      const y = b.reg(4);
      return { asm: b.r.pick([`movl %${x}, %${x}`, `addl $0, %${x}`, `xorl %${y}, %${x}`, `andl $-1, %${x}`, `notl %${x}`, `leal (%${regOf(x)!.reg}), %${y}`]), flagMask: ARITH & ~AF };
    }),
    form('16/8-bit writes merge', (b) => {
      const x = b.reg(b.r.pick([1, 2] as Size[]));
      return { asm: `${b.r.pick(['not', 'inc', 'neg'])}${SUF[regOf(x)!.size]} %${x}`, flagMask: ARITH };
    }),
  ];
  return out;
}

// ---------------------------------------------------------------- flag chains

/**
 * One flag-using step of a sequence: its text, the flags it leaves defined
 * (`def`), the flags it leaves as they were (`keep`; the rest become
 * undefined), and the flags whose input values it depends on (`reads`).
 */
interface Step {
  asm: string;
  def: number;
  keep: number;
  reads: number;
}

const CC_READS: Record<string, number> = {
  o: OF, no: OF, b: CF, ae: CF, e: ZF, ne: ZF, be: CF | ZF, a: CF | ZF,
  s: SF, ns: SF, p: PF, np: PF, l: SF | OF, ge: SF | OF, le: ZF | SF | OF, g: ZF | SF | OF,
};
const ccReads = (cc: string): number => CC_READS[cc];

/** Registers with values that make flags interesting (equal, off by one, edges). */
function operands(b: Builder, size: Size, n: number): string[] {
  const r = b.r;
  const pool = [0n, 1n, mask(size), 1n << BigInt(size * 8 - 1), (1n << BigInt(size * 8 - 1)) - 1n, 2n];
  const out: string[] = [];
  let prev = 0n;
  for (let i = 0; i < n; i++) {
    const x = b.reg(size, { exclude: out.map((o) => regOf(o)!.reg) });
    let v = r.bool(0.5) ? r.pick(pool) : val(r, size);
    if (i > 0 && r.bool(0.4)) v = prev + BigInt(r.range(-1, 1));
    b.set(x, v & mask(size));
    prev = v;
    out.push(x);
  }
  return out;
}

function shiftStep(op: string, size: Size, c: number, text: string): Step {
  const m = c & (size === 8 ? 63 : 31);
  if (m === 0) return { asm: text, def: 0, keep: ARITH, reads: 0 };
  if (op[0] === 'r') {
    return { asm: text, def: CF | (m === 1 ? OF : 0), keep: SF | ZF | AF | PF, reads: op[1] === 'c' ? CF : 0 };
  }
  const cfOk = op === 'sar' || m < size * 8;
  return { asm: text, def: (cfOk ? CF : 0) | SF | ZF | PF | (m === 1 ? OF : 0), keep: 0, reads: 0 };
}

/** A random flag-producing or flag-consuming step. */
function step(b: Builder, kinds: string[]): Step {
  b.next();
  const r = b.r;
  const kind = r.pick(kinds);
  const size = r.pick(SIZES);
  const wsize = r.pick(WIDE);
  const s = SUF[size];
  switch (kind) {
    case 'arith': {
      const op = r.pick(['add', 'sub', 'cmp', 'adc', 'sbb']);
      const [x, y] = operands(b, size, 2);
      return { asm: `${op}${s} %${x}, %${y}`, def: ARITH, keep: 0, reads: op === 'adc' || op === 'sbb' ? CF : 0 };
    }
    case 'arithImm': {
      const op = r.pick(['add', 'sub', 'cmp', 'adc', 'sbb']);
      const [x] = operands(b, size, 1);
      return { asm: `${op}${s} $${hex(imm8(r))}, %${x}`, def: ARITH, keep: 0, reads: op === 'adc' || op === 'sbb' ? CF : 0 };
    }
    case 'neg': return { asm: `neg${s} %${operands(b, size, 1)[0]}`, def: ARITH, keep: 0, reads: 0 };
    case 'logic': {
      const op = r.pick(['and', 'or', 'xor', 'test']);
      const [x, y] = operands(b, size, 2);
      return { asm: `${op}${s} %${x}, %${y}`, def: ARITH & ~AF, keep: 0, reads: 0 };
    }
    case 'incdec': return { asm: `${r.pick(['inc', 'dec'])}${s} %${operands(b, size, 1)[0]}`, def: ARITH & ~CF, keep: CF, reads: 0 };
    case 'shift': case 'rotate': {
      const op = kind === 'shift' ? r.pick(['shl', 'shr', 'sar']) : r.pick(['rol', 'ror', 'rcl', 'rcr']);
      const c = r.bool(0.3) ? r.pick([0, 1, 32, 64]) : count(r, size);
      const byCl = r.bool(0.4);
      if (byCl) {
        b.take('rcx');
        b.set('cl', BigInt(c));
      }
      const x = b.reg(size, { exclude: byCl ? ['rcx'] : [] });
      // an earlier step may have changed rcx: load the count (mov leaves flags alone)
      return shiftStep(op, size, c, `${byCl ? `movb $${c}, %cl\n` : ''}${op}${s} ${byCl ? '%cl' : `$${c}`}, %${x}`);
    }
    case 'mul': {
      const [x, y] = operands(b, wsize, 2);
      return { asm: `imul${SUF[wsize]} %${x}, %${y}`, def: CF | OF, keep: 0, reads: 0 };
    }
    case 'bt': {
      const op = r.pick(['bt', 'bts', 'btr', 'btc']);
      const x = b.reg(wsize);
      return { asm: `${op}${SUF[wsize]} $${r.int(64)}, %${x}`, def: CF, keep: ZF, reads: 0 };
    }
    case 'scan': {
      const op = r.pick(['tzcnt', 'lzcnt', 'popcnt'].filter((o) => has(NEEDS[o])).concat(['bsf']));
      if (op === 'bsf') return step(b, ['bsf']);
      const [x] = operands(b, wsize, 1);
      return { asm: `${op}${SUF[wsize]} %${x}, %${b.reg(wsize)}`, def: op === 'popcnt' ? ARITH : CF | ZF, keep: 0, reads: 0 };
    }
    case 'cf': {
      const op = r.pick(['clc', 'stc', 'cmc']);
      return { asm: op, def: CF, keep: ARITH & ~CF, reads: op === 'cmc' ? CF : 0 };
    }
    case 'sahf': if (!has('lahf_lm')) return step(b, ['cf']); return { asm: 'sahf', def: ARITH & ~OF, keep: OF, reads: 0 };
    case 'lahf': if (!has('lahf_lm')) return step(b, ['setcc']); b.take('rax'); return { asm: 'lahf', def: 0, keep: ARITH, reads: ARITH & ~OF };
    case 'setcc': {
      const cc = r.pick(CCS);
      return { asm: `set${cc} %${b.reg(1)}`, def: 0, keep: ARITH, reads: ccReads(cc) };
    }
    case 'cmovcc': {
      const cc = r.pick(CCS);
      const [x, y] = operands(b, wsize, 2);
      return { asm: `cmov${cc}${SUF[wsize]} %${x}, %${y}`, def: 0, keep: ARITH, reads: ccReads(cc) };
    }
    case 'jcc': {
      const cc = r.pick(CCS);
      const t = b.reg(8);
      return { asm: `j${cc} 1f\nlea 1(%${t}), %${t}\n1:`, def: 0, keep: ARITH, reads: ccReads(cc) };
    }
    case 'shld': {
      const op = r.pick(['shld', 'shrd']);
      const c = r.pick([0, 1, 2, 7, wsize * 8 - 1]);
      const [x, y] = operands(b, wsize, 2);
      return { asm: `${op}${SUF[wsize]} $${c}, %${x}, %${y}`, def: c === 0 ? 0 : CF | SF | ZF | PF | (c === 1 ? OF : 0), keep: c === 0 ? ARITH : 0, reads: 0 };
    }
    case 'xadd': {
      const [x, y] = operands(b, size, 2);
      return { asm: `${r.pick(['xadd', 'cmpxchg'])}${s} %${x}, %${y}`, def: ARITH, keep: 0, reads: 0 };
    }
    case 'bsf': {
      // a nonzero source, loaded here because earlier steps may have changed the register
      const x = b.reg(8);
      const v = val(r, wsize) | 1n << BigInt(r.int(wsize * 8));
      return { asm: `movabs $0x${v.toString(16)}, %${x}\n${r.pick(['bsf', 'bsr'])}${SUF[wsize]} %${regName(REG64.indexOf(regOf(x)!.reg), wsize)}, %${b.reg(wsize)}`, def: ZF, keep: 0, reads: 0 };
    }
    case 'div': {
      // every flag is undefined afterwards
      b.take('rax');
      b.take('rdx');
      const x = b.reg(4, { exclude: ['rax', 'rdx'] });
      return { asm: `movl $0, %edx\nmovl $${r.range(1, 1000)}, %${x}\ndivl %${x}`, def: 0, keep: 0, reads: 0 };
    }
    default: // flag-neutral moves between producers and consumers
      return { asm: r.pick(['nop', `not${s} %${b.reg(size)}`, `lea 1(%${b.reg(8)}), %${b.reg(8)}`, `mov${s} %${b.reg(size)}, %${b.reg(size)}`]), def: 0, keep: ARITH, reads: 0 };
  }
}

const PRODUCERS = ['arith', 'arith', 'arithImm', 'neg', 'logic', 'logic', 'incdec', 'incdec', 'shift', 'shift', 'rotate', 'mul', 'bt', 'scan', 'cf', 'sahf', 'shld', 'xadd', 'bsf', 'div', 'neutral'];

/** Producers, then a consumer, with the defined flags tracked through. */
function chain(b: Builder, consumer: string[]): Case {
  for (;;) {
    let defined = ARITH;
    const asm: string[] = [];
    let ok = true;
    const n = b.r.range(1, 3);
    for (let i = 0; i <= n && ok; i++) {
      const st = step(b, i < n ? PRODUCERS : consumer);
      if ((st.reads & ~defined) !== 0) {
        // depends on an undefined flag: try another step here
        if (b.r.bool(0.9)) { i--; continue; }
        ok = false;
        break;
      }
      defined = (defined & st.keep) | st.def;
      asm.push(st.asm);
    }
    if (ok) return { asm: asm.join('\n'), flagMask: defined };
  }
}

function chainForms(): Form[] {
  const consumers: [string, string[]][] = [
    ['setcc', ['setcc']], ['cmovcc', ['cmovcc']], ['jcc', ['jcc']], ['adc/sbb', ['arith', 'arithImm']],
    ['inc/dec', ['incdec']], ['shift', ['shift']], ['rcl/rcr/rol/ror', ['rotate']], ['bt', ['bt']],
    ['clc/stc/cmc', ['cf']], ['lahf', ['lahf']], ['sahf', ['sahf']], ['pushf', ['neutral']], ['anything', PRODUCERS],
  ];
  return consumers.map(([name, kinds]) => form(`flags from producers, then ${name}`, (b) => chain(b, kinds), { cases: 64 }));
}

function extraForms(): Form[] {
  return [
    form('cmpxchg8b m64', (b) => {
      if (b.r.bool()) {
        b.set('eax', b.getMem(0, 4));
        b.set('edx', b.getMem(4, 4));
      }
      return { asm: `${b.r.pick(['', 'lock '])}cmpxchg8b ${b.M}(%rip)`, flagMask: ZF | CF | PF | AF | SF | OF };
    }),
    form('cmpxchg16b m128', (b) => {
      if (b.r.bool()) {
        b.regs.rax = b.getMem(0, 8);
        b.regs.rdx = b.getMem(8, 8);
      }
      return { asm: `${b.r.pick(['', 'lock '])}cmpxchg16b ${b.M}(%rip)`, flagMask: ZF | CF | PF | AF | SF | OF };
    }, { needs: 'cx16' }),
    form('enter imm16, level 1..4', (b) => {
      b.regs.rbp = `${b.M}+${b.r.range(8, 15) * 8}`;
      return { asm: `enter $${b.r.pick([0, 8, 24])}, $${b.r.range(1, 4)}`, flagMask: ARITH };
    }, { memSize: 128 }),
    form('popf: ID and other user-writable bits', (b) => {
      const x = b.reg(8, { exclude: ['rax'] });
      // AC is left clear: it would turn on alignment checking for the records
      b.set(x, BigInt(b.r.u32() & (ARITH | DF | 0x200000 | 0x4000)) | 0x202n);
      return { asm: `push %${x}\npopfq\npushfq\npop %rax`, flagMask: ARITH };
    }, { memSize: 64 }),
    form('nop forms (multi-byte, endbr64, pause, fences, prefetch)', (b) => ({
      asm: b.r.pick(['nopw 0x0(%rax,%rax,1)', 'nopl 0x0(%rax)', '.byte 0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0', 'endbr64', 'pause',
        'lfence', 'mfence', 'sfence', `prefetcht0 ${b.M}(%rip)`, `prefetchnta ${b.M}(%rip)`, 'xchg %ax, %ax', 'nop']),
      flagMask: ARITH,
    })),
    form('fs/gs string and xlat', (b) => {
      b.regs.rsi = `${b.M}-${SEG_ORIGIN}+${b.r.int(64)}`;
      b.regs.rdi = `${b.M}+${64 + b.r.int(64)}`;
      b.regs.rbx = `${b.M}-${SEG_ORIGIN}`;
      b.regs.rcx = BigInt(b.r.range(0, 8));
      const op = b.r.pick(['rep movsb %fs:(%rsi), %es:(%rdi)', 'lodsq %fs:(%rsi)', 'cmpsl %es:(%rdi), %fs:(%rsi)', 'xlat %fs:(%rbx)',
        'rep movsq %fs:(%rsi), %es:(%rdi)', 'repe cmpsb %es:(%rdi), %fs:(%rsi)']);
      return { asm: `cld\n${op}`, flagMask: ARITH };
    }, { memSize: 256 }),
    form('addr32 string ops (esi/edi/ecx)', (b) => {
      const hi = () => BigInt(b.r.u32()) << 32n;
      b.regs.rsi = `${b.M}+${b.r.int(64)}+(${BigInt.asIntN(64, hi())})`;
      b.regs.rdi = `${b.M}+${64 + b.r.int(64)}+(${BigInt.asIntN(64, hi())})`;
      // with ECX = 0 this CPU still zero-extends some of rcx/rsi/rdi (model-specific): not compared
      b.regs.rcx = hi() | BigInt(b.r.range(1, 8));
      const op = b.r.pick(['rep movsb', 'rep stosl', 'lodsw', 'repe cmpsb', 'repne scasb', 'movsq', 'rep lodsb']);
      return { asm: `cld\naddr32 ${op}`, flagMask: ARITH };
    }, { memSize: 256 }),
    form('cs/ds/es/ss overrides (ignored in 64-bit mode)', (b) => {
      const pfx = b.r.pick(['0x2e', '0x3e', '0x26', '0x36']);
      const x = b.reg(4);
      return { asm: `.byte ${pfx}\n${b.r.pick(['add', 'mov', 'sub'])}l ${b.memAt(8)}, %${x}`, flagMask: ARITH };
    }),
    form('lea with a segment prefix (ignored)', (b) => {
      const base = b.reg(8);
      return { asm: `.byte 0x64\nlea 8(%${base}), %${b.reg(8)}`, flagMask: ARITH };
    }),
    form('movabs moffs with fs', (b) => {
      b.take('rax');
      const a = `${b.M}-${SEG_ORIGIN}+${b.r.int(16)}`;
      return { asm: b.r.bool() ? `movabs %fs:${a}, %${b.r.pick(['al', 'eax', 'rax'])}` : `movabs %${b.r.pick(['ax', 'rax'])}, %fs:${a}`, flagMask: ARITH };
    }),
  ];
}

/** Memory operands that straddle a page boundary (the slow access paths). */
function crossForms(): Form[] {
  const pc = { pageCross: true };
  const at = (b: Builder, size: number) => PAGE_CROSS - b.r.range(1, size - 1);
  const out: Form[] = [];
  for (const size of WIDE) {
    const s = SUF[size];
    const w = bitsOf(size);
    out.push(form(`mov r${w}, m${w} across a page`, (b) => ({ asm: `mov${s} ${b.memAt(at(b, size))}, %${b.reg(size)}`, flagMask: ARITH }), pc));
    out.push(form(`mov m${w}, r${w} across a page`, (b) => ({ asm: `mov${s} %${b.reg(size)}, ${b.memAt(at(b, size))}`, flagMask: ARITH }), pc));
    out.push(form(`add/sub/xor m${w}, r${w} across a page`, (b) => {
      const x = b.reg(size);
      return { asm: `${b.r.pick(['add', 'sub', 'adc', 'xor'])}${s} %${x}, ${b.memAt(at(b, size))}`, flagMask: ARITH & ~AF };
    }, pc));
    out.push(form(`inc/neg/not m${w} across a page`, (b) => ({ asm: `${b.r.pick(['inc', 'neg', 'not'])}${s} ${b.memAt(at(b, size))}`, flagMask: ARITH }), pc));
    out.push(form(`xchg/xadd/cmpxchg m${w}, r${w} across a page`, (b) => {
      b.take('rax');
      const x = b.reg(size, { exclude: ['rax'] });
      const off = at(b, size);
      if (b.r.bool()) b.set(ACC[size], b.getMem(off, size));
      return { asm: `${b.r.pick(['xchg', 'xadd', 'cmpxchg', 'lock xadd'])}${s} %${x}, ${b.memAt(off, ['rax'])}`, flagMask: ARITH };
    }, pc));
    out.push(form(`shl/rol m${w}, imm8 across a page`, (b) => {
      const op = b.r.pick(['shl', 'rol', 'sar']);
      const c = count(b.r, size);
      return { asm: `${op}${s} $${c}, ${b.memAt(at(b, size))}`, flagMask: shiftMask(op, size, c) };
    }, pc));
    out.push(form(`bts m${w}, r${w} across a page`, (b) => {
      const x = b.reg(size);
      // a bit offset within the operand, whose unit straddles the boundary
      b.set(x, BigInt(b.r.int(w)));
      return { asm: `bts${s} %${x}, ${b.memAt(at(b, size))}`, flagMask: CF | ZF };
    }, pc));
  }
  out.push(form('push/pop across a page', (b) => {
    const k = b.r.range(1, 7);
    const push = b.r.bool();
    b.regs.rsp = `${b.M}+${push ? PAGE_CROSS + 8 - k : PAGE_CROSS - k}`;
    return { asm: push ? `push %${b.reg(8)}` : `pop %${b.reg(8)}`, flagMask: ARITH };
  }, pc));
  out.push(form('cmpxchg8b across a page', (b) => {
    const off = PAGE_CROSS - b.r.range(1, 7);
    if (b.r.bool()) {
      b.set('eax', b.getMem(off, 4));
      b.set('edx', b.getMem(off + 4, 4));
    }
    return { asm: `cmpxchg8b ${b.M}+${off}(%rip)`, flagMask: ARITH };
  }, pc));
  out.push(form('rep movs/stos/cmps across a page', (b) => {
    const size = b.r.pick(SIZES);
    b.regs.rsi = `${b.M}+${b.r.range(0, 15)}`;
    b.regs.rdi = `${b.M}+${b.r.range(0, 15)}`;
    b.regs.rcx = BigInt(b.r.range(1, Math.floor(16 / size)));
    const op = b.r.pick(['rep movs', 'rep stos', 'repe cmps', 'rep lods']);
    return { asm: `cld\n${op}${SUF[size]}`, flagMask: ARITH };
  }, pc));
  return out;
}

function controlForms(): Form[] {
  const ms = { memSize: 64 };
  return [
    form('call rel32 (pop the return address)', (b) => ({ asm: `call 1f\n1: pop %${b.reg(8)}`, flagMask: ARITH }), ms),
    form('ret', (b) => {
      const t = b.reg(8);
      return { asm: `lea 1f(%rip), %${t}\npush %${t}\nret\nud2\n1:`, flagMask: ARITH };
    }, ms),
    form('ret imm16', (b) => ({ asm: `pushq $7\npushq $9\ncall 2f\njmp 3f\n2: ret $${b.r.pick([0, 8, 16])}\n3:`, flagMask: ARITH }), { memSize: 96 }),
    form('jmp r64', (b) => {
      const t = b.reg(8);
      return { asm: `lea 1f(%rip), %${t}\njmp *%${t}\nud2\n1:`, flagMask: ARITH };
    }),
    form('jmp m64', (b) => {
      const t = b.reg(8);
      const m = b.memAt(8);
      return { asm: `lea 1f(%rip), %${t}\nmov %${t}, ${m}\njmp *${m}\nud2\n1:`, flagMask: ARITH };
    }),
    form('call r64', (b) => {
      const t = b.reg(8);
      return { asm: `lea 2f(%rip), %${t}\ncall *%${t}\njmp 3f\n2: ret\n3:`, flagMask: ARITH };
    }, ms),
    form('call m64', (b) => {
      const t = b.reg(8);
      const m = b.memAt(0);
      return { asm: `lea 2f(%rip), %${t}\nmov %${t}, ${m}\ncall *${m}\njmp 3f\n2: ret\n3:`, flagMask: ARITH };
    }, ms),
    form('rep ret / bnd ret / bnd jmp / notrack jmp (ignored prefixes)', (b) => {
      const t = b.reg(8);
      return {
        asm: b.r.pick([
          `call 2f\njmp 3f\n2: rep ret\n3:`,
          `call 2f\njmp 3f\n2: bnd ret\n3:`,
          `bnd jmp 1f\nud2\n1:`,
          `lea 1f(%rip), %${t}\nnotrack jmp *%${t}\nud2\n1:`,
          `lea 2f(%rip), %${t}\nbnd call *%${t}\njmp 3f\n2: ret\n3:`,
        ]),
        flagMask: ARITH,
      };
    }, ms),
    form('jmp rel8 / rel32', (b) => ({ asm: `${b.r.pick(['', '{disp32} '])}jmp 1f\nud2\n1:`, flagMask: ARITH })),
    form('push m64 [rsp + disp] (address before the push)', (b) => ({ asm: `pushq ${b.r.range(-16, 16)}(%rsp)`, flagMask: ARITH }), ms),
    // the syscall instruction's contract: rcx = return address, r11 = rflags, the rest kept
    form('syscall (unknown number): rax, rcx, r11, other registers', (b) => {
      b.regs.rax = BigInt(b.r.range(600, 1000));
      return { asm: 'syscall', flagMask: ARITH };
    }),
  ];
}

const ALL_GROUPS: Group[] = [
  { name: 'mov', forms: movForms() },
  { name: 'stack', forms: stackForms() },
  { name: 'alu', forms: aluForms() },
  { name: 'unary', forms: unaryForms() },
  { name: 'shift', forms: shiftForms() },
  { name: 'muldiv', forms: mulDivForms() },
  { name: 'bits', forms: bitForms() },
  { name: 'exchange', forms: exchangeForms() },
  { name: 'cond', forms: condForms() },
  { name: 'string', forms: [...stringForms(), ...longStringForms()] },
  { name: 'misc', forms: miscForms() },
  { name: 'chain', forms: chainForms() },
  { name: 'extra', forms: extraForms() },
  { name: 'cross', forms: crossForms() },
  { name: 'control', forms: controlForms() },
];

/** Forms the host CPU cannot run as the engine does, with the missing feature. */
export const UNSUPPORTED: string[] = ALL_GROUPS.flatMap((g) => g.forms.filter((f) => f.needs && !has(f.needs)).map((f) => `${f.name} (no ${f.needs})`));

export const GROUPS: Group[] = ALL_GROUPS.map((g) => ({ name: g.name, forms: g.forms.filter((f) => !f.needs || has(f.needs)) }));
