/**
 * AF_UNIX sockets (Linux: net/unix/af_unix.c): socketpair's connected
 * pairs, and sockets made by socket(2) that bind a name (a path, which
 * makes a socket file in the tree, an abstract name, or an autobound one),
 * listen, connect and accept. Each end queues what the other sends, as a
 * byte stream (SOCK_STREAM) or as whole messages (SOCK_DGRAM,
 * SOCK_SEQPACKET); a datagram socket also takes messages sent to its name
 * and reports who sent them. A read sleeps while nothing is queued, or
 * sees end of file once the peer has closed or shut down its writing (a
 * datagram socket's peer closing ends nothing); a write sleeps while the
 * peer's queue lacks room, and with the peer gone fails with EPIPE
 * (raising SIGPIPE unless MSG_NOSIGNAL) or, for a datagram, ECONNREFUSED.
 * A connect waits while the listener's backlog is full. Both honour
 * O_NONBLOCK and MSG_DONTWAIT, and recv MSG_PEEK, MSG_WAITALL and
 * MSG_TRUNC. Control messages (passing descriptors) are not carried:
 * sendmsg with any fails with EOPNOTSUPP. What every family shares is
 * in ../sock.ts; AF_INET and AF_INET6 (syscalls/inet.ts) are dispatched
 * from the calls here. Any other family (AF_NETLINK among them, so
 * getifaddrs fails) is EAFNOSUPPORT.
 */
import { row, type SyscallRow } from './table.js';
import type { Kernel } from '../kernel.js';
import { Errno, EAGAIN, EBADF, EINVAL, EMFILE, ENOENT, EAFNOSUPPORT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, ENOTSOCK, EOPNOTSUPP, ECONNREFUSED, EMSGSIZE, EISCONN, ENOPROTOOPT, EADDRINUSE, ENOTCONN, EPROTOTYPE, ECONNRESET, ESRCH, ENOBUFS, EDOM } from '../errno.js';
import { copyFromUser, copyToUser, writeU32 } from '../uaccess.js';
import { OpenFile, O_CLOEXEC, O_NONBLOCK, O_RDWR, dropFile } from '../files.js';
import { iovecs, iovReader, iovTotal, scatter } from './fs.js';
import { TmpSock } from '../tmpfs.js';
import { childPath, dirChanged, lookup, parentOf, splitPath, AT_FDCWD } from './paths.js';
import {
  Sock, NO_CONTROL, NO_CRED, credOf, doneWaiting, dropRights, recv, send, sleepOnSocket,
  AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOCK_BUF, MSG_PEEK, MSG_TRUNC, MSG_DONTWAIT, MSG_WAITALL, MSG_NOSIGNAL,
  POLLIN, POLLOUT, POLLHUP, POLLRDNORM, POLLWRNORM, POLLRDHUP, SO_RCVTIMEO, SO_SNDTIMEO,
  type Control, type SockName, type Taken, type Ucred,
} from '../sock.js';
import { InetSocket, defaultBuf, inetBind, inetConnect, inetDestination, inetGetsockopt, inetListen, inetSetsockopt, inetSockaddr, inetSocket, putInetAddress, udpSend } from './inet.js';
import { AF_INET, AF_INET6, type InetAddr } from '../inet.js';

const SOCK_SEQPACKET = 5;
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
/** AF_MAX: the families Linux numbers. */
const AF_MAX = 46;
const SIGPIPE = 13;
const SOCK_RAW = 3;
const PF_UNIX = 1;
const SO_PEERCRED = 17;
const SOMAXCONN = 4096;
/** offsetof(struct sockaddr_un, sun_path), and the whole struct's size. */
const SUN_PATH = 2;
const SOCKADDR_UN = 110;
function socketOf(k: Kernel, fd: number): { f: OpenFile; s: Sock } {
  const f = k.file(fd);
  if (!f) throw new Errno(EBADF);
  if (!(f.stream instanceof Sock)) throw new Errno(ENOTSOCK);
  return { f, s: f.stream };
}

