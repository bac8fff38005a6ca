import ipaddr from 'ipaddr.js';

/**
 * The SSRF guard for push delivery: which addresses the gateway may connect to. Pure: it
 * classifies addresses it is given and never resolves or connects (push-send.ts does, and asks
 * here about every address it resolved before connecting to one of them).
 *
 * The rule is default-deny: only what ipaddr.js calls global `unicast` passes; every named
 * special range (loopback, private, link-local, CGNAT, unique-local, multicast, NAT64, 6to4,
 * Teredo, documentation, …) is refused unless the operator allows it.
 */
export type AddressRange =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'carrier_grade_nat'
  | 'unique_local'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved'
  | 'invalid';

const NAMED: Record<string, AddressRange> = {
  unicast: 'public',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link_local',
  carrierGradeNat: 'carrier_grade_nat',
  uniqueLocal: 'unique_local',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
};

// ::a.b.c.d, the deprecated IPv4-compatible form: ipaddr.js calls it unicast, but it names an IPv4 host.
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

export interface Classified {
  /** The canonical form: IPv4-mapped IPv6 (::ffff:127.0.0.1) is given as the IPv4 address it maps. */
  address: string;
  range: AddressRange;
}

/** The range an IP address belongs to; `invalid` for anything that is not an IP address. */
export function classifyAddress(text: string): Classified {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (!ipaddr.isValid(bare)) return { address: text, range: 'invalid' };
  const ip = canonical(ipaddr.parse(bare));
  if (ip.kind() === 'ipv6' && ip.match(IPV4_COMPATIBLE) && ip.range() === 'unicast') return { address: ip.toString(), range: 'reserved' };
  return { address: ip.toString(), range: NAMED[ip.range()] ?? 'reserved' };
}

function canonical(ip: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

/** `HATOBA_PUSH_ALLOW_HOSTS`: host names (any address they resolve to is allowed) and IPs or CIDRs. */
export interface AllowList {
  hosts: Set<string>;
  ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

export class AllowListError extends Error {}

/** Parses a comma-separated allow list; throws AllowListError naming a bad entry. */
export function parseAllowList(entries: string | string[]): AllowList {
  const list = typeof entries === 'string' ? entries.split(',') : entries;
  const allow: AllowList = { hosts: new Set(), ranges: [] };
  for (const raw of list) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    const bare = entry.startsWith('[') && entry.endsWith(']') ? entry.slice(1, -1) : entry;
    if (ipaddr.isValidCIDR(bare)) {
      const [ip, bits] = ipaddr.parseCIDR(bare);
      allow.ranges.push(ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96 ? [canonical(ip), bits - 96] : [ip, bits]);
    } else if (ipaddr.isValid(bare)) {
      const ip = canonical(ipaddr.parse(bare));
      allow.ranges.push([ip, ip.kind() === 'ipv4' ? 32 : 128]);
    } else if (entry.includes('/') || entry.includes(' ') || entry.includes(':')) {
      throw new AllowListError(`'${raw.trim()}' is neither a host name, an IP address nor a CIDR range`);
    } else {
      allow.hosts.add(hostKey(entry));
    }
  }
  return allow;
}

export const emptyAllowList = (): AllowList => ({ hosts: new Set(), ranges: [] });

export type Verdict = { allowed: true; address: string; range: AddressRange } | { allowed: false; address: string; range: AddressRange };

/**
 * May the gateway connect to `address`, reached through `hostname`? Public unicast always;
 * anything else only when the host name or the address is on the allow list.
 */
export function checkAddress(address: string, allow: AllowList, hostname?: string): Verdict {
  const c = classifyAddress(address);
  if (c.range === 'invalid') return { allowed: false, ...c };
  if (c.range === 'public') return { allowed: true, ...c };
  if (hostname !== undefined && isHostAllowed(hostname, allow)) return { allowed: true, ...c };
  const ip = ipaddr.parse(c.address);
  const inRange = allow.ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));
  return { allowed: inRange, ...c };
}

/** A host name on the allow list (case-insensitive; a trailing dot is ignored). */
export function isHostAllowed(hostname: string, allow: AllowList): boolean {
  return allow.hosts.has(hostKey(hostname));
}

const hostKey = (name: string) => {
  const h = name.toLowerCase();
  return h.endsWith('.') ? h.slice(0, -1) : h;
};
