/**
 * Pipes (Linux: fs/pipe.c): sixteen page buffers with a read end and a
 * write end. A read takes what is there, sleeps while the pipe is empty
 * and a writer remains, and sees end of file once none does. A write puts
 * its first (length mod 4096) bytes into the last buffer when they fit
 * there, then fills new pages while a buffer is free, sleeping for one
 * otherwise: so a write of at most PIPE_BUF bytes goes in whole or not at
 * all, and the pipe holds 65,536 bytes written a byte at a time but fewer
 * written in pieces that do not fill pages. A longer write's progress is
 * kept on the task across its sleeps, and a handler that interrupts it
 * after some bytes went in makes it return their count. A write with no
 * reader left raises SIGPIPE and fails with EPIPE. A named pipe (a FIFO
 * of the file tree) is the same pipe, made when the FIFO is first opened.
 */
import type { Stream } from './kernel.js';
import { TmpFifo } from './tmpfs.js';

export const PIPE_BUF = 4096;
export const PAGE = 4096;
/** Buffers a pipe holds (pipe-max-pages' default: 16, 64 KiB). */
export const PIPE_BUFFERS = 16;

/** One page buffer: its bytes [start, end) are unread. */
interface PipeBuffer {
  readonly page: Uint8Array;
  start: number;
  end: number;
}

export class Pipe {
  /** Unread buffers, oldest first. */
  private bufs: PipeBuffer[] = [];
  /** Unread bytes in all buffers. */
  size = 0;
  /**
   * Events so far on each side (epoll's edge-triggered entries): writes and
   * the last writer's close wake the read side, reads and the last reader's
   * close the write side.
   */
  wakesReaders = 0;
  wakesWriters = 0;
  /** Its pipefs inode, once a /proc/<pid>/fd link has been followed to it. */
  inode: PipefsInode | undefined;
  /** Open descriptions of each end (a FIFO's opens waiting for their other end count). */
  readers = 0;
  writers = 0;
  /**
   * Opens of each end so far (r_counter, w_counter): an open of a FIFO
   * waiting for its other end waits for the other counter to move, so a
   * writer that came and went meanwhile still releases it.
   */
  rCounter = 0;
  wCounter = 0;

  /** ino: the pipe's inode number (fstat's st_ino), distinct for each pipe of a machine. */
  constructor(readonly ino: bigint) {}

  isFull(): boolean {
    return this.bufs.length >= PIPE_BUFFERS;
  }

  /** Whether n bytes fit after the last buffer's data (a write's first n = length mod 4096 bytes go there). */
  fitsLast(n: number): boolean {
    const last = this.bufs[this.bufs.length - 1];
    return last !== undefined && last.end + n <= PAGE;
  }

  appendToLast(data: Uint8Array): void {
    const last = this.bufs[this.bufs.length - 1];
    last.page.set(data, last.end);
    last.end += data.length;
    this.size += data.length;
    this.wakesReaders++;
  }

  /** A new page buffer holding data (at most 4096 bytes); the caller checks isFull first. */
  pushPage(data: Uint8Array): void {
    const page = new Uint8Array(PAGE);
    page.set(data);
    this.bufs.push({ page, start: 0, end: data.length });
    this.size += data.length;
    this.wakesReaders++;
  }

  /** Up to max unread bytes, oldest first, left in the pipe (drop takes them). */
  peek(max: number): Uint8Array {
    const n = Math.min(max, this.size);
    const out = new Uint8Array(n);
    let got = 0;
    for (let i = 0; got < n; i++) {
      const b = this.bufs[i];
      const k = Math.min(b.end - b.start, n - got);
      out.set(b.page.subarray(b.start, b.start + k), got);
      got += k;
    }
    return out;
  }

  drop(n: number): void {
    this.size -= n;
    this.wakesWriters++;
    while (n > 0) {
      const b = this.bufs[0];
      const k = Math.min(b.end - b.start, n);
      b.start += k;
      n -= k;
      if (b.start === b.end) this.bufs.shift();
    }
  }
}

/**
 * An open of a pipe, as the stream its open file description names: one
 * end of pipe(2)'s, or a FIFO opened for reading, writing or both.
 */
export class PipeEnd implements Stream {
  /**
   * filp->f_pipe: the writers' counter this reader saw when it opened
   * without one (a non-blocking open of a FIFO); poll reports no hang-up
   * before a writer has come since.
   */
  fPipe = -1;

  constructor(
    readonly pipe: Pipe,
    readonly readable: boolean,
    readonly writable: boolean,
  ) {
    if (readable) {
      pipe.readers++;
      pipe.rCounter++;
    }
    if (writable) {
      pipe.writers++;
      pipe.wCounter++;
    }
  }

  /** The last descriptor of this end closed. */
  release(): void {
    if (this.writable) {
      this.pipe.writers--;
      this.pipe.wakesReaders++;
    }
    if (this.readable) {
      this.pipe.readers--;
      this.pipe.wakesWriters++;
    }
  }

  linkName(): string {
    return `pipe:[${this.pipe.ino}]`;
  }

  /** The events so far that wake this end's waiters (epoll's edge-triggered entries). */
  wakeups(): number {
    return (this.writable ? this.pipe.wakesWriters : 0) + (this.readable ? this.pipe.wakesReaders : 0);
  }
}

/**
 * An anonymous pipe's inode on pipefs (get_pipe_inode). The pipe's
 * /proc/<pid>/fd links jump to it, so that an open of /dev/fd/<n> (bash's
 * process substitution) opens the same pipe again, as fifo_open opens a
 * FIFO; it has no name in the tree.
 */
export class PipefsInode extends TmpFifo {
  constructor(pipe: Pipe) {
    super(pipe.ino, 0o600, 0n);
    this.pipe = pipe;
  }
}

/**
 * The pipefs inode one of the machine's own streams (what the host gave as
 * stdin, stdout or stderr) shows as: an open of it through /proc/<pid>/fd
 * (/dev/stdout, /dev/stderr) is another description of the same stream.
 */
export class StreamInode extends TmpFifo {
  constructor(readonly stream: Stream, ino: bigint) {
    super(ino, 0o600, 0n);
  }
}

/** An open of a FIFO: a pipe end that names the FIFO's inode and path. */
export class FifoEnd extends PipeEnd {
  constructor(
    readonly fifo: TmpFifo,
    /** Its path (the /proc/self/fd link), which follows a rename. */
    public path: string,
    readable: boolean,
    writable: boolean,
  ) {
    super(fifo.pipe!, readable, writable);
  }

  /** The last of the FIFO's opens frees its pipe, and the bytes left in it (put_pipe_info). */
  release(): void {
    super.release();
    if (this.pipe.readers === 0 && this.pipe.writers === 0 && this.fifo.pipe === this.pipe) this.fifo.pipe = undefined;
  }

  linkName(): string {
    return this.fifo.nlink === 0 ? `${this.path} (deleted)` : this.path;
  }
}
