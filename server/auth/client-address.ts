import type { IncomingMessage } from 'node:http';
import ipaddr from 'ipaddr.js';

/**
 * The client's address behind trusted reverse proxies (HATOBA_TRUST_PROXY): what login limits
 * and the audit log record. Pure functions; no name is ever resolved.
 */

type Ip = ipaddr.IPv4 | ipaddr.IPv6;

/** Parsed trusted-proxy ranges (see `parseTrustProxy`). */
export type TrustedProxies = readonly (readonly [Ip, number])[];

export class TrustProxyError extends Error {}

/**
 * `['127.0.0.1/32', '10.0.0.0/8', '::1', …]` → ranges; a bare address is one host. IPv4-mapped
 * IPv6 ranges (`::ffff:10.0.0.0/104`) are taken as the IPv4 range they map. Throws
 * TrustProxyError naming the first entry that is not an address or CIDR.
 */
export function parseTrustProxy(list: readonly string[] | string): TrustedProxies {
  const entries = (typeof list === 'string' ? list.split(',') : list).map((x) => x.trim()).filter(Boolean);
  return entries.map((entry): readonly [Ip, number] => {
    try {
      if (entry.includes('/')) {
        const address = entry.slice(0, entry.indexOf('/'));
        if (!ipaddr.IPv4.isValidFourPartDecimal(address) && !(address.includes(':') && ipaddr.IPv6.isValid(address))) throw new Error();
        const [ip, bits] = ipaddr.parseCIDR(entry);
        if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
          return [(ip as ipaddr.IPv6).toIPv4Address(), bits - 96];
        }
        return [ip, bits];
      }
      if (ipaddr.IPv4.isValidFourPartDecimal(entry) || ipaddr.IPv6.isValid(entry)) {
        const ip = ipaddr.process(entry);
        return [ip, ip.kind() === 'ipv4' ? 32 : 128];
      }
    } catch {
      // reported below
    }
    throw new TrustProxyError(`'${entry}' is not an IP address or CIDR range (e.g. 127.0.0.1/32, 10.0.0.0/8, ::1/128)`);
  });
}

/** An X-Forwarded-For entry or a socket address as an IP, or null: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:443`. */
function parseHop(text: string): Ip | null {
  let t = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(t);
  if (bracketed) t = bracketed[1]!;
  else {
    const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(t);
    if (v4port) t = v4port[1]!;
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(t)) return ipaddr.IPv4.parse(t);
  if (!t.includes(':') || !ipaddr.IPv6.isValid(t)) return null;
  return ipaddr.process(t);
}

const trusted = (ip: Ip, ranges: TrustedProxies) =>
  ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits));

/**
 * The client's address. The socket's peer, unless it is a trusted proxy (`trustProxy`): then
 * X-Forwarded-For is read from the right (each proxy appends the address it was connected
 * from), skipping trusted proxies, and the first address not among them is the client.
 * Entries left of it are the client's own claims and are never read. An entry that is not an
 * address stops the walk at the proxy that reported it. From an untrusted peer the header is
 * ignored entirely, so a client cannot choose its address (login limits, the audit log).
 */
export function clientIp(
  req: { socket: { remoteAddress?: string | undefined }; headers: IncomingMessage['headers'] },
  trustProxy: TrustedProxies | readonly string[] = [],
): string | null {
  const peer = req.socket.remoteAddress;
  if (!peer) return null;
  const ranges: TrustedProxies = trustProxy.length > 0 && typeof trustProxy[0] === 'string' ? parseTrustProxy(trustProxy as readonly string[]) : (trustProxy as TrustedProxies);
  let current = ranges.length > 0 ? parseHop(peer) : null;
  if (!current || !trusted(current, ranges)) return peer;
  const header = req.headers['x-forwarded-for'];
  if (header === undefined) return current.toString();
  const hops = (Array.isArray(header) ? header.join(',') : header).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const ip = parseHop(hops[i]!);
    if (!ip) break; // not an address: the last hop we can vouch for is the answer
    current = ip;
    if (!trusted(ip, ranges)) break;
  }
  return current.toString();
}

