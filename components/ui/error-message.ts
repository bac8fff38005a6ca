import { NotTheServer } from '../trpc/checked-fetch';

/**
 * What a failed request says, in words an operator can act on. A broker or tRPC error carries a
 * message meant for people and is shown as it is. Two failures carry only a runtime's text:
 * - the browser could not reach the server at all (fetch's TypeError: "Failed to fetch",
 *   "NetworkError when attempting to fetch resource.", "Load failed");
 * - something answered /trpc with a body that is not its JSON (a proxy's "502 Bad Gateway" page,
 *   a load balancer's "down"): checkedFetch says so with the HTTP status (NotTheServer); where
 *   it was not used, the tRPC client only keeps the JSON parser's complaint.
 * A request the server refused for its input (a tRPC BAD_REQUEST from the procedure's zod
 * schema) carries the issues as JSON text: they are said in words, "Invalid name: use …".
 * `after`: what happens next. A page's polls retry by themselves ('poll'); an operator's action
 * (a purge, a replay, a key) is not repeated for them ('action'), and may have reached the server
 * before the connection failed, so the words say to look before trying again. A read the page
 * makes once and does not poll (a search, a page of the audit log, the key list, a count) is not
 * retried either ('once'): the operator has to ask again.
 */
export function errorMessage(error: unknown, after: 'poll' | 'action' | 'once' = 'poll'): string {
  const next =
    after === 'poll'
      ? 'the page keeps retrying.'
      : after === 'once'
        ? 'this is not retried by itself: try again once it is back (or reload the page).'
        : 'it was not repeated: check whether it took effect before trying again.';
  const message = messageOf(error);
  const cause = error && typeof error === 'object' && 'cause' in error ? error.cause : undefined;
  const other = [error, cause].find((e) => e instanceof NotTheServer);
  if (other) {
    return `The Hatoba server did not answer: something in between (a proxy or load balancer) replied with ${other.message} instead, so the server may be down or restarting; ${next}`;
  }
  const issues = inputIssues(error);
  if (issues) return issues.map((i) => (i.path ? `Invalid ${i.path}: ${i.message}` : i.message)).join('; ');
  if (isParseFailure(cause) || isParseFailure(error) || NOT_JSON.test(message ?? '')) {
    return `The Hatoba server did not answer: something in between (a proxy or load balancer) replied instead, so the server may be down or restarting; ${next}`;
  }
  if (isNetworkFailure(cause) || isNetworkFailure(error)) {
    return `Cannot reach the Hatoba server: no answer over the network. Check that it is running; ${next}`;
  }
  return message || 'The request failed';
}

const NOT_JSON = /is not valid JSON|Unexpected token .* in JSON|Unexpected end of JSON input|JSON\.parse|JSON Parse error/i;
const NETWORK = /^(Failed to fetch|NetworkError when attempting to fetch resource\.?|Load failed|fetch failed|Network request failed)$/i;

function messageOf(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') return error.message;
  return undefined;
}

const isParseFailure = (e: unknown) => e instanceof SyntaxError;
const isNetworkFailure = (e: unknown) => e instanceof TypeError && NETWORK.test(e.message);

/** One reason a procedure refused its input: the field (dotted path, '' for the whole input) and what it must be. */
export interface InputIssue {
  path: string;
  message: string;
}

/**
 * The issues of a request refused for its input: tRPC answers BAD_REQUEST with the zod issues as
 * JSON text for its message. Null for any other error (a broker's own BAD_REQUEST has words).
 */
export function inputIssues(error: unknown): InputIssue[] | null {
  const data = error && typeof error === 'object' && 'data' in error ? (error.data as { code?: unknown } | null | undefined) : undefined;
  if (data?.code !== 'BAD_REQUEST') return null;
  const message = messageOf(error)?.trim();
  if (!message?.startsWith('[')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) return null;
  const issues: InputIssue[] = [];
  for (const i of parsed) {
    if (!i || typeof i !== 'object' || typeof i.message !== 'string' || !Array.isArray(i.path)) return null;
    issues.push({ path: (i.path as unknown[]).map(String).join('.'), message: i.message });
  }
  return issues;
}
