import { keyProblem } from '../ui/declare-name';
import { usesRoutingKey, type BindingLike, type ExchangeType } from './exchange-routing';

/** One header argument row of the bind form; `id` keeps React's rows apart while others are removed. */
export interface HeaderRow {
  id: number;
  name: string;
  value: string;
}

export interface BindingDraft {
  queue: string;
  key: string;
  match: 'all' | 'any';
  rows: HeaderRow[];
}

export const emptyRow = (id: number): HeaderRow => ({ id, name: '', value: '' });
export const NEW_BINDING_DRAFT: BindingDraft = { queue: '', key: '', match: 'all', rows: [emptyRow(0)] };

/** The rows with one more, empty, at the end. */
export function addRow(rows: readonly HeaderRow[]): HeaderRow[] {
  return [...rows, emptyRow(rows.reduce((max, r) => Math.max(max, r.id), -1) + 1)];
}

/** The rows without `id`; the last one left is emptied rather than removed, so there is always a row to type in. */
export function removeRow(rows: readonly HeaderRow[], id: number): HeaderRow[] {
  const rest = rows.filter((r) => r.id !== id);
  return rest.length > 0 ? rest : [emptyRow(id + 1)];
}

/**
 * The header rows as binding arguments: blank rows skipped, a value without a name or a name
 * given twice (the broker matches names in any case) said as a problem.
 */
export function headerValues(rows: readonly HeaderRow[]): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const name = r.name.trim();
    if (name === '' && r.value === '') continue;
    if (name === '') {
      problems.push(`The header value “${r.value}” has no name`);
      continue;
    }
    if (seen.has(name.toLowerCase())) problems.push(`The header ${name} is given twice`);
    seen.add(name.toLowerCase());
    values[name] = r.value;
  }
  return { values, problems };
}

/** The draft as `exchanges.bind` takes it, or the problems to show: the key only where the type routes by it, the arguments only for headers. */
export function bindingDraftInput(exchange: string, type: ExchangeType, d: BindingDraft): { problems: string[]; input: BindingLike & { exchange: string } | null } {
  const problems: string[] = [];
  if (!d.queue) problems.push('Choose the queue to bind');
  const key = usesRoutingKey(type) ? d.key.trim() : '';
  const bad = keyProblem(type === 'topic' ? 'binding pattern' : 'binding key', key);
  if (bad) problems.push(bad);
  let headers: BindingLike['headers'];
  if (type === 'headers') {
    const h = headerValues(d.rows);
    problems.push(...h.problems);
    headers = { match: d.match, values: h.values };
  }
  if (problems.length > 0) return { problems, input: null };
  return { problems, input: headers ? { exchange, queue: d.queue, key, headers } : { exchange, queue: d.queue, key } };
}

/** The exchange types as the "New exchange" form offers them, each with how it routes in one line. */
export const EXCHANGE_TYPE_CHOICES: { type: ExchangeType; how: string }[] = [
  { type: 'direct', how: 'To each queue bound with a key equal to the routing key.' },
  { type: 'topic', how: 'To each queue whose pattern matches the routing key (* one word, # zero or more).' },
  { type: 'fanout', how: 'To every bound queue; the routing key is ignored.' },
  { type: 'headers', how: "By the message's headers, matched against each binding's arguments (all or any)." },
];
