/**
 * What every socket shares, whatever its family (Linux: struct sock and
 * net/core/sock.c, stream.c): the queue of what was sent to it, the
 * peer it is connected to, a listener's backlog, the sleeps of a read,
 * write, connect or accept (with SO_RCVTIMEO/SO_SNDTIMEO), the pending
 * error (sk_err), EPIPE with SIGPIPE, and the poll events. AF_UNIX
 * (syscalls/socket.ts) and AF_INET/AF_INET6 (syscalls/inet.ts) build on it.
 */
import type { Kernel, Stream } from './kernel.js';
import { Errno, EAGAIN, EINVAL, EPIPE } from './errno.js';
import { OpenFile, O_NONBLOCK, dropFile, holdFile } from './files.js';
import { sleepOnIo } from './syscalls/pipe.js';
import { sleepUntil } from './syscalls/poll.js';
import { sendSignalTo } from './signals.js';
import { killInfo } from './signal_frame.js';
import { TmpSock } from './tmpfs.js';
import type { InetAddr } from './inet.js';

/** Who sent a datagram: an AF_UNIX name (sun_path bytes) or an address and port. */
export type SockName = Uint8Array | InetAddr;

export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const MSG_PEEK = 2;
export const MSG_TRUNC = 0x20;
export const MSG_DONTWAIT = 0x40;
export const MSG_WAITALL = 0x100;
export const MSG_NOSIGNAL = 0x4000;
export const SO_RCVTIMEO = 20;
export const SO_SNDTIMEO = 21;
/** What a socket's queue holds (net.core.wmem_default). */
export const SOCK_BUF = 212992;
export const ECONNREFUSED = 111;
export const EMSGSIZE = 90;
export const ENOTCONN = 107;
export const ECONNRESET = 104;
const SIGPIPE = 13;
export const POLLIN = 0x1;
export const POLLOUT = 0x4;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLRDNORM = 0x40;
export const POLLWRNORM = 0x100;
export const POLLRDHUP = 0x2000;
/** Who made, listened on or connected a socket: what SO_PEERCRED tells its peer. */
export interface Ucred {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

/** SO_PEERCRED of a socket with no peer: pid 0 and ids of -1 (no credentials). */
export const NO_CRED: Ucred = { pid: 0, uid: 0xffffffff, gid: 0xffffffff };

export function credOf(k: Kernel): Ucred {
  const c = k.current.cred;
  return { pid: k.current.tgid, uid: c.euid, gid: c.egid };
}

export class Sock implements Stream {
  /**
   * A stream or seqpacket socket's other end once connected; a datagram
   * socket's peer (socketpair) or default destination (connect).
   */
  peer: Sock | undefined;
  /** What was sent here, not yet read: byte chunks or whole messages, each with what came with it. */
  private inbox: Chunk[] = [];
  /** Bytes of inbox[0] already read (a stream's partial read). */
  private head = 0;
  queued = 0;
  /** SHUT_RD here; SHUT_WR here; every descriptor of this end closed. */
  readShut = false;
  writeShut = false;
  closed = false;
  /** Sends and receives so far (epoll's edge-triggered entries). */
  events = 0;
  /** A connection's server end still in a listener's backlog. */
  embryo = false;
  /** listen(2) was called: connections wait in `backlog` until accepted. */
  listening = false;
  backlog: Sock[] = [];
  maxBacklog = 0;
  /** The bound address as getsockname reports sun_path: a path with its NUL, or an abstract name's bytes. */
  name: Uint8Array | undefined;
  /** Where the name lives: a socket file of the tree, or the abstract namespace (with its key). */
  private binding: TmpSock | { space: Map<string, Sock>; key: string } | undefined;
  /** The process that made it (socketpair), listened on it, or connected it. */
  cred: Ucred = NO_CRED;
  /** SO_PASSCRED: reads report who sent what they take (SCM_CREDENTIALS). */
  passcred = false;
  /** Socket options set and read back without an effect here (SO_REUSEADDR, SO_KEEPALIVE...), and the buffer sizes. */
  options = new Map<number, Uint8Array>();
  /** A pending error the next read or write reports once (sk_err: ECONNRESET when the peer went with data unread). */
  error = 0;
  /** sk_family and the protocol (SO_PROTOCOL: 0 for AF_UNIX). */
  family = AF_UNIX;
  protocol = 0;
  /** A TCP connection the peer reset (RST): the pending error is reported before end of file. */
  rst = false;

  /** ino: the socket's inode number (fstat's st_ino, its /proc/self/fd link). */
  constructor(
    readonly type: number,
    readonly ino: bigint,
  ) {}

  linkName(): string {
    return `socket:[${this.ino}]`;
  }

  /** Something is queued (a message may be empty). */
  pending(): boolean {
    return this.inbox.length > 0;
  }

