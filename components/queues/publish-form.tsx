'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useState } from 'react';
import { parseHeaderLines } from '../dead-letters/replay-selection';
import { useTRPC } from '../trpc/client';
import { shortId } from '../ui/format';
import { errorMessage, ResultNotice } from '../ui/query-state';
import { FieldErrors } from '../ui/field-errors';
import { jsonBodyProblem } from '../ui/json-body';
import { publishErrorNotice } from './publish-error';
import { publishNoticeHolds } from './publish-notice';
import type { Durability } from './tier-promise';

const CONTENT_TYPES = ['application/json', 'text/plain; charset=utf-8'];

/**
 * Publishes a test message straight to the queue (default exchange, routing key = queue name).
 * `purges`: how many purges of this queue the page has seen succeed; one after the publish clears
 * its "Published …" notice.
 */
export function PublishForm({ queue, durability, purges = 0 }: { queue: string; durability?: Durability; purges?: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [body, setBody] = useState('{\n  "hello": "hatoba"\n}');
  const [contentType, setContentType] = useState(CONTENT_TYPES[0]!);
  const [headers, setHeaders] = useState('');
  const [correlationId, setCorrelationId] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [purgesAtSend, setPurgesAtSend] = useState(purges);
  const publish = useMutation(
    trpc.queues.publish.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.queues.pathFilter()),
    }),
  );

  function submit(e: React.FormEvent) {
    e.preventDefault();
    publish.reset(); // a new attempt: the last one's notice goes, whatever this one's outcome
    const h = parseHeaderLines(headers);
    const errors = [...h.errors];
    const notJson = jsonBodyProblem(body, contentType);
    if (notJson) errors.push(notJson);
    setProblems(errors);
    if (errors.length > 0) return;
    setPurgesAtSend(purges);
    publish.mutate({ queue, body: { text: body, contentType }, headers: h.headers, correlationId: correlationId.trim() || undefined });
  }

  return (
    <form className="form" onSubmit={submit} aria-describedby={`${id}-hint`}>
      <p id={`${id}-hint`} className="muted small" style={{ margin: 0 }}>
        Sent through the default exchange with routing key <code>{queue}</code>; consumers receive it like any other message.
      </p>
      <div className="field">
        <label htmlFor={`${id}-body`}>Body</label>
        <textarea id={`${id}-body`} className="textarea" value={body} onChange={(e) => setBody(e.target.value)} rows={5} />
      </div>
      <div className="form-row">
        <div className="field field--grow">
          <label htmlFor={`${id}-type`}>Content type</label>
          <select id={`${id}-type`} className="select" value={contentType} onChange={(e) => setContentType(e.target.value)}>
            {CONTENT_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div className="field field--grow">
          <label htmlFor={`${id}-corr`}>Correlation ID (optional)</label>
          <input id={`${id}-corr`} className="input" value={correlationId} onChange={(e) => setCorrelationId(e.target.value)} placeholder="generated when empty" />
        </div>
      </div>
      <div className="field">
        <label htmlFor={`${id}-headers`}>Headers (optional)</label>
        <textarea id={`${id}-headers`} className="textarea" style={{ minHeight: '3.5rem' }} value={headers} onChange={(e) => setHeaders(e.target.value)} rows={2} placeholder="tenant: acme" aria-describedby={`${id}-headers-hint`} />
        <span id={`${id}-headers-hint`} className="hint">One <code>name: value</code> per line.</span>
      </div>
      <FieldErrors problems={problems} />
      {publish.isError &&
        (() => {
          const notice = publishErrorNotice({ brokerCode: publish.error.data?.brokerCode, message: errorMessage(publish.error, 'action') }, durability);
          return (
            <ResultNotice tone="error" onDismiss={() => publish.reset()}>
              <p className="alert__title">{notice.title}</p>
              <p>{notice.text}</p>
            </ResultNotice>
          );
        })()}
      {publish.isSuccess && publishNoticeHolds(purgesAtSend, purges) && (
        <ResultNotice tone="success" onDismiss={() => publish.reset()}>
          <p>
            Published <Link href={`/messages/${publish.data.id}`} className="mono">{shortId(publish.data.id)}</Link> to{' '}
            {publish.data.queues.join(', ')} · <Link href={`/traces/${encodeURIComponent(publish.data.correlationId)}`}>trace</Link>
          </p>
        </ResultNotice>
      )}
      <div>
        <button type="submit" className="button" disabled={publish.isPending}>
          {publish.isPending ? 'Publishing…' : 'Publish test message'}
        </button>
      </div>
    </form>
  );
}