/** The socket type of a socket(2) or socketpair(2) type argument (SOCK_RAW is a datagram socket here, as in unix_create). */
function socketType(typeFlags: number): number {
  const type = typeFlags & 0xf;
  if (type === SOCK_RAW) return SOCK_DGRAM;
  if (type !== SOCK_STREAM && type !== SOCK_DGRAM && type !== SOCK_SEQPACKET) throw new Errno(ESOCKTNOSUPPORT);
  return type;
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
  const type = socketType(typeFlags);
  if (protocol !== 0 && protocol !== PF_UNIX) throw new Errno(EPROTONOSUPPORT);
  const a = new Sock(type, k.nextIno());
  const b = new Sock(type, k.nextIno());
  a.peer = b;
  b.peer = a;
  a.cred = b.cred = credOf(k);
  const flags = O_RDWR | (typeFlags & O_NONBLOCK);
  const cloexec = (typeFlags & O_CLOEXEC) !== 0;
  files.set(fa, new OpenFile(a, flags), cloexec);
  files.set(fb, new OpenFile(b, flags), cloexec);
  return 0n;
}

function socket(k: Kernel, domain: number, typeFlags: number, protocol: number): bigint {
  if (domain < 0 || domain >= AF_MAX) throw new Errno(EAFNOSUPPORT);
  if (typeFlags & ~(0xf | O_NONBLOCK | O_CLOEXEC)) throw new Errno(EINVAL);
  if (domain === AF_INET || domain === AF_INET6) {
    const s = inetSocket(k, domain, typeFlags, protocol);
    return BigInt(k.installFile(new OpenFile(s, O_RDWR | (typeFlags & O_NONBLOCK)), (typeFlags & O_CLOEXEC) !== 0));
  }
  // the families the machine has: AF_UNIX, and AF_INET and AF_INET6 over its loopback
  if (domain !== AF_UNIX) throw new Errno(EAFNOSUPPORT);
  const type = socketType(typeFlags);
  if (protocol !== 0 && protocol !== PF_UNIX) throw new Errno(EPROTONOSUPPORT);
  const s = new Sock(type, k.nextIno());
  return BigInt(k.installFile(new OpenFile(s, O_RDWR | (typeFlags & O_NONBLOCK)), (typeFlags & O_CLOEXEC) !== 0));
}

/** A struct sockaddr_un argument: a path, an abstract name (leading NUL), or autobind (the family alone). */
type UnixAddress = { kind: 'path'; path: string; bytes: Uint8Array } | { kind: 'abstract'; bytes: Uint8Array } | { kind: 'autobind' };

function unixAddress(k: Kernel, addr: bigint, len: number): UnixAddress {
  if (len < SUN_PATH || len > SOCKADDR_UN) throw new Errno(EINVAL);
  const raw = copyFromUser(k.mm, addr, len);
  if ((raw[0] | (raw[1] << 8)) !== AF_UNIX) throw new Errno(EINVAL);
  if (len === SUN_PATH) return { kind: 'autobind' };
  if (raw[SUN_PATH] === 0) return { kind: 'abstract', bytes: raw.slice(SUN_PATH) };
  // a path ends at its NUL or at the address's end
  let end = SUN_PATH;
  while (end < len && raw[end] !== 0) end++;
  const bytes = raw.slice(SUN_PATH, end);
  return { kind: 'path', path: new TextDecoder().decode(bytes), bytes };
}

const abstractKey = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * The socket an address names, for connect and sendto: ENOENT and the
 * like for a path, ECONNREFUSED for a name no socket holds. A path's
 * socket must be of the caller's type (EPROTOTYPE, as unix_find_bsd); an
 * abstract name's is checked by the caller (a stream connect finds no
 * listener, a datagram is refused).
 */
function socketAt(k: Kernel, a: UnixAddress, type: number): Sock {
  if (a.kind === 'autobind') throw new Errno(EINVAL);
  if (a.kind === 'abstract') {
    const s = k.unixAbstract.get(abstractKey(a.bytes));
    if (!s) throw new Errno(ECONNREFUSED);
    return s;
  }
  const node = lookup(k, AT_FDCWD, a.path, true);
  if (node.kind !== 'sock' || !node.inode.socket) throw new Errno(ECONNREFUSED);
  const s = node.inode.socket as Sock;
  if (s.type !== type) throw new Errno(EPROTOTYPE);
  return s;
}

/** The next autobind name: a NUL and five hex digits, as unix_autobind picks them. */
function autobindName(k: Kernel): Uint8Array {
  for (;;) {
    const n = k.unixAutobind++ & 0xfffff;
    const bytes = new TextEncoder().encode('\0' + n.toString(16).padStart(5, '0'));
    if (!k.unixAbstract.has(abstractKey(bytes))) return bytes;
  }
}

