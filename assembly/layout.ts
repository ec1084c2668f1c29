// The machine's memory map: the one source of every offset that both the
// AssemblyScript engine and the TypeScript kernel read. This file is plain
// numeric constants so that it compiles as AssemblyScript (where immutable
// globals with constant values are inlined) and as TypeScript
// (src/engine/layout.ts re-exports it).
//
//  0x0000_0000 +-----------------------------+
//              | null page (never used)      |
//  0x0000_1000 | ENGINE: exit record,        |  what run() reports, switches,
//              |   switches, counters        |  event counters
//  0x0000_2000 | CPU: the running task's     |  regs, rip, rflags, fs/gs base,
//              |   registers and SUD config  |  page-table root, SUD block
//  0x0000_3000 | SNAP: the last snapshot's   |  ENGINE/CPU blocks, frame refs,
//              |   image, when it fits       |  up to SNAP_FRAMES_MAX frames
//  0x0004_3000 | TLB_R / TLB_W / TLB_X       |  direct-mapped soft TLBs
//  0x0007_3000 | BLOCK_HASH                  |  decoded-block directory
//  0x000B_3000 | INSN arena                  |  decoded instruction records
//  0x002B_3000 | FRAME_INFO                  |  per-frame generation and refs
//  0x0043_3000 | DIRTY_CHUNKS: which 256-byte |  u16 per frame (snapshot/restore)
//              |   parts of each frame changed |
//  0x004B_3000 | DIRTY: frames written since |  bitmap, count, frame list
//              |   the last snapshot         |  (snapshot/restore)
//  0x004F_B010 | TLB_LOG: TLB slots filled   |  so a flush rewrites only those
//  0x004F_B820 | (free)                      |
//  0x004F_C000 | SIGFRAME: a signal frame's  |  scratch fpstate and frame,
//              |   parts (entry/sigframe.ts) |  the kernel's frame inputs
//  0x004F_C500 | (free)                      |
//  0x0050_0000 | AssemblyScript data (memoryBase in asconfig.json)
//  0x0060_0000 | FRAMES: page-table nodes and guest page frames, grown on demand
//              +-----------------------------+  up to MEMORY_MAX_PAGES

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

/** Wasm pages (64 KiB) the engine module declares; TypeScript must match them. */
export const MEMORY_INITIAL_PAGES = 128;
export const MEMORY_MAX_PAGES = 16384;

// ---------------------------------------------------------------- ENGINE
export const ENGINE = 0x1000;
/** i32: why run() returned (EXIT_* below). */
export const EXIT_REASON = ENGINE + 0;
/** i32: signal number for EXIT_FAULT. */
export const EXIT_SIGNO = ENGINE + 4;
/** i32: si_code for EXIT_FAULT. */
export const EXIT_CODE = ENGINE + 8;
/** i32: trap number (x86 vector) for EXIT_FAULT, stored in sigcontext.trapno. */
export const EXIT_TRAPNO = ENGINE + 12;
/** u64: si_addr for EXIT_FAULT. */
export const EXIT_ADDR = ENGINE + 16;
/** u64: page-fault error code (sigcontext.err). */
export const EXIT_ERR = ENGINE + 24;
/** u64: instructions retired since the machine started (virtual time). */
export const INSN_COUNT = ENGINE + 32;
/** i32: next free frame on the frame free list (0 = none). */
export const FRAME_FREE = ENGINE + 40;
/** i32: first never-allocated byte of the FRAMES area. */
export const FRAME_TOP = ENGINE + 44;
/** i32: frames currently allocated. */
export const FRAME_USED = ENGINE + 48;
/** i32: 1 when SMAP is on (selector reads pay the user-access cost). */
export const SW_SMAP = ENGINE + 52;
/** i32: 1 to serve getpid/getppid/gettid inside Wasm without exiting. */
export const SW_FAST_SYSCALLS = ENGINE + 56;
/** i32: syscall number of an EXIT_SYSCALL (rax's low 32 bits as a signed int). */
export const EXIT_SYSNO = ENGINE + 60;
/** u64: decoded blocks built (a cache-miss counter). */
export const CNT_BLOCKS_BUILT = ENGINE + 64;
/** u64: syscalls entered. */
export const CNT_SYSCALLS = ENGINE + 72;
/** u64: syscalls served inside Wasm. */
export const CNT_FAST_SYSCALLS = ENGINE + 80;
/** u64: soft-TLB misses. */
export const CNT_TLB_MISSES = ENGINE + 88;
/** u64: SUD checks made (the task's dispatch flag was set). */
export const CNT_SUD_CHECKS = ENGINE + 96;
/** u64: SUD checks that ended in the region (no selector read). */
export const CNT_SUD_REGION = ENGINE + 104;
/** u64: selector reads with SMAP on. */
export const CNT_SELECTOR_SMAP = ENGINE + 112;
/** u64: selector reads with SMAP off. */
export const CNT_SELECTOR_NOSMAP = ENGINE + 120;
/** u64: syscalls dispatched as SIGSYS. */
export const CNT_SUD_DISPATCH = ENGINE + 128;
/** u64: SUD checks that allowed the syscall by selector value. */
export const CNT_SUD_ALLOW = ENGINE + 136;
/** i32: 1 when the syscall was entered by int $0x80 (i386 numbering). */
export const EXIT_INT80 = ENGINE + 144;
/** u64: base of the vDSO sigreturn trampoline for the arch hook (0 = none). */
export const VDSO_SIGRETURN = ENGINE + 152;
/** i32: process id served by the fast getpid. */
export const FAST_PID = ENGINE + 160;
/** i32: parent process id served by the fast getppid. */
export const FAST_PPID = ENGINE + 164;
/** i32: thread id served by the fast gettid. */
export const FAST_TID = ENGINE + 168;
/** u64: user-space top (TASK_SIZE_MAX + 4096): the first address that is not user memory. */
export const USER_TOP = ENGINE + 176;
/**
 * i32: 1 to build blocks without fast forms (assembly/cpu/fast.ts), so that
 * tests can run a program both ways and compare. Takes effect for blocks
 * built afterwards: set it before the program loads.
 */
