// The run loop and the decoded-block cache.
//
// A block is up to MAX_BLOCK decoded records ending at an unconditional
// control transfer, a trap or the end of a page (a syscall that leaves run()
// just leaves the block there); it goes on past conditional branches, and a
// taken one leaves it there, so that a loop with an early exit in its body
// runs as one block that loops to itself. Blocks are keyed by the host address of their first byte
// (the physical page), tagged with the frame's generation: writing a frame
// that holds decoded code bumps its generation, so stale blocks simply stop
// matching. An instruction that straddles two pages gets a one-record block
// of its own, which also names the second page's frame and generation: it is
// found again only while the fetch TLB maps that page to that frame, unwritten
// (and its links never outlive an epoch). A fetch fault gets a one-record
// block that is never cached.
//
// Speed (bench/engine.bench.js): V8 runs this loop as one TurboFan function,
// so the hot instruction shapes are executed in its own switch (fast forms,
// cpu/fast.ts) and everything else calls execute(). Between blocks, the
// block just run is reused when it loops to itself, and otherwise its two
// links name the blocks that followed it, valid while the code epoch
// (cpu/state.ts) is unchanged, so that a hot loop pays neither the TLB nor
// the hash lookup. run() starts from the links of the block it left last.
//
// The links sit in the arena in a header just before the block's records,
// with what the block was decoded from, and a link holds the next block's
// records (first, count) rather than its descriptor: in a fuzz case, whose
// few hundred instructions are split over several run() calls with the
// kernel's work in between, the cache lines that a block-to-block step
// reads are what a run costs, and this way it reads the next block's lines
// only. A link from an older epoch (the kernel's work between two runs
// often moves it) is checked against the block's header as the hash lookup
// would check the descriptor, instead of reading the hash slot.
//
//   header (2 records, a 64-byte line, followed by the records' line):
//     +0 link, +16 link, +32 host address of the block's first byte u32,
//     +36 its frame's generation u32
//   link (16 bytes): +0 rip u64, +8 first record index u16, +10 count u16,
//     +12 code epoch u32 (0: empty); the first keeps the first successor
//     seen, the second the latest other
import {
  CPU_RIP, CPU_RFLAGS, CPU_CR3, CPU_FS_BASE, CPU_GS_BASE, INSN_COUNT, EXIT_REASON, EXIT_SIGNO,
  EXIT_CODE, EXIT_TRAPNO, EXIT_ADDR, EXIT_ERR, EXIT_BUDGET, EXIT_FAULT, BLOCK_HASH,
  BLOCK_HASH_ENTRIES, BLOCK_ENTRY_SIZE, INSN_ARENA, INSN_RECORDS, INSN_SIZE, FRAME_INFO,
  CNT_BLOCKS_BUILT, CPU_REGS, SUD_FLAGS, SW_FAST_SYSCALLS, FAST_PPID, FAST_PID, FAST_TID,
  CPU_ORIG_RAX, CNT_SYSCALLS, CNT_FAST_SYSCALLS, SW_GENERIC_ONLY,
} from "./layout";
import { decode, endsBlock, R_OP, R_LEN, R_REG, R_SUB, R_IMM } from "./cpu/decode";
import { execute } from "./cpu/execute";
import {
  getRflags, setRflags, setLazy, setLazyC, getCF, condFast, cond, CC_ADD, CC_SUB, CC_LOGIC, CC_INC, CC_DEC,
  CC_SHL, CC_SHR, CC_SAR, CC_MUL, CC_IMUL64, CF,
} from "./cpu/flags";
import * as F from "./cpu/fast";
import { R_FAST, fdst, fsrc, fea, specialize, fuseJcc } from "./cpu/fast";
import { RSP } from "./cpu/regs";
import * as S from "./cpu/state";
import {
  hostX, hostXCached, hostR, hostW, setCr3, faulted, clearFault, tlbFlushWrite, faultSig, faultCode, faultAddr, faultTrap, faultErr,
} from "./mmu/access";
import { OP_FETCH_FAULT, OP_JCC } from "./cpu/opcodes";
import { syscallInsn } from "./entry/syscall";

const MAX_BLOCK: u32 = 64;
const CODE_BIT: u32 = 0x01000000;
/** Descriptor for blocks that are not cached (straddling or faulting). */
const SCRATCH_DESC: u32 = BLOCK_HASH + (BLOCK_HASH_ENTRIES - 1) * BLOCK_ENTRY_SIZE;
/** Record slots of a block's header (links, then what the block was decoded from). */
const HEADER_RECORDS: u32 = 2;
const H_HOST = 32;
const H_GEN = 36;
/** A straddling instruction's block: the host address and generation of its second page's frame. */
const H_HOST2 = 40;
const H_GEN2 = 44;
/**
 * In a straddling block's descriptor and header generation: no frame's
 * generation (24 bits) has it, so getBlock's one compare and an older
 * epoch's link check both miss, and getBlock checks the second page too.
 */
const STRADDLE: u32 = 0x80000000;

