/**
 * AF_INET and AF_INET6 sockets over the loopback (Linux: net/ipv4/af_inet.c,
 * tcp*.c, udp.c and their ipv6 twins), on the shared socket core
 * (../sock.ts). A TCP connection is a pair of connected socks, as an
 * AF_UNIX stream's is, made at connect time from the listener's backlog
 * (no handshake is needed, so a non-blocking connect is already done when
 * it says EINPROGRESS); its ends close the TCP way (a write after the
 * peer's FIN meets a RST; close with unread data resets the peer). UDP
 * datagrams are delivered at sendto time to the socket the port table
 * finds, or dropped, which a connected sender sees as ECONNREFUSED on its
 * next call (the ICMP port unreachable). There is no TIME_WAIT: a closed
 * connection frees its port at once. Raw sockets are left out
 * (ESOCKTNOSUPPORT).
 */
import type { Kernel } from '../kernel.js';
import { Errno, EACCES, EAGAIN, EINVAL, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EOPNOTSUPP, EAFNOSUPPORT, EADDRINUSE, EADDRNOTAVAIL, ENETUNREACH, EISCONN, EINPROGRESS, ECONNABORTED, EDESTADDRREQ, ENOPROTOOPT } from '../errno.js';
import { copyFromUser, copyToUser, writeU32 } from '../uaccess.js';
import { OpenFile, O_NONBLOCK } from '../files.js';
import {
  Sock, SOCK_STREAM, SOCK_DGRAM, SOCK_BUF, ECONNREFUSED, EMSGSIZE, POLLIN, POLLOUT, POLLERR, POLLHUP, POLLRDNORM, POLLWRNORM, POLLRDHUP,
  credOf, doneWaiting, pipeGone, send, sleepOnSocket, takeError, SO_SNDTIMEO,
} from '../sock.js';
import {
  AF_INET, AF_INET6, type InetAddr, type Binding, type PortTable, V4_ANY, V6_ANY, V4_LOOPBACK, V6_LOOPBACK, isAny, isLocal, isV4, sourceFor, v4mapped,
} from '../inet.js';

const AF_UNSPEC = 0;
const SOCK_RAW = 3;
const IPPROTO_IP = 0;
const IPPROTO_ICMP = 1;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_IPV6 = 41;
const IPPROTO_ICMPV6 = 58;
const SO_REUSEADDR = 2;
const SO_REUSEPORT = 15;
/** The most a UDP datagram carries: 65535 less the UDP header and, for IPv4, the IP header. */
const UDP_MAX_V4 = 65507;
const UDP_MAX_V6 = 65527;
/** sizeof(struct sockaddr_in), sizeof(struct sockaddr_in6) and the RFC 2133 one without sin6_scope_id. */
const SOCKADDR_IN = 16;
const SOCKADDR_IN6 = 28;
const SOCKADDR_IN6_2133 = 24;
/** The first port only root may bind (net.ipv4.ip_unprivileged_port_start). */
const PROT_SOCK = 1024;

export class InetSocket extends Sock implements Binding {
  local: InetAddr;
  remote: InetAddr | undefined;
  v6only = false;
  /** In its protocol's port table. */
  hashed = false;
  /** bind chose the address, or the port (so a UDP disconnect keeps them). */
  boundIp = false;
  boundPort = false;
  /** A non-blocking connect said EINPROGRESS and no connect call has seen it end (SS_CONNECTING). */
  connecting = false;
  readonly uid: number;

  constructor(k: Kernel, family: number, type: number, protocol: number) {
    super(type, k.nextIno());
    this.family = family;
    this.protocol = protocol;
    this.uid = k.current.cred.euid;
    this.local = { ip: family === AF_INET ? V4_ANY : V6_ANY, port: 0 };
  }

  ports(k: Kernel): PortTable {
    return this.tcp ? k.inet.tcp : k.inet.udp;
  }

  private flag(option: number): boolean {
    const raw = this.options.get(option);
    return raw !== undefined && raw[0] !== 0;
  }

  reuse(): boolean {
    return this.flag(SO_REUSEADDR);
  }

  reuseport(): boolean {
    return this.flag(SO_REUSEPORT);
  }

  override sender(): InetAddr {
    return this.local;
  }

  /** The table it was hashed in, kept so that closing needs no kernel. */
  private table: PortTable | undefined;