function bind(k: Kernel, fd: number, addr: bigint, len: number): bigint {
  const { s } = socketOf(k, fd);
  if (s instanceof InetSocket) {
    inetBind(k, s, addr, len);
    return 0n;
  }
  const a = unixAddress(k, addr, len);
  // a path is made before the socket is checked (EADDRINUSE first); a name in the abstract namespace after
  if (s.name && a.kind !== 'path') throw new Errno(EINVAL);
  if (a.kind === 'path') {
    if (a.path === '') throw new Errno(ENOENT);
    const dir = parentOf(k, AT_FDCWD, a.path);
    if (!dir) {
      lookup(k, AT_FDCWD, splitPath(a.path)[0], true);
      throw new Errno(ENOENT);
    }
    const at = childPath(dir, a.path);
    let taken = true;
    try {
      lookup(k, AT_FDCWD, at, false);
    } catch (err) {
      if (!(err instanceof Errno) || err.errno !== ENOENT) throw err;
      taken = false;
    }
    if (taken) throw new Errno(EADDRINUSE);
    if (!dir.tmp) throw new Errno(ENOENT);
    if (s.name) throw new Errno(EINVAL);
    const inode = new TmpSock(k.nextIno(), 0o777 & ~k.current.umask, k.realtimeNs(), s);
    k.tmpfs().entries.set(at, inode);
    dirChanged(k, at);
    // getsockname shows the path as given, with its NUL
    const name = new Uint8Array(a.bytes.length + 1);
    name.set(a.bytes);
    s.bind(name, inode);
    return 0n;
  }
  const bytes = a.kind === 'abstract' ? a.bytes : autobindName(k);
  const key = abstractKey(bytes);
  if (k.unixAbstract.has(key)) throw new Errno(EADDRINUSE);
  s.bind(bytes, { space: k.unixAbstract, key });
  return 0n;
}

function listen(k: Kernel, fd: number, backlog: number): bigint {
  const { s } = socketOf(k, fd);
  if (s instanceof InetSocket) {
    inetListen(k, s, backlog);
    return 0n;
  }
  if (!s.connectionBased) throw new Errno(EOPNOTSUPP);
  // no listening on an unbound or connected socket
  if (!s.name || s.peer) throw new Errno(EINVAL);
  s.listening = true;
  s.maxBacklog = backlog < 0 || backlog > SOMAXCONN ? SOMAXCONN : backlog;
  s.cred = credOf(k);
  k.wakeIo();
  return 0n;
}

function connect(k: Kernel, fd: number, addr: bigint, len: number): bigint {
  const { f, s } = socketOf(k, fd);
  if (s instanceof InetSocket) {
    inetConnect(k, f, s, addr, len);
    return 0n;
  }
  const a = unixAddress(k, addr, len);
  if (a.kind === 'autobind') throw new Errno(EINVAL);
  if (!s.connectionBased) {
    // a datagram socket's default destination
    const target = socketAt(k, a, s.type);
    if (target.type !== s.type) throw new Errno(ECONNREFUSED);
    s.peer = target;
    return 0n;
  }
  if (s.peer) throw new Errno(EISCONN);
  if (s.listening) throw new Errno(EINVAL);
  const target = socketAt(k, a, s.type);
  if (!target.listening || target.closed || target.type !== s.type) throw new Errno(ECONNREFUSED);
  // a backlog holds one more than listen's count
  if (target.backlog.length > target.maxBacklog) {
    if (f.flags & O_NONBLOCK) throw new Errno(EAGAIN);
    sleepOnSocket(k, s, SO_SNDTIMEO);
  }
  doneWaiting(k);
  // the server's end, waiting in the backlog: named as the listener, crediting it
  const server = new Sock(s.type, k.nextIno());
  server.name = target.name;
  server.cred = target.cred;
  server.peer = s;
  s.peer = server;
  s.cred = credOf(k);
  target.backlog.push(server);
  target.events++;
  k.wakeIo();
  return 0n;
}