let arenaNext: u32 = 0;
/** Address of the links of the block run() left last (0: none), where the next run() starts. */
let exitLinks: u32 = 0;

export function blockCacheFlush(): void {
  memory.fill(BLOCK_HASH, 0, BLOCK_HASH_ENTRIES * BLOCK_ENTRY_SIZE);
  arenaNext = 0;
  exitLinks = 0;
  S.bumpCodeEpoch();
}

@inline function hashSlot(h: u32): u32 {
  let i = (h * 0x9e3779b1) >> (32 - 14);
  // the last entry is the scratch descriptor
  if (i == BLOCK_HASH_ENTRIES - 1) i = 0;
  return BLOCK_HASH + (i << 4);
}

/** Marks the frame with info word info as holding decoded code; returns its generation. */
function markCode(info: u32): u32 {
  let gi = load<u32>(info);
  if ((gi & CODE_BIT) == 0) {
    store<u32>(info, gi | CODE_BIT);
    // later writes to this frame must take the slow path that retires blocks
    tlbFlushWrite();
  }
  return gi & 0x00ffffff;
}

function buildBlock(va: u64, h: u32, slot: u32, info: u32): u32 {
  let gen = markCode(info);
  // the header starts a 128-byte pair of cache lines, the records its second line
  let at = (arenaNext + 3) & ~3;
  if (at + HEADER_RECORDS + MAX_BLOCK > <u32>INSN_RECORDS) {
    blockCacheFlush();
    at = 0;
  }
  store<u64>(CNT_BLOCKS_BUILT, load<u64>(CNT_BLOCKS_BUILT) + 1);
  let header = INSN_ARENA + (at << 5);
  memory.fill(header, 0, HEADER_RECORDS * INSN_SIZE);
  store<u32>(header, h, H_HOST);
  store<u32>(header, gen, H_GEN);
  arenaNext = at + HEADER_RECORDS;
  let first = arenaNext;
  let n: u32 = 0;
  let a = va;
  let cacheable = true;
  let fast = load<i32>(SW_GENERIC_ONLY) == 0;
  while (n < MAX_BLOCK) {
    let rec = INSN_ARENA + (arenaNext << 5);
    let len = decode(a, rec);
    clearFault();
    let op = <i32>load<u16>(rec, R_OP);
    if (fast) specialize(rec);
    let straddles = (<u32>a & 0xfff) + <u32>len > 4096;
    if ((op == OP_FETCH_FAULT || straddles) && n > 0) break;
    arenaNext++;
    n++;
    if (op == OP_JCC && n > 1 && fast) fuseJcc(rec - INSN_SIZE);
    if (op == OP_FETCH_FAULT) { cacheable = false; break; }
    if (straddles) {
      // its bytes came from two frames: the block holds while the second is also unchanged
      let h2 = hostXCached((a & ~<u64>0xfff) + 4096) & ~<u32>0xfff;
      if (h2 == 0) { cacheable = false; break; }
      store<u32>(header, h2, H_HOST2);
      store<u32>(header, markCode(FRAME_INFO + ((h2 >> 12) << 2)), H_GEN2);
      gen |= STRADDLE;
      store<u32>(header, gen, H_GEN);
      break;
    }
    a += <u64>len;
    // a conditional branch ends the block only when it is the generic path's (run() leaves a
    // block at a taken branch, so the block goes on with the not-taken path)
    if ((endsBlock(op) && !(op == OP_JCC && fast)) || (a & 0xfff) == 0) break;
  }
  // links that name the block this one evicts stay good: they name its records, which the
  // arena keeps until a flush
  let d = cacheable ? slot : SCRATCH_DESC;
  store<u32>(d, cacheable ? h : 0);
  store<u32>(d, gen, 4);
  store<u32>(d, first, 8);
  store<u16>(d, <u16>n, 12);
  return d;
}

/** Block descriptor for va, or 0 when va cannot be fetched (fault pending). */
@inline function getBlock(va: u64): u32 {
  let h = hostX(va);
  if (h == 0) return 0;
  let info = FRAME_INFO + ((h >> 12) << 2);
  let slot = hashSlot(h);
  if (load<u32>(slot) == h && load<u32>(slot, 4) == (load<u32>(info) & 0x00ffffff)) return slot;
  if (load<u32>(slot) == h && straddleHolds(slot, va, info)) return slot;
  return buildBlock(va, h, slot, info);
}

/**
 * Whether the block in slot, found for va (its first frame's host address
 * matched), straddles two pages and still holds: its first frame and the
 * frame the fetch TLB now maps va's next page to are the ones it was
 * decoded from, unwritten since. A TLB miss says no: the block is decoded
 * again, which fetches (and faults) as the instruction would.
 */