  hash(t: PortTable): void {
    t.add(this);
    this.table = t;
    this.hashed = true;
  }

  unhash(): void {
    this.table?.remove(this);
    this.hashed = false;
  }

  override release(): void {
    super.release();
    this.unhash();
  }

  override readyEvents(): number {
    let r = this.error !== 0 ? POLLERR : 0;
    if (!this.tcp) {
      // UDP: writable always (a datagram that finds no room is dropped, not waited for)
      if (this.pending() || this.readShut) r |= POLLIN | POLLRDNORM;
      if (this.readShut) r |= POLLRDHUP;
      if (this.readShut && this.writeShut) r |= POLLHUP;
      return r | POLLOUT | POLLWRNORM;
    }
    if (this.listening) return this.backlog.length > 0 ? POLLIN | POLLRDNORM : 0;
    const p = this.peer;
    // not connected (TCP_CLOSE): hung up, and writable, as tcp_poll says
    if (!p) return r | POLLHUP | POLLOUT | POLLWRNORM | (this.readShut ? POLLIN | POLLRDNORM | POLLRDHUP : 0);
    const rcvShut = this.readShut || p.writeShut || p.closed;
    if (rcvShut) r |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (this.pending()) r |= POLLIN | POLLRDNORM;
    if (rcvShut && this.writeShut) r |= POLLHUP;
    // a shut down sending side polls writable, so that a write fails at once rather than waits
    if (this.writeShut || p.closed || SOCK_BUF - p.queued > 0) r |= POLLOUT | POLLWRNORM;
    return r;
  }

  override sysWrite(k: Kernel, f: OpenFile, n: number, read: (off: number, len: number) => Uint8Array): bigint {
    if (!this.tcp) return udpSend(k, f, this, n, read, 0, undefined);
    return send(k, f, this, n, read, 0, undefined);
  }
}

/** socket(2) for AF_INET and AF_INET6 (inet_create's errors for what it lacks). */
export function inetSocket(k: Kernel, domain: number, typeFlags: number, protocol: number): InetSocket {
  const type = typeFlags & 0xf;
  if (type === SOCK_STREAM) {
    if (protocol !== 0 && protocol !== IPPROTO_TCP) throw new Errno(EPROTONOSUPPORT);
    return new InetSocket(k, domain, type, IPPROTO_TCP);
  }
  if (type === SOCK_DGRAM) {
    // ping sockets: net.ipv4.ping_group_range lets no group make them by default
    if (protocol === (domain === AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6)) throw new Errno(EACCES);
    if (protocol !== 0 && protocol !== IPPROTO_UDP) throw new Errno(EPROTONOSUPPORT);
    return new InetSocket(k, domain, type, IPPROTO_UDP);
  }
  // raw sockets (and any other type) are not modelled: no packets below TCP and UDP exist here
  if (type === SOCK_RAW && protocol === 0) throw new Errno(EPROTONOSUPPORT);
  throw new Errno(ESOCKTNOSUPPORT);
}

/** The family field of a sockaddr argument (0 when too short to hold one). */
export function addressFamily(k: Kernel, addr: bigint, len: number): number {
  if (len < 2) return -1;
  const raw = copyFromUser(k.mm, addr, 2);
  return raw[0] | (raw[1] << 8);
}

/**
 * A struct sockaddr_in or sockaddr_in6 argument for socket s. AF_UNSPEC
 * stands for INADDR_ANY in an AF_INET bind, as inet_bind allows.
 */
export function inetAddress(k: Kernel, s: InetSocket, addr: bigint, len: number, forBind: boolean): InetAddr {
  if (s.family === AF_INET) {
    if (len < SOCKADDR_IN) throw new Errno(EINVAL);
    const raw = copyFromUser(k.mm, addr, SOCKADDR_IN);
    const family = raw[0] | (raw[1] << 8);
    const ip = v4mapped(raw[4], raw[5], raw[6], raw[7]);
    if (family !== AF_INET && !(forBind && family === AF_UNSPEC && isAny(ip))) throw new Errno(EAFNOSUPPORT);
    return { ip, port: (raw[2] << 8) | raw[3] };
  }
  if (len < SOCKADDR_IN6_2133) throw new Errno(EINVAL);
  const raw = copyFromUser(k.mm, addr, SOCKADDR_IN6_2133);
  if ((raw[0] | (raw[1] << 8)) !== AF_INET6) throw new Errno(EAFNOSUPPORT);
  return { ip: raw.slice(8, 24), port: (raw[2] << 8) | raw[3] };
}