export const SW_GENERIC_ONLY = ENGINE + 184;
/** u64: signals delivered to a handler (the kernel in TypeScript counts them). */
export const CNT_SIGNALS = ENGINE + 192;
/** u64: rt_sigreturn calls that restored a frame. */
export const CNT_SIGRETURNS = ENGINE + 200;
/**
 * u64: virtual ns skipped while every task slept (the kernel adds to it).
 * Part of the clock: rdtsc reads it, so the vDSO's time goes on across a sleep.
 */
export const SLEPT_NS = ENGINE + 208;

/**
 * The kernel's time per syscall entry, in virtual ns: the clock (and the TSC)
 * runs on while the kernel works, so a loop of syscalls timed with
 * clock_gettime sees each call take time.
 */
export const SYSCALL_NS = 70;

/**
 * What a Syscall User Dispatch check that reads the selector adds to a
 * syscall, in virtual ns, with SMAP on and off: the seed's figures ("about
 * 40 ns" with SMAP, "consistently less than 5ns" without), as the timing
 * model prices them (src/timing/model.ts, SEED_MACHINE: the read and the
 * check, 120 and 12 cycles at 3 GHz). A benchmark timing its syscalls with
 * clock_gettime or rdtsc sees the overhead the seed measured. A check that
 * ends in the region reads nothing: under a nanosecond, charged nothing.
 */
export const SELECTOR_SMAP_NS = 40;
export const SELECTOR_NOSMAP_NS = 4;

// exit reasons
export const EXIT_NONE = 0;
/** the guest executed syscall or int $0x80; rip is past it, rax holds the number. */
export const EXIT_SYSCALL = 1;
/** an exception: signal in EXIT_SIGNO, rip at the faulting instruction. */
export const EXIT_FAULT = 2;
/** the instruction budget ran out. */
export const EXIT_BUDGET = 3;
/** SUD dispatched the syscall: rax rolled back, SIGSYS to be forced. */
export const EXIT_DISPATCH = 4;
/** SUD killed the task: signal in EXIT_SIGNO (SIGSEGV unreadable selector, SIGSYS bad value). */
export const EXIT_SUD_KILL = 5;
/**
 * popf left EFLAGS.TF set: the instruction retired, and the kernel runs the
 * task one instruction at a time from the next on (each that begins with TF
 * set traps after it), which the run loop does not do itself.
 */
export const EXIT_TRAP_FLAG = 6;