function straddleHolds(slot: u32, va: u64, info: u32): bool {
  let gen = load<u32>(slot, 4);
  if ((gen & STRADDLE) == 0 || (gen & 0x00ffffff) != (load<u32>(info) & 0x00ffffff)) return false;
  let h2 = hostXCached((va & ~<u64>0xfff) + 4096) & ~<u32>0xfff;
  if (h2 == 0) return false;
  let header = INSN_ARENA + ((load<u32>(slot, 8) - HEADER_RECORDS) << 5);
  return load<u32>(header, H_HOST2) == h2 &&
    load<u32>(header, H_GEN2) == (load<u32>(FRAME_INFO + ((h2 >> 12) << 2)) & 0x00ffffff);
}

// ---------------------------------------------------------------- fast forms

@inline function rr(r: u32): u64 { return load<u64>(CPU_REGS + (r << 3)); }
@inline function rr32(r: u32): u64 { return <u64>load<u32>(CPU_REGS + (r << 3)); }
@inline function rset64(r: u32, v: u64): void { store<u64>(CPU_REGS + (r << 3), v); }
/** A 32-bit register write zeroes the upper half. */
@inline function rset32(r: u32, v: u64): void { store<u64>(CPU_REGS + (r << 3), v & 0xffffffff); }

@inline function rget(r: u32, size: i32): u64 { return size == 8 ? rr(r) : rr32(r); }
@inline function rsetw(r: u32, size: i32, v: u64): void { if (size == 8) rset64(r, v); else rset32(r, v); }

/** dst = dst op b for kinds add, or, and, sub, xor (cmp only sets the flags). */
@inline function aluTo(d: u32, kind: i32, size: i32, a: u64, b: u64): void {
  let r: u64;
  switch (kind) {
    case 0: r = a + b; setLazy(CC_ADD, size, r, a, b); break;
    case 1: r = a | b; setLazy(CC_LOGIC, size, r, a, b); break;
    case 4: r = a & b; setLazy(CC_LOGIC, size, r, a, b); break;
    case 5: r = a - b; setLazy(CC_SUB, size, r, a, b); break;
    case 6: r = a ^ b; setLazy(CC_LOGIC, size, r, a, b); break;
    default: setLazy(CC_SUB, size, a - b, a, b); return;
  }
  rsetw(d, size, r);
}

@inline function aluRR(p: u32, kind: i32, size: i32): void {
  let d = fdst(p);
  aluTo(d, kind, size, rget(d, size), rget(fsrc(p), size));
}

@inline function aluRI(p: u32, kind: i32, size: i32): void {
  let d = fdst(p);
  aluTo(d, kind, size, rget(d, size), load<u64>(p, R_IMM));
}

/** dst shifted by c (kinds shl, shr, sar; 0 < c < the operand's bits). */
@inline function shiftBy(d: u32, kind: i32, size: i32, c: u64): void {
  let bits: u64 = size == 8 ? 64 : 32;
  let a = rget(d, size);
  let r: u64;
  if (kind == 0) {
    r = a << c;
    if (size == 4) r &= 0xffffffff;
    setLazyC(CC_SHL, size, r, a, c, (a >> (bits - c)) & 1);
  } else if (kind == 1) {
    r = a >> c;
    setLazyC(CC_SHR, size, r, a, c, (a >> (c - 1)) & 1);
  } else {
    let s: i64 = size == 8 ? <i64>a : <i64><i32>a;
    r = <u64>(s >> <i64>c);
    if (size == 4) r &= 0xffffffff;
    setLazyC(CC_SAR, size, r, a, c, <u64>(s >> <i64>(c - 1)) & 1);
  }
  rsetw(d, size, r);
}

@inline function shiftRI(p: u32, kind: i32, size: i32): void {
  let bits: u64 = size == 8 ? 64 : 32;
  shiftBy(fdst(p), kind, size, load<u64>(p, R_IMM) & (bits - 1)); // never 0 here (specialize)
}

/**
 * dst shifted by cl, masked to the operand size: a zero count leaves the flags as they
 * are, and a 32-bit destination is still written (zero-extended), as shiftOp does.
 */
@inline function shiftRCL(p: u32, kind: i32, size: i32): void {
  let d = fdst(p);
  let c = rr(1) & (size == 8 ? 63 : 31);
  if (c != 0) shiftBy(d, kind, size, c);
  else if (size == 4) rset32(d, rr32(d));
}

@inline function imul32(d: u32, a: u64, b: u64): void {
  let prod = <i64><i32>a * <i64><i32>b;
  let lo = <u64>prod & 0xffffffff;
  rset32(d, lo);
  setLazyC(CC_MUL, 4, lo, 0, 0, <i64><i32>lo != prod ? 1 : 0);
}

@inline function incDec(p: u32, dec: bool, size: i32): void {
  let d = fdst(p);
  let a = rget(d, size);
  let c: u64 = getCF() ? CF : 0;
  if (dec) {
    let r = a - 1;
    setLazyC(CC_DEC, size, r, a, 1, c);
    rsetw(d, size, r);
  } else {
    let r = a + 1;
    setLazyC(CC_INC, size, r, a, 1, c);
    rsetw(d, size, r);
  }
}

