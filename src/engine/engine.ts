/**
 * The Wasm engine of one machine: one shared `WebAssembly.Memory` created
 * here and imported by the module, plus typed views on it. Guest memory,
 * page tables, the register file and the exit record all live in that
 * memory; TypeScript reads and writes them through the views, never copies.
 */
import { instantiateSync } from '@assemblyscript/loader';
import { nodeBuiltin } from './node_builtins.js';
import * as L from './layout.js';

const FRAME_TOP_WORD = L.FRAME_TOP >>> 2;

/** The engine module's exports (see assembly/index.ts). */
export interface EngineExports {
  init(): void;
  run(budget: number): number;
  frameAlloc(): number;
  frameRef(f: number): void;
  frameUnref(f: number): void;
  /** Before the kernel writes a frame it holds itself (a tmpfs file's page): dirty, its decoded code retired. */
  frameWrite(f: number): void;
  ptNewRoot(): number;
  ptMap(root: number, va: bigint, frame: number, bits: number): number;
  ptUnmap(root: number, va: bigint): void;
  ptProtect(root: number, va: bigint, bits: number): number;
  ptGet(root: number, va: bigint): number;
  ptMapRange(root: number, va: bigint, npages: bigint, bits: number): number;
  ptUnmapRange(root: number, va: bigint, npages: bigint): void;
  ptProtectRange(root: number, va: bigint, npages: bigint, bits: number): void;
  /** mremap: moves the entries of npages from va to to (unmapped there), frames and bits kept; -1 out of memory. */
  ptMoveRange(root: number, va: bigint, to: bigint, npages: bigint): number;
  ptClone(root: number): number;
  ptDestroy(root: number): void;
  kernAddr(root: number, va: bigint, write: number, len: number): number;
  kernAddrForce(root: number, va: bigint, len: number): number;
  tlbFlush(): void;
  blockCacheFlush(): void;
  mmuChanged(root: number): void;
  decode(va: bigint, rec: number): number;
  /** The FPU state a signal handler starts with (x87 reset and zero, xmm zero, MXCSR at reset). */
  fpuInit(): void;
  /** A signal frame's fxsave image of the CPU's x87 and SSE state, at host address at. */
  sigframeFpstate(at: number): void;
  /** The CPU's x87 and SSE state from the fxsave image at host address at (its MXCSR checked by the caller). */
  fxrstorImage(at: number): void;
  /** The rt_sigframe at host address at, from the registers and SIGFRAME_IN (layout.ts); siginfo only withInfo. */
  sigframeWrite(at: number, withInfo: boolean): void;
  /** rt_sigreturn's restore of the registers from the frame at at, and of the FPU from the fxsave image at fp unless it is 0. */
  sigframeRestore(at: number, fp: number): void;
  snapshotBegin(): void;
  snapshotRestored(sameImage: number): void;
  markDirtyRange(start: number, end: number): void;
  dirtyRestorePass(top: number): void;
  /** Keeps a copy of the image just taken in SNAP (layout.ts), when its frames fit. */
  snapshotKeep(top: number): void;
  /** The whole memory restore from the image kept in SNAP. */
  snapshotRestoreKept(top: number, engineEnd: number, cpuEnd: number): void;
}

let compiled: WebAssembly.Module | undefined;

/**
 * Supplies the compiled engine module. Node finds `build/engine.wasm` by
 * itself; a browser (or a bundler) calls this once with the module or its
 * bytes before creating machines.
 */
export function setEngineModule(m: WebAssembly.Module | BufferSource): void {
  compiled = m instanceof WebAssembly.Module ? m : new WebAssembly.Module(m);
}

/** Compiles the engine from a URL or bytes, asynchronously (browsers). */
export async function loadEngineModule(source: string | URL | BufferSource): Promise<void> {
  if (typeof source === 'string' || source instanceof URL) {
    const res = await fetch(source);
    compiled = await WebAssembly.compile(await res.arrayBuffer());
  } else {
    compiled = await WebAssembly.compile(source);
  }
}

