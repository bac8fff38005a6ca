'use client';

import { useState, type ReactNode } from 'react';
import { parseHeaderLines } from '../dead-letters/replay-selection';
import { FieldErrors } from '../ui/field-errors';
import { jsonBodyProblem } from '../ui/json-body';

const CONTENT_TYPES = ['application/json', 'text/plain; charset=utf-8'];

/** What a console publish sends besides its destination (queues.publish and exchanges.publish take the same). */
export interface MessageInput {
  body: { text: string; contentType: string };
  headers: Record<string, string>;
  correlationId: string | undefined;
}

/**
 * The fields of a message typed in the console (the queue page's test publish, the exchange
 * page's publish): body, content type, correlation ID and headers, with their checks. `check()`
 * shows what is wrong and answers null, or answers the message to send.
 */
export function useMessageDraft() {
  const [body, setBody] = useState('{\n  "hello": "hatoba"\n}');
  const [contentType, setContentType] = useState(CONTENT_TYPES[0]!);
  const [headers, setHeaders] = useState('');
  const [correlationId, setCorrelationId] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  function check(extra: string[] = []): MessageInput | null {
    const h = parseHeaderLines(headers);
    const errors = [...extra, ...h.errors];
    const notJson = jsonBodyProblem(body, contentType);
    if (notJson) errors.push(notJson);
    setProblems(errors);
    if (errors.length > 0) return null;
    return { body: { text: body, contentType }, headers: h.headers, correlationId: correlationId.trim() || undefined };
  }
  return { body, setBody, contentType, setContentType, headers, setHeaders, correlationId, setCorrelationId, problems, check };
}

export type MessageDraft = ReturnType<typeof useMessageDraft>;

/**
 * The draft's fields. `id`: a prefix for the controls' ids (from useId). `headersFirst`: the
 * headers before the body, for an exchange that routes by them. `headersHint`: what the headers
 * box says under it.
 */
export function MessageFields({ id, draft, headersFirst = false, headersHint }: { id: string; draft: MessageDraft; headersFirst?: boolean; headersHint?: ReactNode }) {
  const body = (
    <div className="field">
      <label htmlFor={`${id}-body`}>Body</label>
      <textarea id={`${id}-body`} className="textarea" value={draft.body} onChange={(e) => draft.setBody(e.target.value)} rows={5} />
    </div>
  );
  const headers = (
    <div className="field">
      <label htmlFor={`${id}-headers`}>Headers (optional)</label>
      <textarea
        id={`${id}-headers`}
        className="textarea"
        style={{ minHeight: '3.5rem' }}
        value={draft.headers}
        onChange={(e) => draft.setHeaders(e.target.value)}
        rows={2}
        placeholder="tenant: acme"
        aria-describedby={`${id}-headers-hint`}
      />
      <span id={`${id}-headers-hint`} className="hint">
        One <code>name: value</code> per line.{headersHint && <> {headersHint}</>}
      </span>
    </div>
  );
  return (
    <>
      {headersFirst && headers}
      {body}
      <div className="form-row">
        <div className="field field--grow">
          <label htmlFor={`${id}-type`}>Content type</label>
          <select id={`${id}-type`} className="select" value={draft.contentType} onChange={(e) => draft.setContentType(e.target.value)}>
            {CONTENT_TYPES.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </div>
        <div className="field field--grow">
          <label htmlFor={`${id}-corr`}>Correlation ID (optional)</label>
          <input id={`${id}-corr`} className="input" value={draft.correlationId} onChange={(e) => draft.setCorrelationId(e.target.value)} placeholder="generated when empty" />
        </div>
      </div>
      {!headersFirst && headers}
      <FieldErrors problems={draft.problems} />
    </>
  );
}
