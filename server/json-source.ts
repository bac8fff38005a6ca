/**
 * The source text of values inside a JSON document: a message body that arrives inside JSON
 * (batch publish, an edited replay, a CloudEvents batch) is stored as the client wrote it.
 * JSON.stringify(JSON.parse(...)) would store another text: `9007199254740993` rounded to
 * `9007199254740992`, `0.10000000000000000555` cut to `0.1`, a repeated key dropped.
 *
 * `text` must be valid JSON (JSON.parse it first: this scanner trusts the syntax). `pattern` is a
 * path of object keys and array indexes, '*' matching any. The answer maps each matching path
 * (pathKey) to its value's text. Where a key repeats in an object, the last one counts, as in
 * JSON.parse. Only the containers on the pattern's path are walked member by member; every
 * other value is skipped by bracket counting, so the work is one pass over the text, and the
 * stack never grows with the document's nesting.
 */
export function valueTexts(text: string, pattern: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  const at = skipSpace(text, 0);
  if (at < text.length) walk(text, at, pattern, 0, [], found);
  return found;
}

/** The key valueTexts gives the value at `path`. */
export const pathKey = (path: readonly (string | number)[]): string => path.join('\u0000');

/** Walks the value at `i` (at depth `level` of the pattern); returns the offset after it. */
function walk(text: string, i: number, pattern: readonly string[], level: number, path: string[], found: Map<string, string>): number {
  if (level === pattern.length) {
    const end = skipValue(text, i);
    found.set(pathKey(path), text.slice(i, end));
    return end;
  }
  const open = text[i];
  if (open !== '{' && open !== '[') return skipValue(text, i);
  const segment = pattern[level]!;
  const close = open === '{' ? '}' : ']';
  const matched = new Set<string>();
  i = skipSpace(text, i + 1);
  for (let index = 0; text[i] !== close; index++) {
    let member = String(index);
    if (open === '{') {
      const keyEnd = skipString(text, i);
      const raw = text.slice(i + 1, keyEnd - 1);
      member = raw.includes('\\') ? (JSON.parse(text.slice(i, keyEnd)) as string) : raw;
      i = skipSpace(text, skipSpace(text, keyEnd) + 1); // past the ':'
    }
    if (segment === '*' || segment === member) {
      path.push(member);
      // A repeated key replaces what the earlier one held, as in JSON.parse.
      if (matched.has(member)) forgetUnder(found, pathKey(path));
      matched.add(member);
      i = walk(text, i, pattern, level + 1, path, found);
      path.pop();
    } else {
      i = skipValue(text, i);
    }
    i = skipSpace(text, i);
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return i + 1;
}

function forgetUnder(found: Map<string, string>, prefix: string): void {
  for (const key of found.keys()) if (key === prefix || key.startsWith(prefix + '\u0000')) found.delete(key);
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/** From the opening quote to just after the closing one. */
function skipString(text: string, i: number): number {
  for (let from = i + 1; ; ) {
    const quote = text.indexOf('"', from);
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (;;) {
      const ch = text[i];
      if (ch === '"') {
        i = skipString(text, i);
        continue;
      }
      if (ch === '{' || ch === '[') depth++;
      else if ((ch === '}' || ch === ']') && --depth === 0) return i + 1;
      i++;
    }
  }
  // A number, true, false or null.
  while (i < text.length && !',}] \n\r\t'.includes(text[i]!)) i++;
  return i;
}
