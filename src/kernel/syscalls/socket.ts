/**
 * socketpair's connected AF_UNIX sockets (Linux: net/unix/af_unix.c):
 * each end queues what the other sends, as a byte stream (SOCK_STREAM) or
 * as whole messages (SOCK_DGRAM, SOCK_SEQPACKET). A read sleeps while
 * nothing is queued, or sees end of file once the peer has closed or shut
 * down its writing (a datagram socket's peer closing ends nothing); a
 * write sleeps while the peer's queue lacks room, and with the peer gone
 * fails with EPIPE (raising SIGPIPE unless MSG_NOSIGNAL) or, for a
 * datagram, ECONNREFUSED. Both honour O_NONBLOCK and MSG_DONTWAIT, and
 * recv MSG_PEEK, MSG_WAITALL and MSG_TRUNC. Control messages (passing
 * descriptors) are not carried: sendmsg with any fails with EOPNOTSUPP.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel, Stream } from '../kernel.js';
import { Errno, EAGAIN, EBADF, EINVAL, EMFILE, EPIPE } from '../errno.js';
import { copyFromUser, copyToUser, writeU32 } from '../uaccess.js';
import { OpenFile, O_CLOEXEC, O_NONBLOCK, O_RDWR } from '../files.js';
import { sleepOnIo } from './pipe.js';
import { sendSignalTo } from '../signals.js';
import { killInfo } from '../signal_frame.js';
import { iovecs, iovReader, iovTotal, scatter } from './fs.js';

const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_SEQPACKET = 5;
const MSG_PEEK = 2;
const MSG_TRUNC = 0x20;
const MSG_DONTWAIT = 0x40;
const MSG_WAITALL = 0x100;
const MSG_NOSIGNAL = 0x4000;
const SHUT_RD = 0;
const SHUT_RDWR = 2;
const SOL_SOCKET = 1;
const SO_TYPE = 3;
const SO_ERROR = 4;
const SO_SNDBUF = 7;
const SO_RCVBUF = 8;
const SO_ACCEPTCONN = 30;
const SO_DOMAIN = 39;
const SO_PROTOCOL = 38;
/** What a socket's queue holds (net.core.wmem_default). */
const SOCK_BUF = 212992;
const EAFNOSUPPORT = 97;
/** AF_MAX: the families Linux numbers. */
const AF_MAX = 46;
const EPROTONOSUPPORT = 93;
const ESOCKTNOSUPPORT = 94;
const ENOTSOCK = 88;
const EOPNOTSUPP = 95;
const ECONNREFUSED = 111;
const EMSGSIZE = 90;
const EISCONN = 106;
const ENOPROTOOPT = 92;
const SIGPIPE = 13;
const POLLIN = 0x1;
const POLLOUT = 0x4;
const POLLHUP = 0x10;
const POLLRDNORM = 0x40;
const POLLWRNORM = 0x100;
const POLLRDHUP = 0x2000;

export class UnixSocket implements Stream {
  /** The other end (set as the pair is made). */
  peer!: UnixSocket;
  /** What the peer sent, not yet read: byte chunks or whole messages. */
  private inbox: Uint8Array[] = [];
  /** Bytes of inbox[0] already read (a stream's partial read). */
  private head = 0;
  queued = 0;
  /** SHUT_RD here; SHUT_WR here; every descriptor of this end closed. */
  readShut = false;
  writeShut = false;
  closed = false;
  /** Sends and receives so far (epoll's edge-triggered entries). */
  events = 0;

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

  get messages(): boolean {
    return this.type !== SOCK_STREAM;
  }

  /** Whether a read finds end of file once the queue is empty. */
  eof(): boolean {
    return this.readShut || this.peer.writeShut || (this.peer.closed && this.type !== SOCK_DGRAM);
  }

  release(): void {
    this.closed = true;
    this.peer.events++;
  }

  wakeups(): number {
    return this.events;
  }