@inline function lea(p: u32, nrip: u64, size: i32): void {
  rsetw(<u32>load<u8>(p, R_REG), size, fea(p, nrip));
}

/**
 * Condition cc of a cmp a, b (sub kind, operand size 8 or 4) whose lazy flags
 * are already set: the common conditions straight from the operands.
 */
@inline function cmpCond(cc: i32, size: i32, a: u64, b: u64): bool {
  let r: bool;
  if (size == 4) {
    a = <u64><i64><i32>a;
    b = <u64><i64><i32>b;
  }
  switch (cc >> 1) {
    case 1: r = a < b; break;
    case 2: r = a == b; break;
    case 3: r = a <= b; break;
    case 6: r = <i64>a < <i64>b; break;
    case 7: r = <i64>a <= <i64>b; break;
    default: return cond(cc);
  }
  return r != ((cc & 1) != 0);
}

/** Condition cc of a test whose result is r (lazy flags already set). */
@inline function testCond(cc: i32, size: i32, r: u64): bool {
  let v: i64 = size == 4 ? <i64><i32>r : <i64>r;
  let t: bool;
  switch (cc >> 1) {
    case 0: case 1: t = false; break; // O, B: cleared by test
    case 2: case 3: t = v == 0; break; // Z, BE
    case 4: case 6: t = v < 0; break; // S, L (OF = 0)
    case 7: t = v <= 0; break; // LE
    default: return cond(cc);
  }
  return t != ((cc & 1) != 0);
}

/**
 * Executes one record with the generic handler. Returns the address to go
 * on at: the next instruction or branch target, or the instruction itself
 * when it faulted (it did not retire).
 */
function slowStep(p: u32, rip: u64, nrip: u64, first: u32, retired: u64): u64 {
  S.setRip(rip);
  S.setNextRip(nrip);
  // rdtsc counts from the block's start
  S.setBlockFirst(first);
  S.setRetired(retired);
  execute(p);
  if (S.stop && S.exitReason == 0 && faulted) return rip;
  return S.nextRip;
}

/**
 * Runs the CPU state in the CPU block for at most budget instructions.
 * Returns the exit reason (layout.ts EXIT_*), also stored at EXIT_REASON.
 */
