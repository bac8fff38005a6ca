import { type IncomingHttpHeaders, validateHeaderName, validateHeaderValue } from 'node:http';

const utf8 = new TextDecoder('utf-8', { fatal: true });
// eslint-disable-next-line no-control-regex
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * A header value as its text. Node hands header bytes over as Latin-1, one character per byte,
 * so `José` sent as UTF-8 arrives as `JosÃ©`: bytes that form UTF-8 are read as UTF-8. Bytes that
 * do not (a sender using Latin-1) keep their Latin-1 reading.
 */
export function headerText(value: string): string {
  if (!NON_ASCII.test(value)) return value;
  try {
    return utf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

/** A request header's text (`headerText`); the first value where Node kept a list (`set-cookie`). */
export function headerValue(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  const first = Array.isArray(v) ? v[0] : v;
  return first === undefined ? undefined : headerText(first);
}

/**
 * Every request header as its text, for code that reads headers on its own (the CloudEvents
 * library, signature checks). The same object when every value is ASCII, as nearly all are.
 */
export function textHeaders(h: IncomingHttpHeaders): IncomingHttpHeaders {
  let out: IncomingHttpHeaders | undefined;
  for (const [name, v] of Object.entries(h)) {
    if (v === undefined) continue;
    const text = Array.isArray(v) ? v.map(headerText) : headerText(v);
    if (text === v || (Array.isArray(v) && (text as string[]).every((t, i) => t === v[i]))) continue;
    (out ??= { ...h })[name] = text;
  }
  return out ?? h;
}

/**
 * The other way, for a header Hatoba writes (push deliveries, request-reply answers): the text as
 * UTF-8 bytes, in the one-character-per-byte form Node writes as is. Undefined for a value no
 * header can carry (line breaks and other control characters), or a name that is not an HTTP
 * token (stored before names were checked): it stays in the message only.
 */
export function headerBytes(name: string, value: string): string | undefined {
  const bytes = NON_ASCII.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
  try {
    validateHeaderName(name);
    validateHeaderValue(name, bytes);
    return bytes;
  } catch {
    return undefined;
  }
}