function accept(k: Kernel, fd: number, addr: bigint, lenAddr: bigint, flags: number): bigint {
  if (flags & ~(O_NONBLOCK | O_CLOEXEC)) throw new Errno(EINVAL);
  const { f, s } = socketOf(k, fd);
  if (s instanceof InetSocket && !s.tcp) throw new Errno(EOPNOTSUPP);
  if (!s.listening) throw new Errno(EINVAL);
  if (s.backlog.length === 0) {
    if (f.flags & O_NONBLOCK) throw new Errno(EAGAIN);
    sleepOnSocket(k, s, SO_RCVTIMEO);
  }
  doneWaiting(k);
  const conn = s.backlog.shift()!;
  conn.embryo = false;
  const newFd = k.installFile(new OpenFile(conn, O_RDWR | (flags & O_NONBLOCK)), (flags & O_CLOEXEC) !== 0);
  s.events++;
  // a connect waiting for room in the backlog goes on
  k.wakeIo();
  if (addr !== 0n) {
    if (conn instanceof InetSocket) putInetAddress(k, addr, lenAddr, conn.family, conn.remote);
    else putAddress(k, addr, lenAddr, conn.peer?.name as Uint8Array | undefined);
  }
  return BigInt(newFd);
}

/** A struct sockaddr_un for a name (the family alone for an unnamed socket), cut to the caller's length, and the full length. */
function putAddress(k: Kernel, addr: bigint, lenAddr: bigint, name: Uint8Array | undefined): void {
  const len = new DataView(copyFromUser(k.mm, lenAddr, 4).buffer).getInt32(0, true);
  if (len < 0) throw new Errno(EINVAL);
  const out = new Uint8Array(SUN_PATH + (name?.length ?? 0));
  out[0] = AF_UNIX;
  if (name) out.set(name, SUN_PATH);
  if (len > 0) copyToUser(k.mm, addr, out.subarray(0, Math.min(len, out.length)));
  writeU32(k.mm, lenAddr, out.length);
}

/** The destination a sendto or sendmsg names (none: the peer), refusing an address on a stream. */
function destination(k: Kernel, s: Sock, addr: bigint, len: number): Sock | undefined {
  if (len === 0 || addr === 0n) return undefined;
  if (s.connectionBased) throw new Errno(s.peer ? EISCONN : EOPNOTSUPP);
  const target = socketAt(k, unixAddress(k, addr, len), s.type);
  if (target.type !== s.type) throw new Errno(ECONNREFUSED);
  return target;
}

/** struct cmsghdr: cmsg_len (8 bytes), cmsg_level, cmsg_type; data from 16, each message 8-byte aligned. */
const CMSG_HDR = 16;
const cmsgAlign = (n: number): number => (n + 7) & ~7;
const SCM_RIGHTS = 1;
const SCM_CREDENTIALS = 2;
/** The most descriptors one SCM_RIGHTS message may carry. */
const SCM_MAX_FD = 253;
const MSG_CTRUNC = 0x8;
const MSG_CMSG_CLOEXEC = 0x40000000;

/**
 * The control messages of a sendmsg (__scm_send): SOL_SOCKET's SCM_RIGHTS
 * (each descriptor open, EBADF otherwise; at most 253) and SCM_CREDENTIALS
 * (exactly a struct ucred; a pid that names no process is ESRCH; root may
 * claim any ids); other types of SOL_SOCKET are EINVAL, other levels are
 * passed over.
 */
function parseControl(k: Kernel, addr: bigint, len: bigint): Control {
  if (len > 0x10000n) throw new Errno(ENOBUFS);
  const raw = copyFromUser(k.mm, addr, Number(len));
  const dv = new DataView(raw.buffer);
  let rights: OpenFile[] | undefined;
  let cred: Ucred | undefined;
  for (let at = 0; at + CMSG_HDR <= raw.length; ) {
    const clen = dv.getBigUint64(at, true);
    if (clen < BigInt(CMSG_HDR) || clen > BigInt(raw.length - at)) throw new Errno(EINVAL);
    const n = Number(clen);
    if (dv.getInt32(at + 8, true) === SOL_SOCKET) {
      const type = dv.getInt32(at + 12, true);
      if (type === SCM_RIGHTS) {
        const count = Math.floor((n - CMSG_HDR) / 4);
        if (count === 0) throw new Errno(EINVAL);
        if ((rights?.length ?? 0) + count > SCM_MAX_FD) throw new Errno(EINVAL);
        for (let i = 0; i < count; i++) {
          // an O_PATH descriptor travels too (scm_fp_copy takes any)
          const f = k.fileRaw(dv.getInt32(at + CMSG_HDR + 4 * i, true));
          if (!f) throw new Errno(EBADF);
          (rights ??= []).push(f);
        }
      } else if (type === SCM_CREDENTIALS) {
        if (n !== CMSG_HDR + 12) throw new Errno(EINVAL);
        const pid = dv.getInt32(at + CMSG_HDR, true);
        if (!k.tasks.has(pid)) throw new Errno(ESRCH);
        cred = { pid, uid: dv.getUint32(at + CMSG_HDR + 4, true), gid: dv.getUint32(at + CMSG_HDR + 8, true) };
      } else throw new Errno(EINVAL);
    }
    at += cmsgAlign(n);
  }
  return { rights, cred };
}


