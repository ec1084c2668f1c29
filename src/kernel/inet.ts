/**
 * Internet addresses and port tables for a machine whose one interface is
 * the loopback (lo: 127.0.0.1/8 and ::1/128), as Linux's inet_bind,
 * inet_csk_get_port and udp_lib_get_port apply them: which addresses a
 * socket may bind (127.0.0.0/8, ::1, the wildcards, and for an AF_INET6
 * socket that is not IPV6_V6ONLY the v4-mapped ::ffff:127.x), when two
 * bindings of one port conflict (EADDRINUSE), with SO_REUSEADDR and
 * SO_REUSEPORT, which socket a connection or datagram reaches, and the
 * ephemeral ports of ip_local_port_range.
 *
 * Every address is kept in its IPv6 form (an IPv4 one v4-mapped, so
 * 0.0.0.0 is ::ffff:0.0.0.0 and apart from ::), which is what lets an
 * AF_INET6 socket meet AF_INET ones on the same port.
 */
export const AF_INET = 2;
export const AF_INET6 = 10;

/** An address and port (host order). */
export interface InetAddr {
  readonly ip: Uint8Array;
  readonly port: number;
}

/** What the port tables need of a socket bound in them. */
export interface Binding {
  readonly family: number;
  local: InetAddr;
  v6only: boolean;
  /** SO_REUSEADDR, SO_REUSEPORT and the owner's uid, as the conflict rules weigh them. */
  reuse(): boolean;
  reuseport(): boolean;
  readonly uid: number;
  listening: boolean;
  /** Connected to this remote address (a UDP socket after connect). */
  remote: InetAddr | undefined;
}

/** ip_local_port_range's default. */
export const EPHEMERAL_LOW = 32768;
export const EPHEMERAL_HIGH = 60999;

const MAPPED = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

export function v4mapped(a: number, b: number, c: number, d: number): Uint8Array {
  return new Uint8Array([...MAPPED, a, b, c, d]);
}

export const V4_ANY = v4mapped(0, 0, 0, 0);
export const V4_LOOPBACK = v4mapped(127, 0, 0, 1);
export const V6_ANY = new Uint8Array(16);
export const V6_LOOPBACK = (() => {
  const a = new Uint8Array(16);
  a[15] = 1;
  return a;
})();

export const isV4 = (ip: Uint8Array): boolean => MAPPED.every((b, i) => ip[i] === b);
export const isAny = (ip: Uint8Array): boolean => ip.every((b, i) => b === 0 || (i >= 10 && i < 12 && isV4(ip)));
export const sameIp = (a: Uint8Array, b: Uint8Array): boolean => a.every((x, i) => x === b[i]);
export const sameAddr = (a: InetAddr, b: InetAddr): boolean => a.port === b.port && sameIp(a.ip, b.ip);

/** Whether lo holds the address (or it is a wildcard): what may be bound, and what a packet may be sent to. */
export function isLocal(ip: Uint8Array): boolean {
  if (isV4(ip)) return ip[12] === 127 || isAny(ip);
  return isAny(ip) || sameIp(ip, V6_LOOPBACK);
}

/** The address a socket sends from towards `to`: lo's own address of that family (a 127.x destination is still reached from 127.0.0.1). */
export function sourceFor(to: Uint8Array): Uint8Array {
  return isV4(to) ? V4_LOOPBACK : V6_LOOPBACK;
}

/** Whether a binding's address covers packets to `ip` (a wildcard covers its family; ::, unless IPV6_V6ONLY, IPv4 too). */
export function covers(b: Binding, ip: Uint8Array): boolean {
  const mine = b.local.ip;
  if (!isAny(mine)) return sameIp(mine, ip);
  if (isV4(mine)) return isV4(ip);
  return !isV4(ip) || (!b.v6only && b.family === AF_INET6);
}

