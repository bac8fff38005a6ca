/**
 * The message search form lives in the URL (shareable): these turn URL parameters into the
 * search procedure's input and back, and say what is wrong with a field before asking the server.
 */
export interface SearchFields {
  correlationId: string;
  id: string;
  routingKey: string;
  exchange: string;
  queue: string;
  /** `name:value`, separated by commas (the field is one line; newlines also separate). */
  headers: string;
  /** `datetime-local` values (local time, no zone). */
  from: string;
  to: string;
}

export const EMPTY_FIELDS: SearchFields = { correlationId: '', id: '', routingKey: '', exchange: '', queue: '', headers: '', from: '', to: '' };

export interface SearchInput {
  correlationId?: string;
  id?: string;
  routingKey?: string;
  exchange?: string;
  queue?: string;
  headers?: Record<string, string>;
  from?: string;
  to?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function fieldsFromParams(params: URLSearchParams): SearchFields {
  const f = { ...EMPTY_FIELDS };
  for (const key of Object.keys(f) as (keyof SearchFields)[]) {
    // The field is a one-line input, which drops newlines: join with the separator it reads.
    if (key === 'headers') f.headers = params.getAll('header').map((h) => h.trim()).filter(Boolean).join(', ');
    else f[key] = params.get(key) ?? '';
  }
  return f;
}

export function paramsFromFields(f: SearchFields): URLSearchParams {
  const p = new URLSearchParams();
  for (const [key, value] of Object.entries(f) as [keyof SearchFields, string][]) {
    if (key === 'headers') for (const h of splitHeaders(value)) p.append('header', h);
    else if (value.trim()) p.set(key, value.trim());
  }
  return p;
}

function splitHeaders(s: string): string[] {
  return s
    .split(/[\n,]/)
    .map((h) => h.trim())
    .filter(Boolean);
}

/**
 * `name:value` lines → a header map (names lowercased, as the broker stores them). One name with two
 * different values is refused, as the API refuses it: a message has one value per header, and
 * keeping only the last would search for something other than what was typed.
 */
export function parseHeaderFilter(s: string): { headers: Record<string, string>; errors: string[] } {
  const headers: Record<string, string> = {};
  const errors: string[] = [];
  for (const line of splitHeaders(s)) {
    const i = line.indexOf(':');
    if (i <= 0) {
      errors.push(`"${line}" is not name:value`);
      continue;
    }
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    const had = Object.hasOwn(headers, name) ? headers[name] : undefined;
    if (had !== undefined && had !== value) {
      errors.push(`"${name}" is given twice, as "${had}" and "${value}": a message has one value per header, so search for one value at a time`);
      continue;
    }
    headers[name] = value;
  }
  return { headers, errors };
}

/** The search input, or the problems to show beside the form. Empty fields are left out. */
export function toSearchInput(f: SearchFields, tz: (local: string) => string = localToIso): { input: SearchInput; errors: string[] } {
  const errors: string[] = [];
  const input: SearchInput = {};
  const text = (v: string) => v.trim() || undefined;
  input.correlationId = text(f.correlationId);
  input.routingKey = text(f.routingKey);
  input.exchange = text(f.exchange);
  input.queue = text(f.queue);
  if (f.id.trim()) {
    if (UUID.test(f.id.trim())) input.id = f.id.trim().toLowerCase();
    else errors.push('Message ID must be a UUID such as 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b');
  }
  const h = parseHeaderFilter(f.headers);
  errors.push(...h.errors.map((e) => `Header ${e}`));
  if (Object.keys(h.headers).length > 0) input.headers = h.headers;
  for (const key of ['from', 'to'] as const) {
    if (!f[key].trim()) continue;
    const iso = tz(f[key].trim());
    if (iso) input[key] = iso;
    else errors.push(`"${key}" is not a date and time`);
  }
  if (input.from && input.to && input.from > input.to) errors.push('"from" is after "to"');
  for (const k of Object.keys(input) as (keyof SearchInput)[]) if (input[k] === undefined) delete input[k];
  return { input, errors };
}

/** A `datetime-local` value (the browser's zone) as an ISO instant, or '' when unreadable. */
export function localToIso(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

export const hasCriteria = (input: SearchInput) => Object.keys(input).length > 0;

/** The results table's caption: `1 message`, `50 messages (more below)`. */
export function resultsCaption(count: number, more: boolean): string {
  return `${count} ${count === 1 ? 'message' : 'messages'}${more ? ' (more below)' : ''}`;
}

/**
 * What Search does with the query it builds. A new search is a new address (a history entry, and
 * new results); the search on show again is the same address, which would change nothing, not
 * even fetch: the "Latest messages" stayed those of when the page opened however often Search
 * was pressed. So the same search again refreshes the results in place.
 */
export function searchSubmit(next: string, current: string): 'push' | 'refresh' {
  return next === current ? 'refresh' : 'push';
}

/**
 * The notice over the results, or null. With results on show, a failed "Load older messages" or
 * refresh said nothing: the button came back as if there were simply nothing more.
 */
export function resultsProblem(s: { isError: boolean; hasData: boolean; isFetchNextPageError: boolean }): string | null {
  if (!s.isError) return null;
  if (!s.hasData) return 'The search failed';
  return s.isFetchNextPageError ? 'Could not load older messages' : 'The last refresh failed; showing older results';
}