// ---------------------------------------------------------------- CPU
//
//  CPU +0    regs[16] u64 (rax rcx rdx rbx rsp rbp rsi rdi r8..r15, hardware order)
//      +128  rip u64
//      +136  rflags u64 (materialized on exit from run, read on entry)
//      +144  fs_base u64
//      +152  gs_base u64
//      +160  cr3 i32 (page-table root frame) +164 asid i32
//      +168  orig_rax u64 (syscall number as entered)
//      +176  SUD block: +0 flags i32 (bit0 armed, bit1 inclusive-start/end form)
//                       +8 selector u64 +16 offset/start u64 +24 len/end u64
//      +208  TSC_AUX u32 (what rdtscp reads into ecx: the task's CPU, node above)
//      +256  xmm[16] (16 bytes each) for the SSE subset
//      +512  mxcsr i32
//      +528  x87: +0 fcw u16, +2 fsw u16 (TOP in bits 11..13), +4 ftw u8 (bit i: physical
//            register i is in use, fxsave's abridged form), +16 st[8] by physical register,
//            16 bytes each: significand u64, sign and exponent u16
export const CPU = 0x2000;
export const CPU_REGS = CPU + 0;
export const CPU_RIP = CPU + 128;
export const CPU_RFLAGS = CPU + 136;
export const CPU_FS_BASE = CPU + 144;
export const CPU_GS_BASE = CPU + 152;
export const CPU_CR3 = CPU + 160;
export const CPU_ASID = CPU + 164;
export const CPU_ORIG_RAX = CPU + 168;
export const CPU_SUD = CPU + 176;
export const SUD_FLAGS = CPU_SUD + 0;
export const SUD_SELECTOR = CPU_SUD + 8;
export const SUD_OFFSET = CPU_SUD + 16;
export const SUD_LEN = CPU_SUD + 24;
/**
 * The MSR rdtscp reads (Linux writes the CPU number in bits 0..11 and the
 * node above): the engine's one CPU stands in for whichever CPU the running
 * task is on, so the value travels with the task's saved state.
 */
export const CPU_TSC_AUX = CPU + 208;
export const CPU_XMM = CPU + 256;
export const CPU_MXCSR = CPU + 512;
/** The MXCSR bits the CPU implements: what fxsave reports as MXCSR_MASK, what ldmxcsr, fxrstor and PTRACE_SETFPREGS accept. */
export const MXCSR_MASK = 0xffff;
export const CPU_FCW = CPU + 528;
export const CPU_FSW = CPU + 530;
export const CPU_FTW = CPU + 532;
export const CPU_ST = CPU + 544;
/** Bytes of CPU state saved per task (registers, SUD block, xmm, x87). */
export const CPU_STATE_SIZE = 672;

export const SUD_ARMED = 1;
/** patch-v5 stores [start, end] inclusive instead of offset/len. */
export const SUD_RANGE_INCLUSIVE_END = 2;

// ---------------------------------------------------------------- SNAP
//  A copy of the image of the engine's last snapshot (the one its memory
//  last equalled, taken or restored: src/engine/snapshot.ts), kept when its
//  frames fit, so that a restore copies the dirty frames back inside Wasm
//  (copying from a JavaScript array into the shared memory costs more):
//  SNAP_LOW     the ENGINE and CPU blocks, at their offsets from ENGINE
//  SNAP_REFS    the FRAME_REFS entries of FRAMES .. the image's top
//  SNAP_SPANS   u32 per frame: lo | hi << 16, the bytes [lo, hi) outside
//               which the frame is zero (64-byte multiples; lo = hi: all zero)
//  SNAP_FRAMES  the frames FRAMES .. the image's top
export const SNAP = 0x3000;
export const SNAP_LOW = SNAP;
export const SNAP_REFS = SNAP + 0x2000;
export const SNAP_SPANS = SNAP + 0x2800;
export const SNAP_FRAMES = SNAP + 0x3000;
/** The frames that fit between SNAP_FRAMES and TLB_R. */
export const SNAP_FRAMES_MAX = 61;

// ---------------------------------------------------------------- TLBs
//  each entry 16 bytes: +0 tag u64 (virtual page address, or 1 = empty),
//                       +8 host frame address i32, +12 pad
export const TLB_ENTRIES = 1024;
export const TLB_ENTRY_SIZE = 16;
export const TLB_R = 0x43000;
export const TLB_W = TLB_R + TLB_ENTRIES * TLB_ENTRY_SIZE;
export const TLB_X = TLB_W + TLB_ENTRIES * TLB_ENTRY_SIZE;

// ---------------------------------------------------------------- decoded blocks
//  BLOCK_HASH entry 16 bytes: +0 host address of the block's first byte u32
//  (0 = empty), +4 frame generation u32, +8 first record index u32,
//  +12 record count u16, +14 flags u16
export const BLOCK_HASH = 0x73000;
export const BLOCK_HASH_ENTRIES = 16384;
export const BLOCK_ENTRY_SIZE = 16;
//  INSN record 32 bytes (see assembly/cpu/decode.ts); each cached block's
//  records follow a two-record header with its links (assembly/run.ts)
export const INSN_ARENA = 0xb3000;
export const INSN_RECORDS = 65536;
export const INSN_SIZE = 32;