/** A sockaddr_in or sockaddr_in6 of the socket's family, cut to the caller's length, and the full length. */
export function putInetAddress(k: Kernel, addr: bigint, lenAddr: bigint, family: number, a: InetAddr | undefined): void {
  const len = new DataView(copyFromUser(k.mm, lenAddr, 4).buffer).getInt32(0, true);
  if (len < 0) throw new Errno(EINVAL);
  const out = inetSockaddr(family, a ?? { ip: family === AF_INET ? V4_ANY : V6_ANY, port: 0 });
  if (len > 0) copyToUser(k.mm, addr, out.subarray(0, Math.min(len, out.length)));
  writeU32(k.mm, lenAddr, out.length);
}

export function inetSockaddr(family: number, a: InetAddr): Uint8Array {
  const out = new Uint8Array(family === AF_INET ? SOCKADDR_IN : SOCKADDR_IN6);
  out[0] = family;
  out[2] = a.port >> 8;
  out[3] = a.port & 0xff;
  if (family === AF_INET) out.set(a.ip.subarray(12), 4);
  else out.set(a.ip, 8);
  return out;
}

/** What a packet to `ip` really goes to: a wildcard destination means this host (its loopback). */
function destinationIp(s: InetSocket, ip: Uint8Array): Uint8Array {
  if (isAny(ip)) return isV4(ip) ? V4_LOOPBACK : V6_LOOPBACK;
  // only lo is up: nothing else can be reached
  if (!isLocal(ip) || (isV4(ip) && s.v6only && s.family === AF_INET6)) throw new Errno(ENETUNREACH);
  return ip;
}

/** Binds the socket to an ephemeral port (a connect, send or listen of an unbound socket: inet_autobind). */
function autobind(k: Kernel, s: InetSocket): void {
  if (s.hashed) return;
  const port = s.ports(k).ephemeral();
  if (port === 0) throw new Errno(EAGAIN);
  s.local = { ip: s.local.ip, port };
  s.hash(s.ports(k));
}

export function inetBind(k: Kernel, s: InetSocket, addr: bigint, len: number): void {
  const a = inetAddress(k, s, addr, len, true);
  if (s.family === AF_INET6 && isV4(a.ip) && s.v6only) throw new Errno(EINVAL);
  if (!isLocal(a.ip)) throw new Errno(EADDRNOTAVAIL);
  if (a.port !== 0 && a.port < PROT_SOCK && k.current.cred.euid !== 0) throw new Errno(EACCES);
  if (s.hashed) throw new Errno(EINVAL);
  const t = s.ports(k);
  const was = s.local;
  s.local = { ip: a.ip, port: a.port };
  if (a.port === 0) {
    const port = t.ephemeral();
    if (port === 0) {
      s.local = was;
      throw new Errno(EADDRINUSE);
    }
    s.local = { ip: a.ip, port };
  } else if (!t.free(s, a.port)) {
    s.local = was;
    throw new Errno(EADDRINUSE);
  }
  s.boundIp = !isAny(a.ip);
  s.boundPort = a.port !== 0;
  s.hash(t);
}

export function inetListen(k: Kernel, s: InetSocket, backlog: number): void {
  if (!s.tcp) throw new Errno(EOPNOTSUPP);
  if (s.peer || s.connecting) throw new Errno(EINVAL);
  if (!s.listening) {
    if (s.hashed) {
      // the port is checked again as a listener's: two SO_REUSEADDR sockets may share it, not both listen
      s.listening = true;
      const free = s.ports(k).free(s, s.local.port);
      s.listening = false;
      if (!free) throw new Errno(EADDRINUSE);
    } else autobind(k, s);
  }
  s.listening = true;
  s.maxBacklog = backlog < 0 || backlog > 4096 ? 4096 : backlog;
  s.cred = credOf(k);
  k.wakeIo();
}

