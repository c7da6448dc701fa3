// SSRF protection for webhook endpoints. A partner-supplied URL must not make
// our servers talk to themselves or to the private network behind them, so
// every address a host resolves to is checked against the loopback, private,
// link-local and otherwise non-public ranges (IPv4-mapped and NAT64 IPv6
// addresses are judged by the IPv4 address they carry). Configuration may
// allow some networks (WEBHOOK_ALLOWED_NETWORKS). The check runs when an
// endpoint is saved and again at every delivery, whose connection then goes
// to the address that was checked (a DNS answer that changes in between,
// "DNS rebinding", cannot slip through).
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

type Network = { address: string; prefix: number; family: 'ipv4' | 'ipv6' };

const REFUSED_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const REFUSED_V6: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local (private)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const refused = new BlockList();
for (const [a, p] of REFUSED_V4) refused.addSubnet(a, p, 'ipv4');
for (const [a, p] of REFUSED_V6) refused.addSubnet(a, p, 'ipv6');

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part counts as two). */
function ipv6Groups(address: string): number[] | null {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail, extra] = text.split('::');
  if (extra !== undefined) return null;
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const groups = tail === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : null;
}

/** The IPv4 address an IPv6 address carries (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::a.b.c.d), if any. */
export function embeddedIpv4(address: string): string | null {
  if (isIP(address) !== 6) return null;
  const g = ipv6Groups(address);
  if (!g) return null;
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (!mapped && !nat64) return null;
  return [g[6]! >> 8, g[6]! & 255, g[7]! >> 8, g[7]! & 255].join('.');
}

export class AddressGuard {
  private readonly allowed = new BlockList();
  private readonly anyAllowed: boolean;

  constructor(allowedNetworks: Network[]) {
    for (const n of allowedNetworks) this.allowed.addSubnet(n.address, n.prefix, n.family);
    this.anyAllowed = allowedNetworks.length > 0;
  }

  /** Why `address` may not be used, or null when it may. */
  refusal(address: string): string | null {
    const family = isIP(address);
    if (!family) return `${address} is not an IP address`;
    const v4 = family === 6 ? embeddedIpv4(address) : address;
    if (this.anyAllowed && (this.allowed.check(address, family === 4 ? 'ipv4' : 'ipv6') || (v4 && this.allowed.check(v4, 'ipv4')))) return null;
    if (v4 ? refused.check(v4, 'ipv4') : refused.check(address, 'ipv6')) {
      return `${address} is a loopback, private, link-local or otherwise non-public address`;
    }
    return null;
  }

  /**
   * Resolves `hostname` (or takes it as an address) and checks every address
   * it resolves to; returns the ones to connect to, or throws UnsafeAddress.
   */
  async resolve(hostname: string): Promise<{ address: string; family: 4 | 6 }[]> {
    const bare = hostname.replace(/^\[(.*)\]$/, '$1');
    const literal = isIP(bare);
    let addresses: { address: string; family: number }[];
    if (literal) addresses = [{ address: bare, family: literal }];
    else {
      try {
        addresses = await lookup(bare, { all: true, verbatim: true });
      } catch (err) {
        throw new UnresolvableHost(`${bare} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }
    if (!addresses.length) throw new UnresolvableHost(`${bare} does not resolve`);
    // One refused address refuses the host: a name that mixes public and private answers is not trusted.
    for (const a of addresses) {
      const why = this.refusal(a.address);
      if (why) throw new UnsafeAddress(literal ? why : `${bare} resolves to ${why}`);
    }
    return addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  }
}

export class UnsafeAddress extends Error {}
export class UnresolvableHost extends Error {}
