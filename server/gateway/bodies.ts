import { LONE_SURROGATE, LONE_SURROGATE_TEXT } from '../broker/names';
import { GatewayError } from './errors';
import { readablePath } from '../broker/validation-issues';
import { isJsonType } from './http';
import { rawJson } from './raw-json';

export type Encoding = 'json' | 'text' | 'base64';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * How a stored body travels inside a JSON response: JSON content as a JSON value (its text as
 * published, raw-json.ts), text as a string, anything else (or bytes that are not what their
 * type claims) as base64.
 */
export function encodeBody(body: Uint8Array, contentType: string): { body: unknown; encoding: Encoding } {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const textual = isJsonType(type) || type.startsWith('text/') || type === 'application/xml' || type === 'application/x-www-form-urlencoded';
  if (textual) {
    let text: string | undefined;
    try {
      text = utf8.decode(body);
    } catch {
      text = undefined;
    }
    if (text !== undefined) {
      if (isJsonType(type)) {
        const raw = rawJson(text);
        return raw ? { body: raw, encoding: 'json' } : { body: text, encoding: 'text' };
      }
      return { body: text, encoding: 'text' };
    }
  }
  return { body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('base64'), encoding: 'base64' };
}

/**
 * The inverse, for bodies that arrive inside JSON (batch publish, replay edits). `source` is the
 * body's text in the request (json-source.ts): a JSON body is stored as written, not as
 * JSON.stringify of its parsed value (which rounds integers past 2^53).
 */
export function decodeBody(body: unknown, encoding: Encoding | undefined, source?: string): { bytes: Uint8Array; contentType: string } {
  const enc = encoding ?? (typeof body === 'string' ? 'text' : 'json');
  if (enc === 'json') return { bytes: Buffer.from(source ?? JSON.stringify(body ?? null)), contentType: 'application/json' };
  if (typeof body !== 'string') {
    throw new GatewayError('validation_failed', `A body with encoding '${enc}' must be a string`, { encoding: enc });
  }
  if (enc === 'text') {
    // Stored as UTF-8, which has no form for a lone UTF-16 surrogate: refused rather than stored as U+FFFD.
    if (LONE_SURROGATE.test(body)) throw new GatewayError('validation_failed', `must not contain ${LONE_SURROGATE_TEXT}: a text body is stored as UTF-8, which has no form for it`, {});
    return { bytes: Buffer.from(body, 'utf8'), contentType: 'text/plain; charset=utf-8' };
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 === 1) {
    throw new GatewayError('validation_failed', 'The body is not valid base64', { encoding: enc });
  }
  return { bytes: Buffer.from(body, 'base64'), contentType: 'application/octet-stream' };
}

/**
 * Runs `fn` (a body's decoding) so that its refusal names the field the body came in
 * (`messages[1].body: …`, `edit.body: …`), with `details.field` and `path`.
 */
export function atBodyField<T>(field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof GatewayError)) throw e;
    throw new GatewayError(e.code, `${readablePath(field)}: ${e.message}`, { ...e.details, field, path: field });
  }
}