  /** A TCP socket, whose connection ends differently from an AF_UNIX stream's (FIN and RST). */
  get tcp(): boolean {
    return this.family !== AF_UNIX && this.type === SOCK_STREAM;
  }

  /** What a datagram sent from here says of its sender. */
  sender(): SockName | undefined {
    return this.name;
  }

  get messages(): boolean {
    return this.type !== SOCK_STREAM;
  }

  /** A stream or seqpacket socket, which must connect before it sends or receives. */
  get connectionBased(): boolean {
    return this.type !== SOCK_DGRAM;
  }

  /** Whether a read finds end of file once the queue is empty. */
  eof(): boolean {
    const p = this.peer;
    return this.readShut || (p !== undefined && (p.writeShut || (p.closed && this.type !== SOCK_DGRAM)));
  }

  /** Binds the socket to a name in one of the namespaces. */
  bind(name: Uint8Array, binding: TmpSock | { space: Map<string, Sock>; key: string }): void {
    this.name = name;
    this.binding = binding;
    if (!(binding instanceof TmpSock)) binding.space.set(binding.key, this);
  }

  release(): void {
    this.closed = true;
    const p = this.peer;
    if (p) {
      p.events++;
      // a connection closed with bytes unread, or never accepted, is reset for the other end
      if (this.connectionBased && (this.inbox.length > 0 || this.embryo)) {
        p.error = ECONNRESET;
        // TCP sends a RST: the peer's connection is over both ways (tcp_reset, tcp_done)
        if (this.tcp) p.readShut = p.writeShut = p.rst = true;
      }
    }
    // connections never accepted are closed with the listener; the name frees (a socket file stays)
    // descriptors in flight to it are closed with it
    for (const c of this.inbox) if (c.rights) for (const f of c.rights) dropFile(f);
    for (const c of this.backlog) {
      c.embryo = true;
      c.release();
    }
    this.backlog = [];
    const b = this.binding;
    if (b instanceof TmpSock) b.socket = undefined;
    else if (b && b.space.get(b.key) === this) b.space.delete(b.key);
  }

  wakeups(): number {
    return this.events;
  }

  readyEvents(): number {
    if (this.listening) return this.backlog.length > 0 ? POLLIN | POLLRDNORM : 0;
    const p = this.peer;
    // an unconnected stream: hung up, and writable, as Linux's unix_poll says; readable once shut down
    if (this.connectionBased && !p) return POLLOUT | POLLWRNORM | POLLHUP | (this.readShut ? POLLIN | POLLRDNORM | POLLRDHUP : 0);
    let r = 0;
    if (this.pending() || this.eof()) r |= POLLIN | POLLRDNORM;
    if (this.eof()) r |= POLLRDHUP;
    if (!this.writeShut && (!p || (!p.closed && SOCK_BUF - p.queued > 0))) r |= POLLOUT | POLLWRNORM;
    if (p && (this.readShut || p.writeShut || p.closed) && (this.writeShut || p.readShut || p.closed)) r |= POLLHUP;
    return r;
  }

  sysRead(k: Kernel, f: OpenFile, max: number): Uint8Array {
    const r = recv(k, f, this, max, 0);
    dropRights(k, r, false);
    return r.data;
  }

  sysWrite(k: Kernel, f: OpenFile, n: number, read: (off: number, len: number) => Uint8Array): bigint {
    return send(k, f, this, n, read, 0, undefined);
  }

  /** Adds what was sent here, with its sender's name (datagrams), descriptors in flight and credentials. */
  put(data: Uint8Array, from: SockName | undefined, rights: OpenFile[] | undefined, cred: Ucred): void {
    this.inbox.push({ data, from, rights, cred });
    this.queued += data.length;
    this.events++;
  }

  /** What a read could take now: all the bytes of a stream, the next message of the others (FIONREAD). */
  inq(): number {
    if (!this.messages) return this.queued;
    return this.inbox[0]?.data.length ?? 0;
  }

  /** The sender of the next message (datagrams). */
  nextSender(): SockName | undefined {
    return this.inbox[0]?.from;
  }

