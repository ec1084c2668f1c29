// The run loop and the decoded-block cache.
//
// A block is up to MAX_BLOCK decoded records ending at a control transfer, a
// kernel entry or the end of a page. Blocks are keyed by the host address of
// their first byte (the physical page), tagged with the frame's generation:
// writing a frame that holds decoded code bumps its generation, so stale
// blocks simply stop matching. An instruction that straddles two pages, or a
// fetch fault, gets a one-record block that is never cached.
import {
  CPU_RIP, CPU_RFLAGS, CPU_CR3, CPU_FS_BASE, CPU_GS_BASE, INSN_COUNT, EXIT_REASON, EXIT_SIGNO,
  EXIT_CODE, EXIT_TRAPNO, EXIT_ADDR, EXIT_ERR, EXIT_BUDGET, EXIT_FAULT, BLOCK_HASH,
  BLOCK_HASH_ENTRIES, BLOCK_ENTRY_SIZE, INSN_ARENA, INSN_RECORDS, INSN_SIZE, FRAME_INFO,
  CNT_BLOCKS_BUILT,
} from "./layout";
import { decode, endsBlock, R_OP, R_LEN } from "./cpu/decode";
import { execute } from "./cpu/execute";
import { getRflags, setRflags } from "./cpu/flags";
import * as S from "./cpu/state";
import {
  hostX, setCr3, faulted, clearFault, tlbFlushWrite, faultSig, faultCode, faultAddr, faultTrap, faultErr,
} from "./mmu/access";
import { OP_FETCH_FAULT } from "./cpu/opcodes";

const MAX_BLOCK: u32 = 64;
const CODE_BIT: u32 = 0x01000000;
/** Descriptor for blocks that are not cached (straddling or faulting). */
const SCRATCH_DESC: u32 = BLOCK_HASH + (BLOCK_HASH_ENTRIES - 1) * BLOCK_ENTRY_SIZE;

let arenaNext: u32 = 0;

export function blockCacheFlush(): void {
  memory.fill(BLOCK_HASH, 0, BLOCK_HASH_ENTRIES * BLOCK_ENTRY_SIZE);
  arenaNext = 0;
}

@inline function hashSlot(h: u32): u32 {
  let i = (h * 0x9e3779b1) >> (32 - 14);
  // the last entry is the scratch descriptor
  if (i == BLOCK_HASH_ENTRIES - 1) i = 0;
  return BLOCK_HASH + (i << 4);
}

function buildBlock(va: u64, h: u32, slot: u32, info: u32): u32 {
  let gi = load<u32>(info);
  if ((gi & CODE_BIT) == 0) {
    store<u32>(info, gi | CODE_BIT);
    // later writes to this frame must take the slow path that retires blocks
    tlbFlushWrite();
  }
  if (arenaNext + MAX_BLOCK > <u32>INSN_RECORDS) blockCacheFlush();
  store<u64>(CNT_BLOCKS_BUILT, load<u64>(CNT_BLOCKS_BUILT) + 1);
  let first = arenaNext;
  let n: u32 = 0;
  let a = va;
  let cacheable = true;
  while (n < MAX_BLOCK) {
    let rec = INSN_ARENA + (arenaNext << 5);
    let len = decode(a, rec);
    clearFault();
    let op = <i32>load<u16>(rec, R_OP);
    let straddles = (<u32>a & 0xfff) + <u32>len > 4096;
    if ((op == OP_FETCH_FAULT || straddles) && n > 0) break;
    arenaNext++;
    n++;
    if (op == OP_FETCH_FAULT || straddles) { cacheable = false; break; }
    a += <u64>len;
    if (endsBlock(op) || (a & 0xfff) == 0) break;
  }
  let d = cacheable ? slot : SCRATCH_DESC;
  store<u32>(d, cacheable ? h : 0);
  store<u32>(d, gi & 0x00ffffff, 4);
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
  return buildBlock(va, h, slot, info);
}

/**
 * Runs the CPU state in the CPU block for at most budget instructions.
 * Returns the exit reason (layout.ts EXIT_*), also stored at EXIT_REASON.
 */
export function run(budget: i32): i32 {
  S.setRip(load<u64>(CPU_RIP));
  setRflags(load<u64>(CPU_RFLAGS));
  setCr3(load<u32>(CPU_CR3));
  S.setFsBase(load<u64>(CPU_FS_BASE));
  S.setGsBase(load<u64>(CPU_GS_BASE));
  S.setRetired(load<u64>(INSN_COUNT));
  S.setExitReason(0);
  S.setStop(false);
  clearFault();
  let left: i64 = <i64>budget;
  for (;;) {
    if (left <= 0) { S.setExitReason(EXIT_BUDGET); break; }
    let d = getBlock(S.rip);
    if (d == 0) { S.setExitReason(EXIT_FAULT); break; }
    let p = INSN_ARENA + (load<u32>(d, 8) << 5);
    let n = <i64>load<u16>(d, 12);
    if (n > left) n = left;
    S.setBlockFirst(p);
    let i: i64 = 0;
    for (; i < n; i++) {
      S.setNextRip(S.rip + <u64>load<u8>(p, R_LEN));
      execute(p);
      if (S.stop) break;
      S.setRip(S.nextRip);
      p += INSN_SIZE;
    }
    if (S.stop) {
      S.setStop(false);
      if (S.exitReason == 0 && faulted) {
        // a fault: the instruction did not retire, rip stays on it
        S.setRetired(S.retired + <u64>i);
        S.setExitReason(EXIT_FAULT);
        break;
      }
      // completed: a kernel entry, a trap, a re-executed string chunk, or self-modifying code
      S.setRip(S.nextRip);
      S.setRetired(S.retired + <u64>(i + 1));
      left -= i + 1;
      if (S.exitReason != 0) break;
      continue;
    }
    S.setRetired(S.retired + <u64>n);
    left -= n;
  }
  store<u64>(CPU_RIP, S.rip);
  store<u64>(CPU_RFLAGS, getRflags());
  store<u64>(INSN_COUNT, S.retired);
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