/**
 * A recvmsg's control messages (scm_recv): the credentials when the
 * socket asks for them (SO_PASSCRED), then the descriptors that came,
 * installed as new descriptors of the receiver (close-on-exec with
 * MSG_CMSG_CLOEXEC) as far as the buffer has room; the others are closed
 * and the call says MSG_CTRUNC. A peek installs copies and leaves the
 * originals queued.
 */
function putControl(k: Kernel, s: Sock, r: Taken, addr: bigint, room: bigint, flags: number): { used: number; truncated: boolean } {
  const peek = (flags & MSG_PEEK) !== 0;
  const avail = Number(room > 0x10000n ? 0x10000n : room);
  const out = new Uint8Array(avail);
  const dv = new DataView(out.buffer);
  let used = 0;
  let truncated = false;
  const header = (len: number, type: number): void => {
    dv.setBigUint64(used, BigInt(len), true);
    dv.setInt32(used + 8, SOL_SOCKET, true);
    dv.setInt32(used + 12, type, true);
  };
  if (s.passcred && r.cred) {
    const len = CMSG_HDR + 12;
    if (avail - used < len) truncated = true;
    else {
      header(len, SCM_CREDENTIALS);
      dv.setInt32(used + CMSG_HDR, r.cred.pid, true);
      dv.setUint32(used + CMSG_HDR + 4, r.cred.uid, true);
      dv.setUint32(used + CMSG_HDR + 8, r.cred.gid, true);
      used = Math.min(avail, used + cmsgAlign(len));
    }
  }
  if (r.rights) {
    const fit = Math.max(0, Math.min(r.rights.length, Math.floor((avail - used - CMSG_HDR) / 4)));
    if (fit < r.rights.length) truncated = true;
    if (fit > 0) {
      const len = CMSG_HDR + 4 * fit;
      header(len, SCM_RIGHTS);
      for (let i = 0; i < fit; i++) {
        const fd = k.installFile(r.rights[i], (flags & MSG_CMSG_CLOEXEC) !== 0);
        dv.setInt32(used + CMSG_HDR + 4 * i, fd, true);
      }
      used = Math.min(avail, used + cmsgAlign(len));
    }
    // the reference the flight held goes: installed ones are the receiver's now, the rest are closed
    if (!peek) {
      for (const f of r.rights) dropFile(f);
      k.wakeIo();
    }
  }
  if (used > 0) copyToUser(k.mm, addr, out.subarray(0, used));
  return { used, truncated };
}

/** A struct msghdr at addr: its name, iovecs and control length. */
function msghdr(k: Kernel, addr: bigint): { name: bigint; nameLen: number; vecs: [bigint, bigint][]; control: bigint; controlLen: bigint; raw: DataView } {
  const raw = new DataView(copyFromUser(k.mm, addr, 56).buffer);
  return {
    name: raw.getBigUint64(0, true),
    nameLen: raw.getUint32(8, true),
    vecs: iovecs(k, raw.getBigUint64(16, true), raw.getBigUint64(24, true)),
    control: raw.getBigUint64(32, true),
    controlLen: raw.getBigUint64(40, true),
    raw,
  };
}

const clampCount = (n: bigint): number => Number(n > 0x7ffff000n ? 0x7ffff000n : n);