  /**
   * Up to max bytes (a stream) or the next message (cut to max); `peek`
   * leaves them queued. Also the message's full length, the descriptors
   * that came with what was read (taken out of the queue unless peeking)
   * and the first piece's credentials. A stream read stops after a piece
   * that carried descriptors, and, when credentials are asked for
   * (SO_PASSCRED), before a piece from another writer, as
   * unix_stream_read_generic never glues those.
   */
  take(max: number, peek: boolean, byWriter: boolean): Taken {
    if (this.messages) {
      const m = this.inbox[0];
      if (!peek) {
        this.inbox.shift();
        this.queued -= m.data.length;
        if (this.peer) this.peer.events++;
      }
      return { data: m.data.subarray(0, Math.min(max, m.data.length)), full: m.data.length, rights: m.rights, cred: m.cred };
    }
    const first = this.inbox[0];
    let rights: OpenFile[] | undefined;
    const parts: Uint8Array[] = [];
    let got = 0;
    let i = 0;
    let head = this.head;
    while (got < max && i < this.inbox.length) {
      const c = this.inbox[i];
      if (byWriter && i > 0 && !sameCred(c.cred, first.cred)) break;
      const k = Math.min(c.data.length - head, max - got);
      parts.push(c.data.subarray(head, head + k));
      got += k;
      head += k;
      const carried = c.rights;
      if (carried) {
        rights = carried;
        if (!peek) c.rights = undefined;
      }
      if (head === c.data.length) {
        i++;
        head = 0;
      }
      if (carried) break;
    }
    const out = new Uint8Array(got);
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    if (!peek) {
      this.inbox.splice(0, i);
      this.head = head;
      this.queued -= got;
      if (this.peer) this.peer.events++;
    }
    return { data: out, full: got, rights, cred: first.cred };
  }
}

/** What a sendmsg's control messages carry: descriptors to pass (SCM_RIGHTS) and credentials (SCM_CREDENTIALS). */
export interface Control {
  rights: OpenFile[] | undefined;
  cred: Ucred | undefined;
}

export const NO_CONTROL: Control = { rights: undefined, cred: undefined };

/** Descriptors put in flight: each description held, so that closing the sender's descriptor leaves it open. */
export function holdRights(rights: OpenFile[] | undefined): OpenFile[] | undefined {
  if (!rights) return undefined;
  for (const f of rights) holdFile(f);
  return rights.slice();
}

/** A piece of what was sent: bytes (a stream's) or a message, and what came with it. */
export interface Chunk {
  data: Uint8Array;
  /** A datagram's sender's name (undefined: an unnamed sender). */
  from: SockName | undefined;
  /** Descriptors in flight (SCM_RIGHTS), one reference held on each. */
  rights: OpenFile[] | undefined;
  /** Who sent it (or the SCM_CREDENTIALS it carried). */
  cred: Ucred;
}

/** What a read takes out of a socket's queue. */
export interface Taken {
  data: Uint8Array;
  /** The message's full length (MSG_TRUNC). */
  full: number;
  rights: OpenFile[] | undefined;
  cred: Ucred | undefined;
}

export const sameCred = (a: Ucred, b: Ucred): boolean => a.pid === b.pid && a.uid === b.uid && a.gid === b.gid;

export const nonblocking = (f: OpenFile, flags: number): boolean => (f.flags & O_NONBLOCK) !== 0 || (flags & MSG_DONTWAIT) !== 0;

/**
 * A read or recv: what it takes (recvmsg passes on the descriptors that
 * came with it; the other reads close them, as a recvmsg without room for
 * them does).
 */
export function recv(k: Kernel, f: OpenFile, s: Sock, max: number, flags: number): Taken {
  // a stream socket that is listening or not connected has nothing to read from
  if (s.listening || (s.connectionBased && !s.peer)) throw new Errno(s.tcp ? ENOTCONN : EINVAL);
  if (!s.tcp) takeError(s);
  if (!s.pending()) {
    // TCP reports an error once its queue is drained, unless the peer's FIN came first (tcp_recvmsg's SOCK_DONE)
    const p = s.peer!;
    if (s.tcp && !(p.writeShut || (p.closed && !s.rst))) takeError(s);
    if (s.eof()) return { data: new Uint8Array(0), full: 0, rights: undefined, cred: undefined };
    if (nonblocking(f, flags)) throw new Errno(EAGAIN);
    sleepOnSocket(k, s, SO_RCVTIMEO);
  }
  // MSG_WAITALL on a stream: all of it, unless the peer is done first (or the timeout: then what came)
  if (!s.messages && (flags & MSG_WAITALL) && s.queued < max && !s.eof() && !nonblocking(f, flags) && !timedOut(k, s, SO_RCVTIMEO)) sleepOnSocket(k, s, SO_RCVTIMEO);
  doneWaiting(k);
  const r = s.take(max, (flags & MSG_PEEK) !== 0, s.passcred);
  if (!(flags & MSG_PEEK)) k.wakeIo();
  return r;
}

/** Closes descriptors that arrived where there is no room for them (a read without control space). */
export function dropRights(k: Kernel, r: Taken, peeked: boolean): void {
  if (!r.rights || peeked) return;
  for (const f of r.rights) dropFile(f);
  // a pipe end closed so may end a sleeping reader's wait
  k.wakeIo();
}

/**
 * A write or send of n bytes that `read` fetches, to the peer or, for a
 * datagram, to `to` (a sendto's address) or the default destination.
 */
export function send(
  k: Kernel, f: OpenFile, s: Sock, n: number, read: (off: number, len: number) => Uint8Array, flags: number, to: Sock | undefined,
  control: Control = NO_CONTROL,
): bigint {
  const t = k.current;
  const p = to ?? s.peer;
  if (s.tcp && s.error === EPIPE) {
    s.error = 0;
    return pipeGone(k, flags);
  }
  if (s.connectionBased) takeError(s);
  if (!p) {
    // an unconnected TCP socket: EPIPE, as sk_stream_wait_connect has it
    if (s.writeShut || s.tcp) return pipeGone(k, flags);
    throw new Errno(ENOTCONN);
  }
  if (s.tcp) {
    if (s.writeShut) return pipeGone(k, flags);
    if (p.closed) {
      // the peer has closed (its FIN came): this write is sent and met by a RST, which ends
      // the connection and leaves EPIPE pending (tcp_reset in CLOSE_WAIT)
      s.readShut = s.writeShut = true;
      s.error = EPIPE;
      s.events++;
      doneWaiting(k);
      k.wakeIo();
      return BigInt(n);
    }
  } else if (s.writeShut || p.closed || p.readShut) {
    if (s.type === SOCK_DGRAM && p.closed) throw new Errno(ECONNREFUSED);
    return pipeGone(k, flags);
  }
  if (s.messages) {
    if (n > SOCK_BUF) throw new Errno(EMSGSIZE);
    if (SOCK_BUF - p.queued < n) {
      if (nonblocking(f, flags)) throw new Errno(EAGAIN);
      sleepOnSocket(k, s, SO_SNDTIMEO);
    }
    doneWaiting(k);
    p.put(n > 0 ? read(0, n) : new Uint8Array(0), s.sender(), holdRights(control.rights), control.cred ?? credOf(k));
    k.wakeIo();
    return BigInt(n);
  }
  // a stream: what fits now, the rest as room appears (the progress kept across the sleeps)
  let done = t.pipeWritten ?? 0;
  t.pipeWritten = undefined;
  const room = SOCK_BUF - p.queued;
  if (room > 0 && done < n) {
    const len = Math.min(room, n - done);
    // descriptors go with the first piece of the call (a call that slept has put them already)
    p.put(read(done, len), undefined, done === 0 ? holdRights(control.rights) : undefined, control.cred ?? credOf(k));
    done += len;
    k.wakeIo();
  }
  if (done === n || (done > 0 && timedOut(k, s, SO_SNDTIMEO))) {
    doneWaiting(k);
    return BigInt(done);
  }
  if (nonblocking(f, flags)) {
    if (done > 0) return BigInt(done);
    throw new Errno(EAGAIN);
  }
  t.pipeWritten = done;
  sleepOnSocket(k, s, SO_SNDTIMEO);
}

/** A socket's SO_RCVTIMEO or SO_SNDTIMEO in ns (0: none). */
export function timeoutOf(s: Sock, option: number): bigint {
  const raw = s.options.get(option);
  if (!raw) return 0n;
  const dv = new DataView(raw.buffer);
  return dv.getBigInt64(0, true) * 1_000_000_000n + dv.getBigInt64(8, true) * 1000n;
}

/**
 * The socket call sleeps until woken, or under a timeout until it has
 * passed, and then fails with EAGAIN (a call that got somewhere returns
 * that instead: timedOut).
 */
export function sleepOnSocket(k: Kernel, s: Sock, option: number): never {
  const ns = timeoutOf(s, option);
  if (ns <= 0n) sleepOnIo(k);
  sleepUntil(k, ns, true);
  throw new Errno(EAGAIN);
}

/** Whether the call's timeout (set when it first slept) has passed. */
export function timedOut(k: Kernel, s: Sock, option: number): boolean {
  const until = k.current.sleepUntil;
  return timeoutOf(s, option) > 0n && until !== undefined && k.clockNs() >= until;
}

/** The call goes on: a deadline it slept under is done with. */
export function doneWaiting(k: Kernel): void {
  const t = k.current;
  t.sleepUntil = undefined;
  t.inPoll = false;
}

/** Reports (and clears) the socket's pending error, as sock_error does. */
export function takeError(s: Sock): void {
  const e = s.error;
  if (e === 0) return;
  s.error = 0;
  throw new Errno(e);
}

/** A send on a connection that is gone: SIGPIPE unless MSG_NOSIGNAL, and EPIPE. */
export function pipeGone(k: Kernel, flags: number): never {
  const t = k.current;
  if (!(flags & MSG_NOSIGNAL)) sendSignalTo(t, SIGPIPE, killInfo(SIGPIPE, 0, t.tgid, 0));
  throw new Errno(EPIPE);
}