export function run(budget: i32): i32 {
  setRflags(load<u64>(CPU_RFLAGS));
  setCr3(load<u32>(CPU_CR3));
  S.setFsBase(load<u64>(CPU_FS_BASE));
  S.setGsBase(load<u64>(CPU_GS_BASE));
  S.setExitReason(0);
  S.setStop(false);
  clearFault();
  // rip and the retired count live in locals; the generic handlers get them
  // through the state globals (slowStep, blockFirst/retired for rdtsc)
  let rip = load<u64>(CPU_RIP);
  let retired = load<u64>(INSN_COUNT);
  let left = budget;
  // The block that just ran: its address, records and links, reused as is
  // when it loops to itself within one code epoch (bRip 1 matches no rip).
  let bRip: u64 = 1;
  let bEpoch: u32 = 0;
  let first: u32 = 0;
  let count: i32 = 0;
  let links = exitLinks;
  for (;;) {
    if (left <= 0) { S.setExitReason(EXIT_BUDGET); break; }
    if (rip != bRip || S.codeEpoch != bEpoch) {
      let epoch = S.codeEpoch;
      let l: u32 = 0;
      if (links != 0) {
        if (load<u64>(links) == rip && load<u32>(links, 12) != 0) l = links;
        else if (load<u64>(links, 16) == rip && load<u32>(links, 28) != 0) l = links + 16;
      }
      if (l != 0 && load<u32>(l, 12) != epoch) {
        // from an older epoch: good if the block is still what rip fetches (see getBlock)
        let header = INSN_ARENA + ((<u32>load<u16>(l, 8) - HEADER_RECORDS) << 5);
        let h = hostX(rip);
        if (h == 0) { S.setExitReason(EXIT_FAULT); break; }
        if (load<u32>(header, H_HOST) == h &&
            load<u32>(header, H_GEN) == (load<u32>(FRAME_INFO + ((h >> 12) << 2)) & 0x00ffffff)) {
          store<u32>(l, epoch, 12);
        } else {
          l = 0;
        }
      }
      let index: u32;
      let cached = true;
      if (l != 0) {
        index = <u32>load<u16>(l, 8);
        count = <i32>load<u16>(l, 10);
      } else {
        let d = getBlock(rip);
        if (d == 0) { S.setExitReason(EXIT_FAULT); break; }
        index = load<u32>(d, 8);
        count = <i32>load<u16>(d, 12);
        // an uncached block is rebuilt every time
        cached = d != SCRATCH_DESC;
        // (unless a flush during the lookup gave the arena holding links to new records)
        if (links != 0 && cached && S.codeEpoch == epoch) {
          // the first link keeps the first successor seen; the second takes the latest other
          let w = load<u32>(links, 12) == epoch ? links + 16 : links;
          store<u64>(w, rip);
          store<u16>(w, <u16>index, 8);
          store<u16>(w, <u16>count, 10);
          store<u32>(w, epoch, 12);
        }
      }
      first = INSN_ARENA + (index << 5);
      links = cached ? first - HEADER_RECORDS * INSN_SIZE : 0;
      bRip = cached ? rip : 1;
      bEpoch = S.codeEpoch;
    }
    let n = count;
    if (n > left) n = left;
    let p = first;
    let end = first + (<u32>n << 5);
    do {
      let nrip = rip + <u64>load<u8>(p, R_LEN);
      switch (<i32>load<u8>(p, R_FAST)) {
        case F.F_ALU64_RR + 0: aluRR(p, 0, 8); break;
        case F.F_ALU64_RR + 1: aluRR(p, 1, 8); break;
        case F.F_ALU64_RR + 4: aluRR(p, 4, 8); break;
        case F.F_ALU64_RR + 5: aluRR(p, 5, 8); break;
        case F.F_ALU64_RR + 6: aluRR(p, 6, 8); break;
        case F.F_ALU64_RR + 7: aluRR(p, 7, 8); break;
        case F.F_ALU32_RR + 0: aluRR(p, 0, 4); break;
        case F.F_ALU32_RR + 1: aluRR(p, 1, 4); break;
        case F.F_ALU32_RR + 4: aluRR(p, 4, 4); break;
        case F.F_ALU32_RR + 5: aluRR(p, 5, 4); break;
        case F.F_ALU32_RR + 6: aluRR(p, 6, 4); break;
        case F.F_ALU32_RR + 7: aluRR(p, 7, 4); break;
        case F.F_ALU64_RI + 0: aluRI(p, 0, 8); break;
        case F.F_ALU64_RI + 1: aluRI(p, 1, 8); break;
        case F.F_ALU64_RI + 4: aluRI(p, 4, 8); break;
        case F.F_ALU64_RI + 5: aluRI(p, 5, 8); break;
        case F.F_ALU64_RI + 6: aluRI(p, 6, 8); break;
        case F.F_ALU64_RI + 7: aluRI(p, 7, 8); break;
        case F.F_ALU32_RI + 0: aluRI(p, 0, 4); break;
        case F.F_ALU32_RI + 1: aluRI(p, 1, 4); break;
        case F.F_ALU32_RI + 4: aluRI(p, 4, 4); break;
        case F.F_ALU32_RI + 5: aluRI(p, 5, 4); break;
        case F.F_ALU32_RI + 6: aluRI(p, 6, 4); break;
        case F.F_ALU32_RI + 7: aluRI(p, 7, 4); break;
        case F.F_TEST64_RR: setLazy(CC_LOGIC, 8, rr(fdst(p)) & rr(fsrc(p)), 0, 0); break;
        case F.F_TEST32_RR: setLazy(CC_LOGIC, 4, rr32(fdst(p)) & rr32(fsrc(p)), 0, 0); break;
        case F.F_TEST64_RI: setLazy(CC_LOGIC, 8, rr(fdst(p)) & load<u64>(p, R_IMM), 0, 0); break;
        case F.F_TEST32_RI: setLazy(CC_LOGIC, 4, rr32(fdst(p)) & load<u64>(p, R_IMM), 0, 0); break;
        case F.F_TEST8_RR: {
          let v = <u64>(load<u8>(CPU_REGS + (fdst(p) << 3)) & load<u8>(CPU_REGS + (fsrc(p) << 3)));
          setLazy(CC_LOGIC, 1, v, 0, 0);
          break;
        }
        case F.F_CMP8_RI: {
          let a = <u64>load<u8>(CPU_REGS + (fdst(p) << 3));
          let b = load<u64>(p, R_IMM);
          setLazy(CC_SUB, 1, a - b, a, b);
          break;
        }
        case F.F_MOV64_RR: rset64(fdst(p), rr(fsrc(p))); break;
        case F.F_MOV32_RR: rset64(fdst(p), rr32(fsrc(p))); break;
        case F.F_MOV64_RI: rset64(fdst(p), load<u64>(p, R_IMM)); break;
        case F.F_MOV32_RI: rset32(fdst(p), load<u64>(p, R_IMM)); break;
        case F.F_LEA64: lea(p, nrip, 8); break;
        case F.F_LEA32: lea(p, nrip, 4); break;
        case F.F_SHL64_RI: shiftRI(p, 0, 8); break;
        case F.F_SHR64_RI: shiftRI(p, 1, 8); break;
        case F.F_SAR64_RI: shiftRI(p, 2, 8); break;
        case F.F_SHL32_RI: shiftRI(p, 0, 4); break;
        case F.F_SHR32_RI: shiftRI(p, 1, 4); break;
        case F.F_SAR32_RI: shiftRI(p, 2, 4); break;
        case F.F_SHL64_RCL: shiftRCL(p, 0, 8); break;
        case F.F_SHR64_RCL: shiftRCL(p, 1, 8); break;
        case F.F_SAR64_RCL: shiftRCL(p, 2, 8); break;
        case F.F_SHL32_RCL: shiftRCL(p, 0, 4); break;
        case F.F_SHR32_RCL: shiftRCL(p, 1, 4); break;
        case F.F_SAR32_RCL: shiftRCL(p, 2, 4); break;
        case F.F_CMOV64_RR: if (condFast(<i32>load<u8>(p, R_SUB))) rset64(fdst(p), rr(fsrc(p))); break;
        // a 32-bit cmov zero-extends its destination even when false
        case F.F_CMOV32_RR: {
          let d = fdst(p);
          rset32(d, condFast(<i32>load<u8>(p, R_SUB)) ? rr32(fsrc(p)) : rr32(d));
          break;
        }
        case F.F_CDQE: rset64(0, <u64><i64><i32>rr32(0)); break;
        case F.F_IMUL64_RR: {
          let dr = fdst(p);
          let a = rr(dr);
          let b = rr(fsrc(p));
          let lo = a * b;
          rset64(dr, lo);
          setLazy(CC_IMUL64, 8, lo, a, b);
          break;
        }
        case F.F_IMUL64_RRI: {
          let a = rr(fsrc(p));
          let b = load<u64>(p, R_IMM);
          let lo = a * b;
          rset64(fdst(p), lo);
          setLazy(CC_IMUL64, 8, lo, a, b);
          break;
        }
        case F.F_IMUL32_RR: { let dr = fdst(p); imul32(dr, rr32(dr), rr32(fsrc(p))); break; }
        case F.F_IMUL32_RRI: imul32(fdst(p), rr32(fsrc(p)), load<u64>(p, R_IMM)); break;
        case F.F_INC64: incDec(p, false, 8); break;
        case F.F_DEC64: incDec(p, true, 8); break;
        case F.F_INC32: incDec(p, false, 4); break;
        case F.F_DEC32: incDec(p, true, 4); break;
        case F.F_MOVSXD_RR: rset64(fdst(p), <u64><i64><i32>rr32(fsrc(p))); break;
        case F.F_MOVZX8_RR: rset64(fdst(p), <u64>load<u8>(CPU_REGS + (fsrc(p) << 3))); break;
        case F.F_MOVZX16_RR: rset64(fdst(p), <u64>load<u16>(CPU_REGS + (fsrc(p) << 3))); break;
        case F.F_NOP: break;
        // a taken branch leaves the block here: a block goes on past its not-taken branches
        case F.F_JCC: if (condFast(<i32>load<u8>(p, R_SUB))) { nrip += load<u64>(p, R_IMM); end = p + INSN_SIZE; } break;
        case F.F_JMP: nrip += load<u64>(p, R_IMM); break;
        case F.F_JMP_R: nrip = rr(fdst(p)); break;
        case F.F_JMP_M: {
          let h = hostR(fea(p, nrip), 8);
          if (h != 0) { nrip = load<u64>(h); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        // cmp/test + jcc: when the budget cuts the block between them, the cmp alone
        case F.F_CMPJ64_RR: case F.F_CMPJ32_RR: case F.F_CMPJ64_RI: case F.F_CMPJ32_RI: {
          let f = <i32>load<u8>(p, R_FAST);
          let size = f == F.F_CMPJ64_RR || f == F.F_CMPJ64_RI ? 8 : 4;
          let a = rget(fdst(p), size);
          let b = f == F.F_CMPJ64_RR || f == F.F_CMPJ32_RR ? rget(fsrc(p), size) : load<u64>(p, R_IMM);
          setLazy(CC_SUB, size, a - b, a, b);
          let q = p + INSN_SIZE;
          if (q < end) {
            nrip += <u64>load<u8>(q, R_LEN);
            if (cmpCond(<i32>load<u8>(q, R_SUB), size, a, b)) { nrip += load<u64>(q, R_IMM); end = q + INSN_SIZE; }
            p = q;
          }
          break;
        }
        case F.F_TESTJ64_RR: case F.F_TESTJ32_RR: {
          let size = <i32>load<u8>(p, R_FAST) == F.F_TESTJ64_RR ? 8 : 4;
          let r = rget(fdst(p), size) & rget(fsrc(p), size);
          setLazy(CC_LOGIC, size, r, 0, 0);
          let q = p + INSN_SIZE;
          if (q < end) {
            nrip += <u64>load<u8>(q, R_LEN);
            if (testCond(<i32>load<u8>(q, R_SUB), size, r)) { nrip += load<u64>(q, R_IMM); end = q + INSN_SIZE; }
            p = q;
          }
          break;
        }
        // 8-bit test or cmp + jcc: the condition from the lazy flags, as the jcc alone reads it
        case F.F_TESTJ8_RR: case F.F_CMPJ8_RI: {
          let a = <u64>load<u8>(CPU_REGS + (fdst(p) << 3));
          if (<i32>load<u8>(p, R_FAST) == F.F_TESTJ8_RR) {
            setLazy(CC_LOGIC, 1, a & <u64>load<u8>(CPU_REGS + (fsrc(p) << 3)), 0, 0);
          } else {
            let b = load<u64>(p, R_IMM);
            setLazy(CC_SUB, 1, a - b, a, b);
          }
          let q = p + INSN_SIZE;
          if (q < end) {
            nrip += <u64>load<u8>(q, R_LEN);
            if (condFast(<i32>load<u8>(q, R_SUB))) { nrip += load<u64>(q, R_IMM); end = q + INSN_SIZE; }
            p = q;
          }
          break;
        }
        case F.F_SYSCALL: {
          // syscallEntry's getpid/getppid/gettid fast path (entry/syscall.ts), inline and kept
          // in step with it; SUD or any other number goes through it
          let rax = rr(0);
          let nr = <i32>rax;
          if (load<i32>(SUD_FLAGS) == 0 && load<i32>(SW_FAST_SYSCALLS) != 0) {
            let v: i32 = nr == 110 ? load<i32>(FAST_PPID) : nr == 39 ? load<i32>(FAST_PID) : nr == 186 ? load<i32>(FAST_TID) : -1;
            if (v >= 0) {
              store<u64>(CPU_ORIG_RAX, rax);
              rset64(1, nrip);
              rset64(11, getRflags() & ~<u64>0x10000);
              rset64(0, <u64>v);
              store<u64>(CNT_SYSCALLS, load<u64>(CNT_SYSCALLS) + 1);
              store<u64>(CNT_FAST_SYSCALLS, load<u64>(CNT_FAST_SYSCALLS) + 1);
              break;
            }
          }
          // the rest of the instruction without execute(): it reads only nextRip and never faults
          S.setNextRip(nrip);
          syscallInsn();
          if (S.stop) end = p;
          break;
        }
        // memory forms: the soft-TLB hit here, anything else through execute()
        case F.F_LOAD64: {
          let h = hostR(fea(p, nrip), 8);
          if (h != 0) { rset64(<u32>load<u8>(p, R_REG), load<u64>(h)); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_LOAD32: {
          let h = hostR(fea(p, nrip), 4);
          if (h != 0) { rset64(<u32>load<u8>(p, R_REG), <u64>load<u32>(h)); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_LOADZX8: {
          let h = hostR(fea(p, nrip), 1);
          if (h != 0) { rset64(<u32>load<u8>(p, R_REG), <u64>load<u8>(h)); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_LOADZX16: {
          let h = hostR(fea(p, nrip), 2);
          if (h != 0) { rset64(<u32>load<u8>(p, R_REG), <u64>load<u16>(h)); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_LOADSXD: {
          let h = hostR(fea(p, nrip), 4);
          if (h != 0) { rset64(<u32>load<u8>(p, R_REG), <u64><i64>load<i32>(h)); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_LOADSX8_64: {
          let h = hostR(fea(p, nrip), 1);
          if (h != 0) { rset64(<u32>load<u8>(p, R_REG), <u64><i64>load<i8>(h)); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_LOADSX8_32: {
          let h = hostR(fea(p, nrip), 1);
          if (h != 0) { rset32(<u32>load<u8>(p, R_REG), <u64><i64>load<i8>(h)); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_STORE64: {
          let h = hostW(fea(p, nrip), 8);
          if (h != 0) { store<u64>(h, rr(<u32>load<u8>(p, R_REG))); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_STORE32: {
          let h = hostW(fea(p, nrip), 4);
          if (h != 0) { store<u32>(h, load<u32>(CPU_REGS + (<u32>load<u8>(p, R_REG) << 3))); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_STORE8: {
          let h = hostW(fea(p, nrip), 1);
          if (h != 0) { store<u8>(h, load<u8>(CPU_REGS + (<u32>load<u8>(p, R_REG) << 3))); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_STOREI64: {
          let h = hostW(fea(p, nrip), 8);
          if (h != 0) { store<u64>(h, load<u64>(p, R_IMM)); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_STOREI32: {
          let h = hostW(fea(p, nrip), 4);
          if (h != 0) { store<u32>(h, load<u32>(p, R_IMM)); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_STOREI8: {
          let h = hostW(fea(p, nrip), 1);
          if (h != 0) { store<u8>(h, load<u8>(p, R_IMM)); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_CMP64_MI: {
          let h = hostR(fea(p, nrip), 8);
          if (h != 0) { let a = load<u64>(h); let b = load<u64>(p, R_IMM); setLazy(CC_SUB, 8, a - b, a, b); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_CMP32_MI: {
          let h = hostR(fea(p, nrip), 4);
          if (h != 0) { let a = <u64>load<u32>(h); let b = load<u64>(p, R_IMM); setLazy(CC_SUB, 4, a - b, a, b); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_CMP8_MI: {
          let h = hostR(fea(p, nrip), 1);
          if (h != 0) { let a = <u64>load<u8>(h); let b = load<u64>(p, R_IMM); setLazy(CC_SUB, 1, a - b, a, b); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_CMP64_RM: {
          let h = hostR(fea(p, nrip), 8);
          if (h != 0) { let a = rr(<u32>load<u8>(p, R_REG)); let b = load<u64>(h); setLazy(CC_SUB, 8, a - b, a, b); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_CMP32_RM: {
          let h = hostR(fea(p, nrip), 4);
          if (h != 0) { let a = rr32(<u32>load<u8>(p, R_REG)); let b = <u64>load<u32>(h); setLazy(CC_SUB, 4, a - b, a, b); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_CMP64_MR: {
          let h = hostR(fea(p, nrip), 8);
          if (h != 0) { let a = load<u64>(h); let b = rr(<u32>load<u8>(p, R_REG)); setLazy(CC_SUB, 8, a - b, a, b); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_CMP32_MR: {
          let h = hostR(fea(p, nrip), 4);
          if (h != 0) { let a = <u64>load<u32>(h); let b = rr32(<u32>load<u8>(p, R_REG)); setLazy(CC_SUB, 4, a - b, a, b); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_CMP8_MR: {
          let h = hostR(fea(p, nrip), 1);
          if (h != 0) {
            let a = <u64>load<u8>(h);
            let b = <u64>load<u8>(CPU_REGS + (<u32>load<u8>(p, R_REG) << 3));
            setLazy(CC_SUB, 1, a - b, a, b);
            break;
          }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_ADD64_RM: {
          let h = hostR(fea(p, nrip), 8);
          if (h != 0) { let d = <u32>load<u8>(p, R_REG); aluTo(d, 0, 8, rr(d), load<u64>(h)); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_ADD32_RM: {
          let h = hostR(fea(p, nrip), 4);
          if (h != 0) { let d = <u32>load<u8>(p, R_REG); aluTo(d, 0, 4, rr32(d), <u64>load<u32>(h)); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_CALL: {
          let sp = rr(RSP) - 8;
          let h = hostW(sp, 8);
          if (h != 0) { store<u64>(h, nrip); rset64(RSP, sp); nrip += load<u64>(p, R_IMM); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_CALL_R: case F.F_CALL_M: {
          // the target first (a call through rsp reads it before the push moves rsp)
          let h: u32 = 1;
          let t: u64 = 0;
          if (<i32>load<u8>(p, R_FAST) == F.F_CALL_R) t = rr(fdst(p));
          else {
            h = hostR(fea(p, nrip), 8);
            if (h != 0) t = load<u64>(h);
          }
          let sp = rr(RSP) - 8;
          if (h != 0) h = hostW(sp, 8);
          if (h != 0) { store<u64>(h, nrip); rset64(RSP, sp); nrip = t; break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_RET: {
          let sp = rr(RSP);
          let h = hostR(sp, 8);
          if (h != 0) { nrip = load<u64>(h); rset64(RSP, sp + 8); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_PUSH64_R: {
          let sp = rr(RSP) - 8;
          let h = hostW(sp, 8);
          if (h != 0) { store<u64>(h, rr(fdst(p))); rset64(RSP, sp); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        case F.F_POP64_R: {
          let sp = rr(RSP);
          let h = hostR(sp, 8);
          if (h != 0) { let v = load<u64>(h); rset64(RSP, sp + 8); rset64(fdst(p), v); break; }
          nrip = slowStep(p, rip, nrip, first, retired); if (S.stop) end = p;
          break;
        }
        default: {
          let fall = nrip;
          nrip = slowStep(p, rip, nrip, first, retired);
          // leave after this record: an exit, a fault, or a re-lookup; or a branch the generic
          // path took (a jcc with no fast form) in the middle of a block
          if (S.stop) end = p;
          else if (nrip != fall) end = p + INSN_SIZE;
          break;
        }
      }
      rip = nrip;
      p += INSN_SIZE;
    } while (p < end);
    let done = <i32>((p - first) >> 5);
    if (S.stop) {
      // the next block is looked up again, through this one's links
      S.setStop(false);
      bRip = 1;
      if (S.exitReason == 0 && faulted) {
        // a fault: the instruction did not retire, rip stays on it
        retired += <u64>(done - 1);
        S.setExitReason(EXIT_FAULT);
        break;
      }
      // completed: a kernel entry, a trap, a re-executed string chunk, or self-modifying code
      retired += <u64>done;
      left -= done;
      if (S.exitReason != 0) break;
      continue;
    }
    retired += <u64>done;
    left -= done;
  }
  exitLinks = links;
  S.setRip(rip);
  S.setRetired(retired);
  store<u64>(CPU_RIP, rip);
  store<u64>(CPU_RFLAGS, getRflags());
  store<u64>(INSN_COUNT, retired);
  if (S.exitReason == EXIT_FAULT) {
    store<i32>(EXIT_SIGNO, faultSig);
    store<i32>(EXIT_CODE, faultCode);
    store<i32>(EXIT_TRAPNO, faultTrap);
    store<u64>(EXIT_ADDR, faultAddr);
    store<u64>(EXIT_ERR, faultErr);
  }
  store<i32>(EXIT_REASON, S.exitReason);
  return S.exitReason;
}