export const socketSyscalls: SyscallRow[] = [
  row(41, 'socket', 'ddd', (k, a) => socket(k, a.i32(0), a.i32(1), a.i32(2))),
  row(53, 'socketpair', 'dddp', (k, a) => socketpair(k, a.i32(0), a.i32(1), a.i32(2), a.u64(3))),
  row(49, 'bind', 'dpd', (k, a) => bind(k, a.i32(0), a.u64(1), a.i32(2))),
  row(50, 'listen', 'dd', (k, a) => listen(k, a.i32(0), a.i32(1))),
  row(42, 'connect', 'dpd', (k, a) => connect(k, a.i32(0), a.u64(1), a.i32(2))),
  row(43, 'accept', 'dpp', (k, a) => accept(k, a.i32(0), a.u64(1), a.u64(2), 0)),
  row(288, 'accept4', 'dppx', (k, a) => accept(k, a.i32(0), a.u64(1), a.u64(2), a.i32(3))),
  row(48, 'shutdown', 'dd', (k, a) => {
    const { s } = socketOf(k, a.i32(0));
    const how = a.i32(1);
    if (how < SHUT_RD || how > SHUT_RDWR) throw new Errno(EINVAL);
    // an inet socket that is not connected has nothing to shut down (a UDP one still takes the flags)
    const unconnected = s instanceof InetSocket && (s.tcp ? !s.peer && !s.listening : !s.remote);
    if (unconnected && s.tcp) throw new Errno(ENOTCONN);
    if (how !== 1) s.readShut = true;
    if (how !== SHUT_RD) s.writeShut = true;
    s.events++;
    if (s.peer) s.peer.events++;
    k.wakeIo();
    if (unconnected) throw new Errno(ENOTCONN);
    return 0n;
  }),
  row(44, 'sendto', 'dbudpd', (k, a) => {
    const { f, s } = socketOf(k, a.i32(0));
    const buf = a.u64(1);
    if (s instanceof InetSocket && !s.tcp) {
      const to = inetDestination(k, s, a.u64(4), a.i32(5));
      return udpSend(k, f, s, clampCount(a.u64(2)), (off, len) => copyFromUser(k.mm, buf + BigInt(off), len), a.i32(3), to);
    }
    const to = s instanceof InetSocket ? undefined : destination(k, s, a.u64(4), a.i32(5));
    return send(k, f, s, clampCount(a.u64(2)), (off, len) => copyFromUser(k.mm, buf + BigInt(off), len), a.i32(3), to);
  }),
  row(45, 'recvfrom', 'dpudpp', (k, a) => {
    const { f, s } = socketOf(k, a.i32(0));
    const flags = a.i32(3);
    const from = s.messages ? s.nextSender() : undefined;
    const r = recv(k, f, s, clampCount(a.u64(2)), flags);
    dropRights(k, r, (flags & MSG_PEEK) !== 0);
    if (r.data.length > 0) copyToUser(k.mm, a.u64(1), r.data);
    if (a.u64(4) !== 0n && a.u64(5) !== 0n) {
      // a datagram's named sender; an unnamed one, or a stream's peer, reports no address
      if (s instanceof InetSocket && !s.tcp && from) putInetAddress(k, a.u64(4), a.u64(5), s.family, from as InetAddr);
      else if (s.type === SOCK_DGRAM && from instanceof Uint8Array) putAddress(k, a.u64(4), a.u64(5), from);
      else writeU32(k.mm, a.u64(5), 0);
    }
    return BigInt(flags & MSG_TRUNC ? r.full : r.data.length);
  }),
  row(46, 'sendmsg', 'dpd', (k, a) => {
    const { f, s } = socketOf(k, a.i32(0));
    const m = msghdr(k, a.u64(1));
    if (s instanceof InetSocket && !s.tcp) {
      const to = inetDestination(k, s, m.name, m.nameLen);
      return udpSend(k, f, s, iovTotal(m.vecs), iovReader(k, m.vecs), a.i32(2), to);
    }
    const to = s instanceof InetSocket ? undefined : destination(k, s, m.name, m.nameLen);
    const control = m.controlLen === 0n ? NO_CONTROL : parseControl(k, m.control, m.controlLen);
    return send(k, f, s, iovTotal(m.vecs), iovReader(k, m.vecs), a.i32(2), to, control);
  }),
  row(47, 'recvmsg', 'dpd', (k, a) => {
    const { f, s } = socketOf(k, a.i32(0));
    const m = msghdr(k, a.u64(1));
    const flags = a.i32(2);
    const from = s.type === SOCK_DGRAM ? s.nextSender() : undefined;
    const r = recv(k, f, s, iovTotal(m.vecs), flags);
    scatter(k, m.vecs, r.data);
    const ctl = putControl(k, s, r, m.control, m.controlLen, flags);
    // the sender's address when named and asked for; msg_flags says whether a message or its control data was cut short
    let nameLen = 0;
    if (from && !(from instanceof Uint8Array) && s instanceof InetSocket && m.name !== 0n && m.nameLen > 0) {
      const out = inetSockaddr(s.family, from);
      copyToUser(k.mm, m.name, out.subarray(0, Math.min(m.nameLen, out.length)));
      nameLen = out.length;
    } else if (from instanceof Uint8Array && m.name !== 0n && m.nameLen > 0) {
      const out = new Uint8Array(SUN_PATH + from.length);
      out[0] = AF_UNIX;
      out.set(from, SUN_PATH);
      copyToUser(k.mm, m.name, out.subarray(0, Math.min(m.nameLen, out.length)));
      nameLen = out.length;
    }
    const out = new Uint8Array(56);
    out.set(new Uint8Array(m.raw.buffer));
    const dv = new DataView(out.buffer);
    dv.setUint32(8, nameLen, true);
    dv.setBigUint64(40, BigInt(ctl.used), true);
    dv.setInt32(48, (r.full > r.data.length ? MSG_TRUNC : 0) | (ctl.truncated ? MSG_CTRUNC : 0), true);
    copyToUser(k.mm, a.u64(1), out);
    return BigInt(flags & MSG_TRUNC ? r.full : r.data.length);
  }),
  row(54, 'setsockopt', 'dddpd', (k, a) => setsockopt(k, a.i32(0), a.i32(1), a.i32(2), a.u64(3), a.i32(4))),
  row(55, 'getsockopt', 'dddpp', (k, a) => getsockopt(k, a.i32(0), a.i32(1), a.i32(2), a.u64(3), a.u64(4))),
  row(51, 'getsockname', 'dpp', (k, a) => {
    const { s } = socketOf(k, a.i32(0));
    if (s instanceof InetSocket) putInetAddress(k, a.u64(1), a.u64(2), s.family, s.local);
    else putAddress(k, a.u64(1), a.u64(2), s.name);
    return 0n;
  }),
  row(52, 'getpeername', 'dpp', (k, a) => {
    const { s } = socketOf(k, a.i32(0));
    if (s instanceof InetSocket) {
      if (!s.remote || (s.tcp && (!s.peer || s.rst))) throw new Errno(ENOTCONN);
      putInetAddress(k, a.u64(1), a.u64(2), s.family, s.remote);
      return 0n;
    }
    if (!s.peer) throw new Errno(ENOTCONN);
    putAddress(k, a.u64(1), a.u64(2), s.peer.name as Uint8Array | undefined);
    return 0n;
  }),
];

