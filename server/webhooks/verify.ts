import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Webhook signatures, both ways: verifying what senders sign (inbound sources) and signing
 * what push delivery sends. Standard Webhooks (https://www.standardwebhooks.com) signs
 * `${webhook-id}.${webhook-timestamp}.${body}` with HMAC-SHA256 and sends `v1,<base64>`
 * signatures, space-separated so a sender can sign with an old and a new secret at once.
 *
 * The HMAC is computed here with node:crypto over the exact body bytes rather than with the
 * `standardwebhooks` package, whose verify() has a fixed 5-minute tolerance and whose sign()
 * turns a Buffer into a UTF-8 string first (so a binary body would be signed wrongly). The
 * tests check both directions against that package.
 */
export type VerifyScheme = 'standard-webhooks' | 'hmac-sha256' | 'none';

export interface VerifyConfig {
  scheme: VerifyScheme;
  /** Every secret accepted; more than one while a secret is being rotated. */
  secrets: string[];
  /** hmac-sha256: the header that carries the signature. */
  header?: string;
  /** standard-webhooks: how far webhook-timestamp may be from now (default 300 s). */
  timestampToleranceS?: number;
}

export type Refusal = 'signature_missing' | 'signature_invalid' | 'timestamp_out_of_tolerance';
export type Verdict = { ok: true } | { ok: false; code: Refusal; message: string };

export const DEFAULT_TOLERANCE_S = 300;
/**
 * An HTTP header name (RFC 9110 token). A source whose signature or routing key is read from a
 * header that no request can carry (`"bad header"`) would refuse or misroute every webhook, so
 * such a name is refused when the source is declared.
 */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
export const HEADER_NAME_RULE = "an HTTP header name: letters, digits and !#$%&'*+-.^_`|~, no spaces";
export const DEFAULT_HMAC_HEADER = 'x-hub-signature-256';
const PREFIX = 'whsec_';

const one = (h: IncomingHttpHeaders, name: string) => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};
const refuse = (code: Refusal, message: string): Verdict => ({ ok: false, code, message });

/** A new Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** The key bytes of a Standard Webhooks secret (`whsec_` + base64; the prefix is optional), or null if it is not one. */
export function standardSecretKey(secret: string): Buffer | null {
  const b64 = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  const key = Buffer.from(b64, 'base64');
  const strip = (s: string): string => (s.endsWith('=') ? strip(s.slice(0, -1)) : s);
  if (key.length < 16 || strip(key.toString('base64')) !== strip(b64)) return null;
  return key;
}

/** One Standard Webhooks signature, `v1,<base64>`, over the exact body bytes. */
export function signStandard(secret: string, id: string, timestampS: number, body: Uint8Array): string {
  const key = standardSecretKey(secret);
  if (!key) throw new Error('Not a Standard Webhooks secret (whsec_ and base64 of at least 16 bytes)');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampS}.`).update(body).digest('base64')}`;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function verifyStandard(c: VerifyConfig, h: IncomingHttpHeaders, body: Uint8Array, nowMs: number): Verdict {
  const id = one(h, 'webhook-id');
  const ts = one(h, 'webhook-timestamp');
  const signatures = one(h, 'webhook-signature');
  if (!id || !ts || !signatures) return refuse('signature_missing', 'webhook-id, webhook-timestamp and webhook-signature are required');
  const seconds = Number(ts);
  if (!Number.isSafeInteger(seconds) || String(seconds) !== ts.trim()) return refuse('signature_invalid', 'webhook-timestamp is not whole seconds since the epoch');
  const passed = signatures
    .split(' ')
    .map((s) => s.split(','))
    .filter(([version, sig]) => version === 'v1' && sig)
    .map(([, sig]) => Buffer.from(sig!, 'base64'));
  const matches = c.secrets.some((secret) => {
    const expected = Buffer.from(signStandard(secret, id, seconds, body).slice(3), 'base64');
    return passed.some((p) => sameBytes(p, expected));
  });
  if (!matches) return refuse('signature_invalid', 'No webhook-signature matches the body with this source’s secret');
  const tolerance = c.timestampToleranceS ?? DEFAULT_TOLERANCE_S;
  if (Math.abs(nowMs / 1000 - seconds) > tolerance) {
    return refuse('timestamp_out_of_tolerance', `webhook-timestamp is more than ${tolerance} s away from now`);
  }
  return { ok: true };
}

function verifyHmac(c: VerifyConfig, h: IncomingHttpHeaders, body: Uint8Array): Verdict {
  const header = (c.header ?? DEFAULT_HMAC_HEADER).toLowerCase();
  const value = one(h, header)?.trim();
  if (!value) return refuse('signature_missing', `The ${header} header is required`);
  const hex = value.toLowerCase().startsWith('sha256=') ? value.slice(7) : value;
  const passed = Buffer.from(hex, 'hex');
  // Buffer.from(…, 'hex') stops at the first non-hex pair: a shorter result means it was not hex.
  if (passed.length !== 32 || passed.length * 2 !== hex.length) return refuse('signature_invalid', `${header} is not a hex SHA-256 HMAC`);
  const ok = c.secrets.some((secret) => sameBytes(passed, createHmac('sha256', secret).update(body).digest()));
  return ok ? { ok: true } : refuse('signature_invalid', `${header} does not match the body with this source’s secret`);
}

/** Checks an inbound webhook's signature; `nowMs` is for tests. */
export function verifyWebhook(c: VerifyConfig, headers: IncomingHttpHeaders, body: Uint8Array, nowMs = Date.now()): Verdict {
  switch (c.scheme) {
    case 'standard-webhooks':
      return verifyStandard(c, headers, body, nowMs);
    case 'hmac-sha256':
      return verifyHmac(c, headers, body);
    case 'none':
      return { ok: true };
  }
}