  readyEvents(): number {
    let r = 0;
    if (this.pending() || this.eof()) r |= POLLIN | POLLRDNORM;
    if (this.eof()) r |= POLLRDHUP;
    if (!this.writeShut && !this.peer.closed && SOCK_BUF - this.peer.queued > 0) r |= POLLOUT | POLLWRNORM;
    if ((this.readShut || this.peer.writeShut || this.peer.closed) && (this.writeShut || this.peer.readShut || this.peer.closed)) r |= POLLHUP;
    return r;
  }

  sysRead(k: Kernel, f: OpenFile, max: number): Uint8Array {
    return recv(k, f, this, max, 0).data;
  }

  sysWrite(k: Kernel, f: OpenFile, n: number, read: (off: number, len: number) => Uint8Array): bigint {
    return send(k, f, this, n, read, 0);
  }

  /** Adds what the peer sent. */
  put(data: Uint8Array): void {
    this.inbox.push(data);
    this.queued += data.length;
    this.events++;
  }

  /** Up to max bytes (a stream) or the next message (cut to max); `peek` leaves them queued. Also the message's full length. */
  take(max: number, peek: boolean): { data: Uint8Array; full: number } {
    if (this.messages) {
      const m = this.inbox[0];
      if (!peek) {
        this.inbox.shift();
        this.queued -= m.length;
        this.peer.events++;
      }
      return { data: m.subarray(0, Math.min(max, m.length)), full: m.length };
    }
    const n = Math.min(max, this.queued);
    const out = new Uint8Array(n);
    let got = 0;
    let i = 0;
    let head = this.head;
    while (got < n) {
      const c = this.inbox[i];
      const k = Math.min(c.length - head, n - got);
      out.set(c.subarray(head, head + k), got);
      got += k;
      head += k;
      if (head === c.length) {
        i++;
        head = 0;
      }
    }
    if (!peek) {
      this.inbox.splice(0, i);
      this.head = head;
      this.queued -= n;
      this.peer.events++;
    }
    return { data: out, full: n };
  }
}

const nonblocking = (f: OpenFile, flags: number): boolean => (f.flags & O_NONBLOCK) !== 0 || (flags & MSG_DONTWAIT) !== 0;

/** A read or recv: what it returns, and whether a message was cut short (MSG_TRUNC). */
function recv(k: Kernel, f: OpenFile, s: UnixSocket, max: number, flags: number): { data: Uint8Array; full: number } {
  if (!s.pending()) {
    if (s.eof()) return { data: new Uint8Array(0), full: 0 };
    if (nonblocking(f, flags)) throw new Errno(EAGAIN);
    sleepOnIo(k);
  }
  // MSG_WAITALL on a stream: all of it, unless the peer is done first
  if (!s.messages && (flags & MSG_WAITALL) && s.queued < max && !s.eof() && !nonblocking(f, flags)) sleepOnIo(k);
  const r = s.take(max, (flags & MSG_PEEK) !== 0);
  if (!(flags & MSG_PEEK)) k.wakeIo();
  return r;
}

/** A write or send of n bytes that `read` fetches. */
function send(k: Kernel, f: OpenFile, s: UnixSocket, n: number, read: (off: number, len: number) => Uint8Array, flags: number): bigint {
  const t = k.current;
  const p = s.peer;
  if (s.writeShut || p.closed || p.readShut) {
    if (s.type === SOCK_DGRAM && p.closed) throw new Errno(ECONNREFUSED);
    if (!(flags & MSG_NOSIGNAL)) sendSignalTo(t, SIGPIPE, killInfo(SIGPIPE, 0, t.tgid, 0));
    throw new Errno(EPIPE);
  }
  if (s.messages) {
    if (n > SOCK_BUF) throw new Errno(EMSGSIZE);
    if (SOCK_BUF - p.queued < n) {
      if (nonblocking(f, flags)) throw new Errno(EAGAIN);
      sleepOnIo(k);
    }
    p.put(n > 0 ? read(0, n) : new Uint8Array(0));
    k.wakeIo();
    return BigInt(n);
  }
  // a stream: what fits now, the rest as room appears (the progress kept across the sleeps)
  let done = t.pipeWritten ?? 0;
  t.pipeWritten = undefined;
  const room = SOCK_BUF - p.queued;
  if (room > 0 && done < n) {
    const len = Math.min(room, n - done);
    p.put(read(done, len));
    done += len;
    k.wakeIo();
  }
  if (done === n) return BigInt(n);
  if (nonblocking(f, flags)) {
    if (done > 0) return BigInt(done);
    throw new Errno(EAGAIN);
  }
  t.pipeWritten = done;
  sleepOnIo(k);
}