const SO_DEBUG = 1;
const SO_REUSEADDR = 2;
const SO_DONTROUTE = 5;
const SO_BROADCAST = 6;
const SO_KEEPALIVE = 9;
const SO_OOBINLINE = 10;
const SO_NO_CHECK = 11;
const SO_PRIORITY = 12;
const SO_LINGER = 13;
const SO_REUSEPORT = 15;
const SO_PASSCRED = 16;
const SO_RCVLOWAT = 18;
const SO_PASSSEC = 34;
/** Options that are ints read back as set (booleans as 0 or 1). */
const INT_OPTIONS = new Set([SO_DEBUG, SO_REUSEADDR, SO_DONTROUTE, SO_BROADCAST, SO_KEEPALIVE, SO_OOBINLINE, SO_NO_CHECK, SO_PRIORITY, SO_REUSEPORT, SO_RCVLOWAT, SO_PASSSEC]);
const BOOL_OPTIONS = new Set([SO_DEBUG, SO_REUSEADDR, SO_DONTROUTE, SO_BROADCAST, SO_KEEPALIVE, SO_OOBINLINE, SO_NO_CHECK, SO_REUSEPORT, SO_PASSSEC]);
/** net.core.wmem_max and rmem_max, and the least a buffer may be (SOCK_MIN_SNDBUF, SOCK_MIN_RCVBUF). */
const MEM_MAX = 212992;
const MIN_SNDBUF = 4608;
const MIN_RCVBUF = 2304;

