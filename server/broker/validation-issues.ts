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
  return error.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((key) => ({ path: [...i.path, key].join('.'), message: i.message }))
      : [{ path: i.path.join('.'), message: i.message }],
  );
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