export function inetConnect(k: Kernel, f: OpenFile, s: InetSocket, addr: bigint, len: number): void {
  if (!s.tcp) return udpConnect(k, s, addr, len);
  if (s.listening) throw new Errno(EISCONN);
  if (s.connecting) {
    // the connect after EINPROGRESS: it has ended by now, in a connection or an error
    s.connecting = false;
    if (s.peer) return;
    const e = s.error || ECONNABORTED;
    s.error = 0;
    throw new Errno(e);
  }
  if (s.peer || s.rst) throw new Errno(EISCONN);
  // a socket whose connect failed may try again
  s.readShut = s.writeShut = false;
  const a = inetAddress(k, s, addr, len, false);
  const to = { ip: destinationIp(s, a.ip), port: a.port };
  const listener = k.inet.tcp.lookup(to, to, true) as InetSocket | undefined;
  const nonblocking = (f.flags & O_NONBLOCK) !== 0;
  if (!listener || listener.closed) {
    // the SYN met a RST; a non-blocking connect hears of it through SO_ERROR and poll
    if (!nonblocking) throw new Errno(ECONNREFUSED);
    s.error = ECONNREFUSED;
    s.readShut = s.writeShut = true;
    s.connecting = true;
    throw new Errno(EINPROGRESS);
  }
  // a full accept queue: the SYN waits (Linux drops it and retries)
  if (listener.backlog.length > listener.maxBacklog) {
    if (nonblocking) throw new Errno(EAGAIN);
    sleepOnSocket(k, s, SO_SNDTIMEO);
  }
  doneWaiting(k);
  autobind(k, s);
  if (isAny(s.local.ip)) s.local = { ip: sourceFor(to.ip), port: s.local.port };
  // the server's end, waiting in the backlog: it shares the listener's port and options
  const server = new InetSocket(k, listener.family, SOCK_STREAM, IPPROTO_TCP);
  server.local = to;
  server.remote = s.local;
  server.v6only = listener.v6only;
  server.options = new Map(listener.options);
  server.cred = listener.cred;
  server.hash(k.inet.tcp);
  server.peer = s;
  s.peer = server;
  s.remote = to;
  s.cred = credOf(k);
  listener.backlog.push(server);
  listener.events++;
  k.wakeIo();
  if (nonblocking) {
    s.connecting = true;
    throw new Errno(EINPROGRESS);
  }
}

/** A UDP connect: the default destination and the one sender taken from, or with AF_UNSPEC none (udp_disconnect). */
function udpConnect(k: Kernel, s: InetSocket, addr: bigint, len: number): void {
  if (addressFamily(k, addr, len) === AF_UNSPEC) {
    s.remote = undefined;
    if (!s.boundIp) s.local = { ip: s.family === AF_INET ? V4_ANY : V6_ANY, port: s.local.port };
    if (!s.boundPort) {
      s.unhash();
      s.local = { ip: s.local.ip, port: 0 };
    }
    return;
  }
  const a = inetAddress(k, s, addr, len, false);
  const to = { ip: destinationIp(s, a.ip), port: a.port };
  autobind(k, s);
  if (isAny(s.local.ip)) s.local = { ip: sourceFor(to.ip), port: s.local.port };
  s.remote = to;
  s.error = 0;
}

/** The destination of a sendto or sendmsg on an inet socket (none: the connected peer). */
export function inetDestination(k: Kernel, s: InetSocket, addr: bigint, len: number): InetAddr | undefined {
  if (len === 0 || addr === 0n) return undefined;
  // TCP passes over the address (a connected socket sends to its peer, an unconnected one fails with EPIPE)
  if (s.tcp) return undefined;
  return inetAddress(k, s, addr, len, false);
}

/**
 * A UDP send: the datagram goes at once to the socket bound where it is
 * addressed, or nowhere; it never waits for room (a full receiver drops
 * it, as udp_queue_rcv_skb does).
 */
export function udpSend(k: Kernel, f: OpenFile, s: InetSocket, n: number, read: (off: number, len: number) => Uint8Array, flags: number, to: InetAddr | undefined): bigint {
  void f;
  takeError(s);
  if (s.writeShut) return pipeGone(k, flags);
  const dest = to ?? s.remote;
  if (!dest) throw new Errno(EDESTADDRREQ);
  if (n > (s.family === AF_INET ? UDP_MAX_V4 : UDP_MAX_V6)) throw new Errno(EMSGSIZE);
  const ip = destinationIp(s, dest.ip);
  if (dest.port === 0) throw new Errno(EINVAL);
  autobind(k, s);
  const data = n > 0 ? read(0, n) : new Uint8Array(0);
  const from = { ip: isAny(s.local.ip) ? sourceFor(ip) : s.local.ip, port: s.local.port };
  const target = k.inet.udp.lookup({ ip, port: dest.port }, from, false) as InetSocket | undefined;
  if (!target) {
    // ICMP port unreachable: only a connected socket hears of it
    if (s.remote) s.error = ECONNREFUSED;
    s.events++;
    k.wakeIo();
    return BigInt(n);
  }
  if (!target.readShut && target.queued + n <= rcvbuf(target)) target.put(data, from, undefined, credOf(k));
  k.wakeIo();
  return BigInt(n);
}