/**
 * setsockopt at SOL_SOCKET (AF_UNIX has no other level: EOPNOTSUPP):
 * SO_PASSCRED takes effect; the buffer sizes are doubled and bounded as
 * sock_setsockopt does and read back so (the queues here keep their fixed
 * room); the timeouts, SO_LINGER and the flag options are kept and read
 * back. Unknown options are ENOPROTOOPT, a value shorter than an int
 * EINVAL.
 */
function setsockopt(k: Kernel, fd: number, level: number, name: number, val: bigint, len: number): bigint {
  const { s } = socketOf(k, fd);
  if (level !== SOL_SOCKET && s instanceof InetSocket) {
    inetSetsockopt(k, s, level, name, val, len);
    return 0n;
  }
  if (level !== SOL_SOCKET) throw new Errno(EOPNOTSUPP);
  const timeval = name === SO_RCVTIMEO || name === SO_SNDTIMEO;
  const size = timeval ? 16 : name === SO_LINGER ? 8 : 4;
  const known = timeval || name === SO_LINGER || name === SO_PASSCRED || name === SO_SNDBUF || name === SO_RCVBUF || INT_OPTIONS.has(name);
  if (!known) throw new Errno(ENOPROTOOPT);
  if (len < size) throw new Errno(EINVAL);
  const raw = copyFromUser(k.mm, val, size);
  const dv = new DataView(raw.buffer);
  if (timeval) {
    const usec = dv.getBigInt64(8, true);
    if (usec < 0n || usec >= 1_000_000n) throw new Errno(EDOM);
  }
  const v = dv.getInt32(0, true);
  if (name === SO_PASSCRED) s.passcred = v !== 0;
  else if (name === SO_SNDBUF || name === SO_RCVBUF) {
    const doubled = Math.min(Math.max(v, 0), MEM_MAX) * 2;
    dv.setInt32(0, Math.max(doubled, name === SO_SNDBUF ? MIN_SNDBUF : MIN_RCVBUF), true);
  } else if (BOOL_OPTIONS.has(name)) dv.setInt32(0, v !== 0 ? 1 : 0, true);
  s.options.set(name, raw);
  return 0n;
}

/** getsockopt at SOL_SOCKET: what the socket is, its peer's credentials, and the options as set. */
function getsockopt(k: Kernel, fd: number, level: number, name: number, val: bigint, lenAddr: bigint): bigint {
  const { s } = socketOf(k, fd);
  if (level !== SOL_SOCKET && !(s instanceof InetSocket)) throw new Errno(EOPNOTSUPP);
  const len = new DataView(copyFromUser(k.mm, lenAddr, 4).buffer).getInt32(0, true);
  if (len < 0) throw new Errno(EINVAL);
  let out: Uint8Array = new Uint8Array(4);
  const int = (v: number): void => new DataView(out.buffer).setInt32(0, v, true);
  if (level !== SOL_SOCKET) out = inetGetsockopt(s as InetSocket, level, name);
  else switch (name) {
    case SO_TYPE: int(s.type); break;
    case SO_DOMAIN: int(s.family); break;
    case SO_PROTOCOL: int(s.protocol); break;
    case SO_ERROR: int(s.error); s.error = 0; break;
    case SO_ACCEPTCONN: int(s.listening ? 1 : 0); break;
    case SO_PASSCRED: int(s.passcred ? 1 : 0); break;
    case SO_SNDBUF: case SO_RCVBUF: {
      const set = s.options.get(name);
      int(set ? new DataView(set.buffer).getInt32(0, true) : defaultBuf(s, name));
      break;
    }
    case SO_PEERCRED: {
      // struct ucred of the peer: who connected, listened or made the pair
      const c = s.peer?.cred ?? NO_CRED;
      out = new Uint8Array(12);
      const dv = new DataView(out.buffer);
      dv.setInt32(0, c.pid, true);
      dv.setUint32(4, c.uid, true);
      dv.setUint32(8, c.gid, true);
      break;
    }
    case SO_RCVTIMEO: case SO_SNDTIMEO: out = s.options.get(name) ?? new Uint8Array(16); break;
    case SO_LINGER: out = s.options.get(name) ?? new Uint8Array(8); break;
    default:
      if (!INT_OPTIONS.has(name)) throw new Errno(ENOPROTOOPT);
      out = s.options.get(name) ?? new Uint8Array(4);
  }
  const n = Math.min(len, out.length);
  if (n > 0) copyToUser(k.mm, val, out.subarray(0, n));
  writeU32(k.mm, lenAddr, n);
  return 0n;
}
