import { Pool } from 'undici';
import { nowMs } from './stats';

/** A keep-alive client of `connections` sockets to one origin (undici, no pipelining). */
export function httpPool(origin: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
    connectTimeout: 5_000,
  });
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Status codes accepted; anything else throws HttpError. */
  ok?: number[];
}

/** One request; the body is always consumed so the socket goes back to the pool. */
export async function call(pool: Pool, o: CallOptions): Promise<{ status: number; text: string }> {
  const res = await pool.request({ method: o.method ?? 'GET', path: o.path, headers: o.headers, body: o.body });
  const text = await res.body.text();
  const ok = o.ok ?? [200, 201, 202, 204];
  if (!ok.includes(res.statusCode)) throw new HttpError(res.statusCode, text, `${o.method ?? 'GET'} ${o.path}`);
  return { status: res.statusCode, text };
}

/** Like call(), but the answer's body is discarded unread (hot paths). */
export async function fire(pool: Pool, o: CallOptions): Promise<number> {
  const res = await pool.request({ method: o.method ?? 'GET', path: o.path, headers: o.headers, body: o.body });
  if (!(o.ok ?? [200, 201, 202, 204]).includes(res.statusCode)) {
    const text = await res.body.text();
    throw new HttpError(res.statusCode, text, `${o.method ?? 'GET'} ${o.path}`);
  }
  await res.body.dump();
  return res.statusCode;
}

export async function callJson<T>(pool: Pool, o: Omit<CallOptions, 'body'> & { json?: unknown }): Promise<T> {
  const headers = { 'content-type': 'application/json', ...o.headers };
  const { text } = await call(pool, { ...o, headers, body: o.json === undefined ? undefined : JSON.stringify(o.json) });
  return (text ? JSON.parse(text) : undefined) as T;
}

export const BODY_BYTES = 1024;

/** A message of exactly 1 KiB of JSON carrying its send time `t` (ms since the epoch). */
export function messageObject(seq: number): { t: number; seq: number; pad: string } {
  const t = nowMs();
  const bare = JSON.stringify({ t, seq, pad: '' }).length;
  return { t, seq, pad: 'x'.repeat(Math.max(0, BODY_BYTES - bare)) };
}

export const messageJson = (seq: number): string => JSON.stringify(messageObject(seq));

/** The send time out of a message body in whatever form a subject hands it back. */
export function sentAt(body: unknown, encoding?: string): number | undefined {
  try {
    let v: unknown = body;
    if (encoding === 'base64' && typeof v === 'string') v = Buffer.from(v, 'base64').toString('utf8');
    if (v instanceof Uint8Array) v = Buffer.from(v).toString('utf8');
    if (typeof v === 'string') v = JSON.parse(v);
    const t = (v as { t?: unknown })?.t;
    return typeof t === 'number' ? t : undefined;
  } catch {
    return undefined;
  }
}