/** SO_RCVBUF's default by protocol (net.ipv4.tcp_rmem's middle value for TCP, net.core.rmem_default for UDP). */
export function defaultBuf(s: Sock, option: number): number {
  if (!(s instanceof InetSocket) || !s.tcp) return SOCK_BUF;
  return option === SO_SNDBUF ? 16384 : 131072;
}

const SO_SNDBUF = 7;
const SO_RCVBUF = 8;

function rcvbuf(s: InetSocket): number {
  const raw = s.options.get(SO_RCVBUF);
  return raw ? new DataView(raw.buffer).getInt32(0, true) : SOCK_BUF;
}

const TCP_NODELAY = 1;
const TCP_MAXSEG = 2;
const TCP_KEEPIDLE = 4;
const TCP_KEEPINTVL = 5;
const TCP_KEEPCNT = 6;
const IP_TOS = 1;
const IP_TTL = 2;
const IPV6_UNICAST_HOPS = 16;
const IPV6_V6ONLY = 26;
const IPV6_TCLASS = 67;

/** The options of the IP, IPv6 and TCP levels kept here, with their defaults (TCP_MAXSEG: before a connection, 536). */
function levelDefaults(s: InetSocket, level: number): Map<number, number> | undefined {
  if (level === IPPROTO_TCP && s.tcp) return new Map([[TCP_NODELAY, 0], [TCP_MAXSEG, 536], [TCP_KEEPIDLE, 7200], [TCP_KEEPINTVL, 75], [TCP_KEEPCNT, 9]]);
  if (level === IPPROTO_IP) return new Map([[IP_TOS, 0], [IP_TTL, 64]]);
  if (level === IPPROTO_IPV6 && s.family === AF_INET6) return new Map([[IPV6_V6ONLY, 0], [IPV6_TCLASS, 0], [IPV6_UNICAST_HOPS, 64]]);
  return undefined;
}

const optionKey = (level: number, name: number): number => (level << 16) | name;
const BOOLEAN = new Set([optionKey(IPPROTO_TCP, TCP_NODELAY), optionKey(IPPROTO_IPV6, IPV6_V6ONLY)]);

/**
 * setsockopt below SOL_SOCKET: the options programs commonly set, read
 * back as set (booleans as 0 or 1); IPV6_V6ONLY takes effect and only
 * before the socket is bound. A level that does not apply, or an option
 * not kept, is ENOPROTOOPT.
 */
export function inetSetsockopt(k: Kernel, s: InetSocket, level: number, name: number, val: bigint, len: number): void {
  const known = levelDefaults(s, level);
  if (!known || !known.has(name)) throw new Errno(ENOPROTOOPT);
  if (len < 4) throw new Errno(EINVAL);
  let v = new DataView(copyFromUser(k.mm, val, 4).buffer).getInt32(0, true);
  const key = optionKey(level, name);
  if (BOOLEAN.has(key)) v = v !== 0 ? 1 : 0;
  if (level === IPPROTO_IPV6 && name === IPV6_V6ONLY) {
    if (s.hashed) throw new Errno(EINVAL);
    s.v6only = v !== 0;
  }
  const raw = new Uint8Array(4);
  new DataView(raw.buffer).setInt32(0, v, true);
  s.options.set(key, raw);
}

/** getsockopt below SOL_SOCKET: what was set, or the default; a level that does not apply is EOPNOTSUPP, as Linux answers. */
export function inetGetsockopt(s: InetSocket, level: number, name: number): Uint8Array {
  const known = levelDefaults(s, level);
  if (!known) throw new Errno(level === IPPROTO_TCP || level === IPPROTO_IPV6 || level === IPPROTO_UDP ? EOPNOTSUPP : ENOPROTOOPT);
  const dflt = known.get(name);
  if (dflt === undefined) throw new Errno(ENOPROTOOPT);
  const set = s.options.get(optionKey(level, name));
  if (set) return set;
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, dflt, true);
  return out;
}