function nodeEngineModule(): WebAssembly.Module {
  const fs = nodeBuiltin('fs');
  const url = nodeBuiltin('url');
  const path = nodeBuiltin('path');
  if (!fs || !url || !path) {
    throw new Error('sudsim: no engine module; call setEngineModule() or loadEngineModule() first');
  }
  const here = path.dirname(url.fileURLToPath(import.meta.url));
  // src/engine (ts-jest) and dist/src/engine (compiled) both reach build/ by walking up
  let dir = here;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'build', 'engine.wasm');
    if (fs.existsSync(candidate)) return new WebAssembly.Module(fs.readFileSync(candidate));
    dir = path.dirname(dir);
  }
  throw new Error('sudsim: build/engine.wasm not found; run `npm run build`');
}

/** One engine instance over its own shared memory. */
export class Engine {
  readonly memory: WebAssembly.Memory;
  readonly x: EngineExports;
  private buf!: ArrayBufferLike;
  private u8view!: Uint8Array;
  private dview!: DataView;
  private u32view!: Uint32Array;
  private i32view!: Int32Array;
  private len = 0;

  constructor() {
    if (!compiled) compiled = nodeEngineModule();
    this.memory = new WebAssembly.Memory({
      initial: L.MEMORY_INITIAL_PAGES,
      maximum: L.MEMORY_MAX_PAGES,
      shared: true,
    });
    const imports = {
      env: {
        memory: this.memory,
        abort: (_msg: number, _file: number, line: number, col: number) => {
          throw new Error(`sudsim engine abort at ${line}:${col}`);
        },
      },
    };
    const inst = instantiateSync<Record<string, unknown>>(compiled, imports);
    // the instance's own exports, called directly: the loader's demangled ones put a JavaScript
    // wrapper with rest arguments before each (for optional arguments, which none of them
    // takes), a cost on every call the kernel makes into the engine
    this.x = inst.instance.exports as unknown as EngineExports;
    this.refresh();
    this.x.init();
  }

  private refresh(): void {
    this.buf = this.memory.buffer;
    this.len = this.buf.byteLength;
    this.u8view = new Uint8Array(this.buf);
    this.dview = new DataView(this.buf);
    this.u32view = new Uint32Array(this.buf, 0, FRAME_TOP_WORD + 1);
    this.i32view = new Int32Array(this.buf);
  }

  /**
   * Memory grows only when frameAlloc moves FRAME_TOP past its end (and it
   * never shrinks; a shared memory never moves): the views stay good while
   * FRAME_TOP fits them. Reading it costs far less than `memory.buffer`,
   * which makes a new SharedArrayBuffer object on each access.
   */
  private stale(): boolean {
    return this.u32view[FRAME_TOP_WORD] > this.len;
  }

  /** Bytes of the whole shared memory (re-taken after the engine grows it). */
  get u8(): Uint8Array {
    if (this.stale()) this.refresh();
    return this.u8view;
  }

  /** The whole shared memory as 32-bit words (word copies of aligned data: registers, frames). */
  get i32v(): Int32Array {
    if (this.stale()) this.refresh();
    return this.i32view;
  }

  get dv(): DataView {
    if (this.stale()) this.refresh();
    return this.dview;
  }

  i32(addr: number): number { return this.dv.getInt32(addr, true); }
  u32(addr: number): number { return this.dv.getUint32(addr, true); }
  u64(addr: number): bigint { return this.dv.getBigUint64(addr, true); }
  setI32(addr: number, v: number): void { this.dv.setInt32(addr, v, true); }
  // setBigUint64 wraps any bigint modulo 2^64 (ToBigUint64), as BigInt.asUintN(64, v) would
  setU64(addr: number, v: bigint): void { this.dv.setBigUint64(addr, v, true); }
}