function socketOf(k: Kernel, fd: number): { f: OpenFile; s: UnixSocket } {
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  if (!(f.stream instanceof UnixSocket)) throw new Errno(ENOTSOCK);
  return { f, s: f.stream };
}

function socketpair(k: Kernel, domain: number, typeFlags: number, protocol: number, sv: bigint): bigint {
  if (typeFlags & ~(0xf | O_NONBLOCK | O_CLOEXEC)) throw new Errno(EINVAL);
  // as __sys_socketpair: the two descriptors are chosen and written out before the sockets are
  // made, so a failure below still leaves their numbers in sv
  const files = k.current.files;
  const fa = files.lowestFree(0, k.fdLimit());
  const fb = fa < 0 ? -1 : files.lowestFree(fa + 1, k.fdLimit());
  if (fa < 0 || fb < 0) throw new Errno(EMFILE);
  const out = new Uint8Array(8);
  const dv = new DataView(out.buffer);
  dv.setInt32(0, fa, true);
  dv.setInt32(4, fb, true);
  copyToUser(k.mm, sv, out);
  // a family this kernel knows that has no socketpair, or none at all
  if (domain !== AF_UNIX) throw new Errno(domain > 0 && domain < AF_MAX ? EOPNOTSUPP : EAFNOSUPPORT);
  const type = typeFlags & 0xf;
  if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) throw new Errno(ESOCKTNOSUPPORT);
  if (protocol !== 0) throw new Errno(EPROTONOSUPPORT);
  const a = new UnixSocket(type, k.nextIno());
  const b = new UnixSocket(type, k.nextIno());
  a.peer = b;
  b.peer = a;
  const flags = O_RDWR | (typeFlags & O_NONBLOCK);
  const cloexec = (typeFlags & O_CLOEXEC) !== 0;
  files.set(fa, new OpenFile(a, flags), cloexec);
  files.set(fb, new OpenFile(b, flags), cloexec);
  return 0n;
}

/** A struct msghdr at addr: its iovecs and control length. */
function msghdr(k: Kernel, addr: bigint): { vecs: [bigint, bigint][]; controlLen: bigint; raw: DataView } {
  const raw = new DataView(copyFromUser(k.mm, addr, 56).buffer);
  return {
    vecs: iovecs(k, raw.getBigUint64(16, true), raw.getBigUint64(24, true)),
    controlLen: raw.getBigUint64(40, true),
    raw,
  };
}

