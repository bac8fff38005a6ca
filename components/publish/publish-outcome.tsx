'use client';

import Link from 'next/link';
import { publishErrorNotice } from '../queues/publish-error';
import type { Durability } from '../queues/tier-promise';
import { shortId } from '../ui/format';
import { errorMessage, ResultNotice } from '../ui/query-state';

/** A failed console publish, in words (publish-error.ts); `to` says where the form publishes. */
export function PublishFailure({
  error,
  durability,
  to = 'queue',
  onDismiss,
}: {
  error: { data?: { brokerCode?: string | null } | null };
  durability?: Durability;
  to?: 'queue' | 'exchange';
  onDismiss: () => void;
}) {
  const notice = publishErrorNotice({ brokerCode: error.data?.brokerCode, message: errorMessage(error, 'action') }, durability, to);
  return (
    <ResultNotice tone="error" onDismiss={onDismiss}>
      <p className="alert__title">{notice.title}</p>
      <p>{notice.text}</p>
    </ResultNotice>
  );
}

/**
 * A console publish that went through: the message (a link to it), the queues it reached, and its
 * trace. `linkQueues`: each queue a link to its page (the exchange page, where the queues vary);
 * a message no queue took says so ("no queue: unroutable") rather than naming none.
 */
export function PublishedNotice({
  sent,
  linkQueues = false,
  onDismiss,
}: {
  sent: { id: string; correlationId: string; queues: string[] };
  linkQueues?: boolean;
  onDismiss: () => void;
}) {
  return (
    <ResultNotice tone="success" onDismiss={onDismiss}>
      <p>
        Published <Link href={`/messages/${sent.id}`} className="mono">{shortId(sent.id)}</Link>{' '}
        {sent.queues.length === 0 ? (
          <>
            · <strong>no queue: unroutable</strong> (no binding matched; the message is kept for its trace)
          </>
        ) : (
          <>
            to{' '}
            {linkQueues
              ? sent.queues.map((q, i) => (
                  <span key={q}>
                    {i > 0 && ', '}
                    <Link href={`/queues/${encodeURIComponent(q)}`}>{q}</Link>
                  </span>
                ))
              : sent.queues.join(', ')}
          </>
        )}{' '}
        · <Link href={`/traces/${encodeURIComponent(sent.correlationId)}`}>trace</Link>
      </p>
    </ResultNotice>
  );
}
