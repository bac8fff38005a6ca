import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { GatewayError } from './errors';
import { stringifyJson } from './raw-json';

/** Reads the whole body, refusing (413) as soon as it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const tooLarge = (limit: number) =>
  new GatewayError('payload_too_large', `The request body is larger than the limit of ${limit} bytes`, { limitBytes: limit });

export function isJsonType(contentType: string | undefined): boolean {
  const t = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return t === 'application/json' || t.endsWith('+json');
}

/**
 * Parses a JSON request body against a schema; an empty body counts as `{}`. The Content-Type
 * is not checked here (curl -d sends form encoding); endpoints that must insist do so themselves.
 */
export function parseJson<S extends z.ZodType>(raw: Buffer | string, schema: S): z.infer<S> {
  let value: unknown = {};
  if (raw.length > 0) {
    try {
      value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
    } catch (e) {
      throw new GatewayError('invalid_json', `The body is not valid JSON: ${(e as Error).message}`);
    }
  }
  return validate(schema, value);
}

/** Validates against a schema; a failure is 400 validation_failed naming each field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new GatewayError('validation_failed', z.prettifyError(parsed.error), {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return parsed.data;
}

/** A query string as an object; keys listed in `arrays` keep every repeat (header=…&header=…). */
export function queryObject(query: URLSearchParams, arrays: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) out[key] = arrays.includes(key) ? query.getAll(key) : query.get(key);
  return out;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = stringifyJson(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
