import { validateHeaderValue } from 'node:http';

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

/**
 * The other way, for a header Hatoba writes (push deliveries, request-reply answers): the text as
 * UTF-8 bytes, in the one-character-per-byte form Node writes as is. Undefined for a value no
 * header can carry (line breaks and other control characters): it stays in the message only.
 */
export function headerBytes(name: string, value: string): string | undefined {
  const bytes = NON_ASCII.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
  try {
    validateHeaderValue(name, bytes);
    return bytes;
  } catch {
    return undefined;
  }
}
