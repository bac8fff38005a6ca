import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { unstorableText } from '../broker/names';
import { issuesOf, issuesText } from '../broker/validation-issues';
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

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A JSON request body's text. JSON travels as UTF-8 (RFC 8259): bytes that are not UTF-8 are
 * refused (400 invalid_json), never turned into U+FFFD and stored changed.
 */
export function jsonText(raw: Uint8Array, what = 'the body'): string {
  try {
    return utf8.decode(raw);
  } catch {
    throw new GatewayError('invalid_json', `${what[0]!.toUpperCase()}${what.slice(1)} is not valid UTF-8: JSON must be sent as UTF-8 (RFC 8259)`);
  }
}

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
      value = JSON.parse(typeof raw === 'string' ? raw : jsonText(raw));
    } catch (e) {
      throw new GatewayError('invalid_json', `The body is not valid JSON: ${(e as Error).message}`);
    }
  }
  checkJsonText(value, '');
  return validate(schema, value);
}

/** How deep arrays and objects may nest in a JSON request body: no endpoint needs more than a few levels. */
const MAX_JSON_DEPTH = 64;

/**
 * Every string of a JSON request body (names, keys, headers, errors, secrets...) may end up in
 * PostgreSQL text or jsonb, which cannot hold NUL nor a lone UTF-16 surrogate: refused here once,
 * for every route, as 400 validation_failed naming the field. A message body (a `body` field) is
 * stored as bytes, so it may hold anything.
 *
 * Two more things every route is spared here. The key `__proto__`: copied into a plain object
 * (`obj[key] = v`, zod's z.record) it sets the prototype instead of a key and vanishes (a headers
 * binding would lose its match), so it is refused as a reserved name. And nesting deeper than
 * MAX_JSON_DEPTH: JSON.parse takes any depth, but a recursive walk (JSON.stringify, this one
 * was) overflows the stack. The walk is iterative, in document order, so the first bad field is
 * the one named.
 */
function checkJsonText(root: unknown, rootPath: string): void {
  // `key` is set on an object member: its name is checked when it is reached, in document order.
  const stack: { value: unknown; path: string; depth: number; key?: string }[] = [{ value: root, path: rootPath, depth: 0 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, depth, key } = item;
    let path = item.path;
    if (key !== undefined) {
      const badKey = unstorableText(key);
      path = path ? `${path}.${badKey ? JSON.stringify(key) : key}` : badKey ? JSON.stringify(key) : key;
      if (badKey) throw unstorable(path, badKey, 'the name ');
      if (key === '__proto__') throw reserved(path);
      if (key === 'body') continue;
    }
    if (typeof value === 'string') {
      const bad = unstorableText(value);
      if (bad) throw unstorable(path, bad);
    } else if (value !== null && typeof value === 'object') {
      if (depth === MAX_JSON_DEPTH) throw tooDeep(path);
      if (Array.isArray(value)) {
        for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: path ? `${path}.${i}` : String(i), depth: depth + 1 });
      } else {
        const entries = Object.entries(value);
        for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], path, depth: depth + 1, key: entries[i]![0] });
      }
    }
  }
}

const unstorable = (path: string, bad: string, what = '') =>
  new GatewayError('validation_failed', `${what}${path || 'The body'} must not contain ${bad}`, {
    field: path,
    issues: [{ path, message: `must not contain ${bad}` }],
  });

const reserved = (path: string) =>
  new GatewayError('validation_failed', `the name ${path} is reserved (__proto__ cannot be a key)`, {
    field: path,
    issues: [{ path, message: 'the name __proto__ is reserved' }],
  });

const tooDeep = (path: string) => {
  const at = path.length > 200 ? `${path.slice(0, 200)}…` : path;
  const message = `is nested too deeply (at most ${MAX_JSON_DEPTH} levels of arrays and objects)`;
  return new GatewayError('validation_failed', `${at || 'The body'} ${message}`, { field: at, issues: [{ path: at, message }] });
};

/** Validates against a schema; a failure is 400 validation_failed naming each field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error);
    // The message starts with where (messages[1].delayMs: …); details.field is the first issue's path.
    throw new GatewayError('validation_failed', issuesText(issues), { ...(issues[0]?.path ? { field: issues[0].path } : {}), issues });
  }
  return parsed.data;
}

/**
 * A query string as an object; keys listed in `arrays` keep every repeat (header=…&header=…).
 * Any other key given twice is refused (400) rather than one of its values silently winning.
 * An empty value (`?limit=`) is kept as '': each schema says what the value must be.
 */
export function queryObject(query: URLSearchParams, arrays: string[] = []): Record<string, unknown> {
  // Built with fromEntries: `out[key] = …` would take ?__proto__=… as the prototype, unseen by the schema.
  const out: [string, unknown][] = [];
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    if (arrays.includes(key)) out.push([key, values]);
    else if (values.length > 1) {
      throw new GatewayError('validation_failed', `Query parameter ${key} is given ${values.length} times: give it once`, {
        field: key,
        issues: [{ path: key, message: 'given more than once' }],
      });
    } else out.push([key, values[0]]);
  }
  return Object.fromEntries(out);
}

/**
 * A whole-number query parameter: digits only, so an empty value (`?limit=`) or `1.5` is refused
 * with what the value must be instead of being read as 0 (z.coerce) or failing as "Too small".
 */
export function queryInt(name: string, min: number, max?: number) {
  const message = `${name} must be a whole number ${max === undefined ? `of at least ${min}` : `from ${min} to ${max}`}`;
  const tooBig = `${name} must be at most ${(max ?? Number.MAX_SAFE_INTEGER).toLocaleString('en-US')}`;
  return z
    .string()
    .transform((s, ctx) => {
      // Digits only, and a number past 15 digits is said to be too big, not "not a whole number".
      if (!/^\d+$/.test(s) || s.length > 15) {
        ctx.addIssue({ code: 'custom', message: /^\d+$/.test(s) ? tooBig : message });
        return z.NEVER;
      }
      return Number(s);
    })
    .pipe(z.number().int().min(min, message).max(max ?? Number.MAX_SAFE_INTEGER, message));
}

/** A free-text query parameter that must not be empty. */
export const queryText = (name: string, what = '1–255 characters') =>
  z.string().min(1, `${name} must be ${what} (it is empty)`).max(255, `${name} must be ${what}`);

/**
 * Every query value and path parameter reaches the broker, and so PostgreSQL, as text: NUL cannot
 * be stored there (a percent-encoded URL cannot carry a lone surrogate: it decodes to U+FFFD).
 * Checked here once for every route, as 400 validation_failed naming the parameter.
 */
export function checkUrlText(search: string, query: URLSearchParams, params: Record<string, string>): void {
  if (search.includes('%00')) {
    for (const [key, value] of query) {
      const bad = unstorableText(key) ?? unstorableText(value);
      if (bad) {
        throw new GatewayError('validation_failed', `Query parameter ${unstorableText(key) ? JSON.stringify(key) : key} must not contain ${bad}`, {
          field: key,
          issues: [{ path: key, message: `must not contain ${bad}` }],
        });
      }
    }
  }
  for (const [name, value] of Object.entries(params)) {
    const bad = unstorableText(value);
    if (bad) {
      throw new GatewayError('validation_failed', `Path parameter ${name} must not contain ${bad}`, {
        field: name,
        issues: [{ path: name, message: `must not contain ${bad}` }],
      });
    }
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = stringifyJson(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}