export const socketSyscalls: SyscallRow[] = [
  row(53, 'socketpair', 'dddp', (k, a) => socketpair(k, a.i32(0), a.i32(1), a.i32(2), a.u64(3))),
  row(48, 'shutdown', 'dd', (k, a) => {
    const { s } = socketOf(k, a.i32(0));
    const how = a.i32(1);
    if (how < SHUT_RD || how > SHUT_RDWR) throw new Errno(EINVAL);
    if (how !== 1) s.readShut = true;
    if (how !== SHUT_RD) s.writeShut = true;
    s.events++;
    s.peer.events++;
    k.wakeIo();
    return 0n;
  }),
  // sendto and recvfrom on a connected pair: no address (sendto with one is EISCONN)
  row(44, 'sendto', 'dbudpd', (k, a) => {
    const { f, s } = socketOf(k, a.i32(0));
    if (a.u32(5) !== 0) throw new Errno(EISCONN);
    const buf = a.u64(1);
    return send(k, f, s, Number(a.u64(2) > 0x7ffff000n ? 0x7ffff000n : a.u64(2)), (off, len) => copyFromUser(k.mm, buf + BigInt(off), len), a.i32(3));
  }),
  row(45, 'recvfrom', 'dpudpp', (k, a) => {
    const { f, s } = socketOf(k, a.i32(0));
    const flags = a.i32(3);
    const r = recv(k, f, s, Number(a.u64(2) > 0x7ffff000n ? 0x7ffff000n : a.u64(2)), flags);
    if (r.data.length > 0) copyToUser(k.mm, a.u64(1), r.data);
    // an unnamed peer: no address to report
    if (a.u64(5) !== 0n) writeU32(k.mm, a.u64(5), 0);
    return BigInt(flags & MSG_TRUNC ? r.full : r.data.length);
  }),
  row(46, 'sendmsg', 'dpd', (k, a) => {
    const { f, s } = socketOf(k, a.i32(0));
    const m = msghdr(k, a.u64(1));
    if (m.raw.getUint32(8, true) !== 0) throw new Errno(EISCONN);
    if (m.controlLen !== 0n) throw new Errno(EOPNOTSUPP);
    return send(k, f, s, iovTotal(m.vecs), iovReader(k, m.vecs), a.i32(2));
  }),
  row(47, 'recvmsg', 'dpd', (k, a) => {
    const { f, s } = socketOf(k, a.i32(0));
    const m = msghdr(k, a.u64(1));
    const flags = a.i32(2);
    const r = recv(k, f, s, iovTotal(m.vecs), flags);
    scatter(k, m.vecs, r.data);
    // no address, no control data; msg_flags says whether a message was cut short
    const out = new Uint8Array(56);
    out.set(new Uint8Array(m.raw.buffer));
    const dv = new DataView(out.buffer);
    dv.setUint32(8, 0, true);
    dv.setBigUint64(40, 0n, true);
    dv.setInt32(48, r.full > r.data.length ? MSG_TRUNC : 0, true);
    copyToUser(k.mm, a.u64(1), out);
    return BigInt(flags & MSG_TRUNC ? r.full : r.data.length);
  }),
  row(55, 'getsockopt', 'dddpp', (k, a) => {
    const { s } = socketOf(k, a.i32(0));
    if (a.i32(1) !== SOL_SOCKET) throw new Errno(ENOPROTOOPT);
    let v: number;
    switch (a.i32(2)) {
      case SO_TYPE: v = s.type; break;
      case SO_DOMAIN: v = AF_UNIX; break;
      case SO_PROTOCOL: v = 0; break;
      case SO_ERROR: v = 0; break;
      case SO_ACCEPTCONN: v = 0; break;
      case SO_SNDBUF: case SO_RCVBUF: v = SOCK_BUF; break;
      default: throw new Errno(ENOPROTOOPT);
    }
    const len = new DataView(copyFromUser(k.mm, a.u64(4), 4).buffer).getInt32(0, true);
    if (len < 0) throw new Errno(EINVAL);
    const out = new Uint8Array(4);
    new DataView(out.buffer).setInt32(0, v, true);
    const n = Math.min(len, 4);
    if (n > 0) copyToUser(k.mm, a.u64(3), out.subarray(0, n));
    writeU32(k.mm, a.u64(4), n);
    return 0n;
  }),
  // an unnamed socket's address: the family alone
  row(51, 'getsockname', 'dpp', (k, a) => sockname(k, a.i32(0), a.u64(1), a.u64(2))),
  row(52, 'getpeername', 'dpp', (k, a) => sockname(k, a.i32(0), a.u64(1), a.u64(2))),
];

function sockname(k: Kernel, fd: number, addr: bigint, lenAddr: bigint): bigint {
  socketOf(k, fd);
  const len = new DataView(copyFromUser(k.mm, lenAddr, 4).buffer).getInt32(0, true);
  if (len < 0) throw new Errno(EINVAL);
  const fam = new Uint8Array([AF_UNIX, 0]);
  if (len > 0) copyToUser(k.mm, addr, fam.subarray(0, Math.min(len, 2)));
  writeU32(k.mm, lenAddr, 2);
  return 0n;
}
