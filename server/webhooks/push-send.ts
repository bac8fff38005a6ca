import { lookup as dnsLookup } from 'node:dns/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkAddress, classifyAddress, type AllowList } from './address-guard';

/**
 * One push delivery over HTTP(S), through the SSRF guard. The host name is resolved here, every
 * address it resolves to is checked, and the socket connects to a checked address (the request's
 * `lookup` hands back only those), so a DNS answer that changes between the check and the
 * connect (rebinding) cannot reach a refused address. Redirects are not followed; the response
 * body is read up to a cap and dropped.
 */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface PushTarget {
  allow: AllowList;
  /** DNS resolution (tests inject one); default: the system resolver, every address. */
  resolve?: Resolver;
}

export type SendResult =
  | { kind: 'response'; status: number; headers: IncomingHttpHeaders; body: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'error'; message: string };

export const MAX_RESPONSE_BYTES = 4096;

const systemResolve: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

export class PushTargetForbidden extends Error {}

/** The addresses `url` may be reached at, all checked; throws PushTargetForbidden when any is refused. */
export async function resolveTarget(url: URL, target: PushTarget): Promise<{ address: string; family: number }[]> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const literal = classifyAddress(host);
  const addresses =
    literal.range === 'invalid' ? await (target.resolve ?? systemResolve)(host) : [{ address: literal.address, family: literal.address.includes(':') ? 6 : 4 }];
  if (addresses.length === 0) throw new Error(`${host} resolves to no address`);
  for (const a of addresses) {
    const verdict = checkAddress(a.address, target.allow, literal.range === 'invalid' ? host : undefined);
    if (!verdict.allowed) {
      throw new PushTargetForbidden(`${host} resolves to ${verdict.address} (${verdict.range}), which push delivery may not reach; allow it in HATOBA_PUSH_ALLOW_HOSTS`);
    }
  }
  return addresses;
}

export interface SendOptions {
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
  timeoutMs: number;
  agents?: { http: http.Agent; https: https.Agent };
}

export async function pushSend(o: SendOptions, target: PushTarget): Promise<SendResult> {
  const url = new URL(o.url);
  const deadline = AbortSignal.timeout(o.timeoutMs);
  let addresses: { address: string; family: number }[];
  try {
    addresses = await resolveTarget(url, target);
  } catch (e) {
    if (e instanceof PushTargetForbidden) return { kind: 'forbidden', message: e.message };
    return { kind: 'error', message: `DNS: ${(e as Error).message}` };
  }
  // Only ever the checked addresses, whatever the socket asks for.
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const isHttps = url.protocol === 'https:';
  return new Promise<SendResult>((resolve) => {
    let req: http.ClientRequest;
    try {
      req = (isHttps ? https : http).request(url, {
        method: 'POST',
        headers: { ...o.headers, 'content-length': String(o.body.byteLength) },
        lookup,
        agent: o.agents ? (isHttps ? o.agents.https : o.agents.http) : false,
        signal: deadline,
      });
    } catch (e) {
      // A request Node will not build (a header it refuses) is a failed attempt, nacked with why.
      resolve({ kind: 'error', message: `request not sent: ${(e as Error).message}` });
      return;
    }
    req.on('error', (err) => {
      if (deadline.aborted) resolve({ kind: 'timeout', message: `no answer within ${o.timeoutMs} ms` });
      else resolve({ kind: 'error', message: err.message });
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        resolve({ kind: 'response', status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      };
      res.on('data', (chunk: Buffer) => {
        if (size >= MAX_RESPONSE_BYTES) return;
        chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
        size += chunk.length;
        if (size >= MAX_RESPONSE_BYTES) {
          // Enough to show in an error: the rest is not read, and the connection not reused.
          res.destroy();
          done();
        }
      });
      res.on('end', done);
      res.on('error', () => done());
    });
    req.end(o.body);
  });
}

/**
 * Retry-After in milliseconds, or undefined where it gives no delay to wait: RFC 9110 allows
 * delay-seconds (digits only) or an HTTP date (with its day and month names). Anything else
 * (`-5`, `0x10`, `1.5`, which Date.parse would take for dates) is ignored, and so is a
 * delay of 0 or a date already past: the queue's own backoff applies then, so a receiver that
 * answers "now" every time cannot spend every attempt within milliseconds.
 */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) > 0 ? Number(v) * 1000 : undefined;
  if (!/[A-Za-z]{3}/.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) || at <= now ? undefined : at - now;
}