/** Whether two bindings of one port claim some address in common. */
function overlap(a: Binding, b: Binding): boolean {
  const wild = (x: Binding, y: Binding): boolean => {
    if (isV4(x.local.ip)) return isV4(y.local.ip) || (!y.v6only && isAny(y.local.ip));
    // x is ::
    return !isV4(y.local.ip) || !x.v6only;
  };
  const aAny = isAny(a.local.ip);
  const bAny = isAny(b.local.ip);
  if (!aAny && !bAny) return sameIp(a.local.ip, b.local.ip);
  if (aAny && bAny) return wild(a, b) || wild(b, a);
  return aAny ? covers(a, b.local.ip) : covers(b, a.local.ip);
}

/**
 * Whether `s` may hold the port `other` holds too: not where their
 * addresses overlap, unless both set SO_REUSEADDR (TCP: and the other is
 * not listening), or both set SO_REUSEPORT under one uid.
 */
function conflicts(s: Binding, other: Binding, tcp: boolean): boolean {
  if (!overlap(s, other)) return false;
  if (s.reuse() && other.reuse() && (!tcp || !other.listening)) return false;
  if (s.reuseport() && other.reuseport() && s.uid === other.uid) return false;
  return true;
}

/** One protocol's ports: who is bound to each, and where the next ephemeral search starts. */
export class PortTable {
  private bound = new Map<number, Binding[]>();
  private next = EPHEMERAL_LOW;

  constructor(readonly tcp: boolean) {}

  holders(port: number): readonly Binding[] {
    return this.bound.get(port) ?? [];
  }

  /** Whether `s` may take `port` (bind, or listen re-checking its own port). */
  free(s: Binding, port: number): boolean {
    return this.holders(port).every((o) => o === s || !conflicts(s, o, this.tcp));
  }

  /**
   * An ephemeral port for `s`: the ports of ip_local_port_range in
   * ascending order, going on after the last one handed out and wrapping,
   * the first that no socket of the protocol holds (Linux starts at a
   * random offset: here the order is fixed, so runs repeat). 0: none left.
   */
  ephemeral(): number {
    const span = EPHEMERAL_HIGH - EPHEMERAL_LOW + 1;
    for (let i = 0; i < span; i++) {
      const port = EPHEMERAL_LOW + ((this.next - EPHEMERAL_LOW + i) % span);
      if (!this.bound.has(port)) {
        this.next = port + 1 > EPHEMERAL_HIGH ? EPHEMERAL_LOW : port + 1;
        return port;
      }
    }
    return 0;
  }

  add(s: Binding): void {
    const list = this.bound.get(s.local.port);
    if (list) list.push(s);
    else this.bound.set(s.local.port, [s]);
  }

  remove(s: Binding): void {
    const list = this.bound.get(s.local.port);
    if (!list) return;
    const i = list.indexOf(s);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.bound.delete(s.local.port);
  }

  /**
   * Who receives what is sent from `from` to `to`: among the sockets on
   * the port that cover the address (listeners only, for TCP), a socket
   * connected to the sender first, then one bound to the very address,
   * then one of the packet's own family; of equals, the first bound (where
   * Linux hashes a SO_REUSEPORT group, this picks its first member).
   */
  lookup(to: InetAddr, from: InetAddr, listening: boolean): Binding | undefined {
    let best: Binding | undefined;
    let bestScore = -1;
    for (const s of this.holders(to.port)) {
      if (this.tcp && s.listening !== listening) continue;
      if (!covers(s, to.ip)) continue;
      if (s.remote && !sameAddr(s.remote, from)) continue;
      const score = (s.remote ? 4 : 0) + (isAny(s.local.ip) ? 0 : 2) + ((s.family === AF_INET) === isV4(to.ip) ? 1 : 0);
      if (score > bestScore) {
        best = s;
        bestScore = score;
      }
    }
    return best;
  }
}

/** The machine's TCP and UDP ports. */
export class InetTables {
  readonly tcp = new PortTable(true);
  readonly udp = new PortTable(false);
}