// ---------------------------------------------------------------- frames
//  FRAME_INFO: one u32 per 4 KiB frame of linear memory:
//  bits 0..23 generation (bumped when a frame holding decoded code is written),
//  bit 24 holds-decoded-code, bits 25..31 unused; a u16 reference count
//  array follows at FRAME_REFS.
export const FRAME_INFO = 0x2b3000;
export const FRAME_REFS = FRAME_INFO + MEMORY_MAX_PAGES * 16 * 4;
export const FRAMES = 0x600000;

// ---------------------------------------------------------------- dirty frames
//  The frames written since the last snapshotBegin (assembly/mmu/dirty.ts),
//  so that a restore copies back only those:
//  DIRTY_BITS   one bit per 4 KiB frame of linear memory (32 KiB)
//  DIRTY_COUNT  i32: frames marked (may exceed DIRTY_LIST_MAX: then the list
//               is incomplete and the bitmap is the truth)
//  DIRTY_LIST   u32 frame index (address >> 12) per marked frame, in marking order
export const DIRTY_BITS = 0x4b3000;
export const DIRTY_COUNT = DIRTY_BITS + (MEMORY_MAX_PAGES * 16) / 8;
export const DIRTY_LIST = DIRTY_COUNT + 16;
export const DIRTY_LIST_MAX = 65536;
//  DIRTY_CHUNKS u16 per 4 KiB frame of linear memory: bit c set when bytes
//               [256c, 256c + 256) of the frame may have changed since the last
//               snapshotBegin (0xffff for a frame marked whole). A restore puts
//               back only those parts of a dirty frame: a case writes a few
//               hundred bytes of most of the pages it touches.
export const DIRTY_CHUNKS = 0x433000;
export const DIRTY_CHUNK_SHIFT = 8;

//  TLB_LOG_COUNT i32: TLB fills since the last flush; TLB_LOG: their slot
//  indices (u16), so that a flush empties only the slots in use. Past
//  TLB_LOG_MAX fills a flush empties every slot.
export const TLB_LOG_COUNT = DIRTY_LIST + DIRTY_LIST_MAX * 4;
export const TLB_LOG = TLB_LOG_COUNT + 16;
export const TLB_LOG_MAX = 1024;

// page-table entry bits (u32 entry = frame address | bits)
export const PTE_P = 1;
export const PTE_R = 2;
export const PTE_W = 4;
export const PTE_X = 8;
/** MAP_SHARED: fork shares the frame instead of copying it. */
export const PTE_SHARED = 16;
/**
 * Copy-on-write: the frame may be shared with another address space (fork)
 * or the page cache (exec); it is copied before the first write, unless
 * nobody else holds it any more. PTE_W still says whether writing is allowed.
 */
export const PTE_COW = 32;

// ---------------------------------------------------------------- SIGFRAME
//  A signal frame's parts as assembly/entry/sigframe.ts writes and reads
//  them (the kernel, src/kernel/signals.ts, says where: in place in user
//  memory, or here when a part straddles two pages and is copied):
//  FXSAVE_SCRATCH  a 512-byte fxsave image (also where the fxsave
//                  instruction composes its image before storing it)
//  SIGFRAME_FRAME  a 440-byte rt_sigframe
//  SIGFRAME_IN     what a frame holds besides the CPU's registers, put here
//                  by the kernel before a delivery:
//                  +0 sa_restorer u64   +8 uc_stack.ss_sp u64   +16 ss_flags i32
//                  +24 ss_size u64      +32 uc_sigmask u64      +40 sigcontext err u64
//                  +48 trapno u64       +56 cr2 u64             +64 the fpstate's user address u64
//                  +72 siginfo_t (128 bytes)
//  Scratch, in no snapshot: between TLB_LOG and the Wasm module's own data at 0x500000.
export const FXSAVE_SCRATCH = 0x4fc000;
export const SIGFRAME_FRAME = FXSAVE_SCRATCH + 0x200;
export const SIGFRAME_IN = SIGFRAME_FRAME + 0x200;
export const SFI_RESTORER = 0;
export const SFI_SS_SP = 8;
export const SFI_SS_FLAGS = 16;
export const SFI_SS_SIZE = 24;
export const SFI_MASK = 32;
export const SFI_ERR = 40;
export const SFI_TRAPNO = 48;
export const SFI_CR2 = 56;
export const SFI_FPSTATE = 64;
export const SFI_SIGINFO = 72;
