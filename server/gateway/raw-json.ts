import { randomUUID } from 'node:crypto';

/**
 * JSON text that goes into a response exactly as it was published: a JSON message body. Parsed
 * and stringified again, `{"id": 9007199254740993}` would arrive as `{"id":9007199254740992}`
 * (numbers are doubles in JavaScript), `1.0` as `1`, and only the last of two equal keys would
 * survive. A broker delivers what it was given. Skipping the second serialisation is also
 * cheaper: a receive of 100 messages stringified every body again.
 *
 * `text` must be one valid JSON value (rawJson() checks it).
 */
export class RawJson {
  constructor(readonly text: string) {}

  /** Inside stringifyJson, a placeholder it swaps for the text; anywhere else, the parsed value. */
  toJSON(): unknown {
    if (!collecting) return JSON.parse(this.text);
    collecting.push(this.text);
    return `${MARK}${collecting.length - 1}`;
  }
}

/** The text as a RawJson when it is one JSON value, otherwise undefined. */
export function rawJson(text: string): RawJson | undefined {
  try {
    JSON.parse(text);
  } catch {
    return undefined;
  }
  return new RawJson(text);
}

// A placeholder no stored string can contain by chance or on purpose: it is new in every process and never leaves it.
const MARK = `hatoba-raw-json:${randomUUID()}:`;
const QUOTED_MARK = `"${MARK}`;
let collecting: string[] | null = null;

/** JSON.stringify, with every RawJson in `value` written as its own text. */
export function stringifyJson(value: unknown): string {
  const outer = collecting;
  const raws: string[] = [];
  collecting = raws;
  let text: string;
  try {
    text = JSON.stringify(value);
  } finally {
    collecting = outer;
  }
  if (raws.length === 0) return text;
  const parts: string[] = [];
  let from = 0;
  for (let at = text.indexOf(QUOTED_MARK); at !== -1; at = text.indexOf(QUOTED_MARK, from)) {
    const end = text.indexOf('"', at + QUOTED_MARK.length);
    parts.push(text.slice(from, at), raws[Number(text.slice(at + QUOTED_MARK.length, end))]!);
    from = end + 1;
  }
  parts.push(text.slice(from));
  return parts.join('');
}
