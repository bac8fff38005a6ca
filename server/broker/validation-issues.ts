import type { z } from 'zod';

/** One schema failure: where (a dotted path, `messages.1.delayMs`; '' for the whole value) and what. */
export interface Issue {
  path: string;
  message: string;
}

/**
 * A zod error as the issues every validation_failed answer carries in `details.issues`: an
 * unknown key is named in its own path (`queues.0.maxDeliveries`), not only at its parent's.
 */
export function issuesOf(error: z.ZodError): Issue[] {
  return tightestBounds(error.issues).flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({ path: [...i.path, key].join('.'), message: i.message }))
      : [{ path: i.path.join('.'), message: i.message }],
  );
}

/**
 * A number past two upper (or lower) bounds of one field, say an integer's safe range and the
 * field's own maximum, fails both, and two limits read as a contradiction (`<=9007199254740991;
 * <=31536000000`): only the tighter one of each kind is kept.
 */
function tightestBounds(issues: z.core.$ZodIssue[]): z.core.$ZodIssue[] {
  const bound = (i: z.core.$ZodIssue) => (i.code === 'too_big' ? Number(i.maximum) : i.code === 'too_small' ? -Number(i.minimum) : null);
  const tightest = new Map<string, number>();
  for (const i of issues) {
    const b = bound(i);
    const key = `${i.code} ${i.path.join('.')}`;
    if (b !== null && b < (tightest.get(key) ?? Infinity)) tightest.set(key, b);
  }
  return issues.filter((i) => {
    const b = bound(i);
    return b === null || b === tightest.get(`${i.code} ${i.path.join('.')}`);
  });
}

/** `messages.1.delayMs` as a reader writes it: `messages[1].delayMs`. */
export function readablePath(dotted: string): string {
  return dotted.replace(/\.(\d+)(?=\.|$)/g, '[$1]').replace(/^(\d+)/, '[$1]');
}

/**
 * The issues as one line that starts with where: `messages[1].delayMs: Too small: expected number
 * to be >=0`; several are joined with "; ".
 */
export function issuesText(issues: Issue[]): string {
  return issues.map((i) => (i.path ? `${readablePath(i.path)}: ${i.message}` : i.message)).join('; ');
}
