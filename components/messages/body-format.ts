export type BodyKind = 'json' | 'text' | 'hex' | 'empty';

export interface FormattedBody {
  kind: BodyKind;
  text: string;
}

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;
const TEXT_TYPE = /^(?:text\/|application\/(?:xml|x-www-form-urlencoded|javascript|x-ndjson)$|application\/[\w.+-]+\+xml$)/;

/**
 * A body as an operator wants to read it: JSON pretty-printed, text as it is, anything else
 * (or bytes that are not the UTF-8 their type claims) as a hex dump. JSON is detected from the
 * bytes too, since many publishers send it as text/plain or octet-stream.
 */
export function formatBody(bytes: Uint8Array, contentType: string): FormattedBody {
  if (bytes.byteLength === 0) return { kind: 'empty', text: '' };
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const text = utf8(bytes);
  if (text !== null && !hasControlCharacters(text)) {
    const trimmed = text.trim();
    if (JSON_TYPE.test(type) || /^[[{]/.test(trimmed)) {
      try {
        JSON.parse(trimmed);
        return { kind: 'json', text: layoutJson(trimmed, '  ') };
      } catch {
        // not JSON after all: shown as text below
      }
    }
    if (TEXT_TYPE.test(type) || JSON_TYPE.test(type) || type === '' || type === 'application/octet-stream') return { kind: 'text', text };
    return { kind: 'text', text };
  }
  return { kind: 'hex', text: hexDump(bytes) };
}

const SPACE = new Set([' ', '\t', '\n', '\r']);
const CLOSE: Record<string, string> = { '{': '}', '[': ']' };

/**
 * Valid JSON text laid out again (indented by `indent`, or on one line when it is ''), as
 * JSON.stringify(JSON.parse(text), null, indent) would, but without parsing a value: numbers
 * keep every digit (JSON.parse makes 9007199254740993 into ...992), `1.10` stays `1.10`, strings
 * keep their escapes, and repeated keys all show. An operator reads (and an edited replay starts
 * from) what was published.
 */
export function layoutJson(text: string, indent: string): string {
  const out: string[] = [];
  let depth = 0;
  const newline = () => (indent ? `\n${indent.repeat(depth)}` : '');
  const skipSpace = (from: number) => {
    while (SPACE.has(text[from]!)) from++;
    return from;
  };
  for (let i = skipSpace(0); i < text.length; i = skipSpace(i)) {
    const c = text[i]!;
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      out.push(text.slice(i, end + 1));
      i = end + 1;
    } else if (c === '{' || c === '[') {
      const next = skipSpace(i + 1);
      if (text[next] === CLOSE[c]) {
        out.push(c, CLOSE[c]!);
        i = next + 1;
      } else {
        depth++;
        out.push(c, newline());
        i++;
      }
    } else if (c === '}' || c === ']') {
      depth--;
      out.push(newline(), c);
      i++;
    } else if (c === ',') {
      out.push(',', newline());
      i++;
    } else if (c === ':') {
      out.push(indent ? ': ' : ':');
      i++;
    } else {
      // A number, true, false or null: copied as written.
      let end = i;
      while (end < text.length && !SPACE.has(text[end]!) && !',:]}'.includes(text[end]!)) end++;
      out.push(text.slice(i, end));
      i = end;
    }
  }
  return out.join('');
}

function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function hasControlCharacters(s: string): boolean {
  // Tabs and line breaks are text; NUL and friends mean binary.
  return /[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(s);
}

/** 16 bytes a line: offset, hex pairs, and the printable ASCII beside them. */
export function hexDump(bytes: Uint8Array, max = 4096): string {
  const lines: string[] = [];
  const end = Math.min(bytes.byteLength, max);
  for (let off = 0; off < end; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, end));
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (bytes.byteLength > max) lines.push(`… ${bytes.byteLength - max} more bytes`);
  return lines.join('\n');
}

/** A one-line preview for tables. */
export function bodyPreview(bytes: Uint8Array, contentType: string, max = 80): string {
  const f = formatBody(bytes, contentType);
  if (f.kind === 'empty') return '(empty)';
  if (f.kind === 'hex') return `binary, ${bytes.byteLength} bytes`;
  const flat = (f.kind === 'json' ? layoutJson(f.text, '') : f.text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
