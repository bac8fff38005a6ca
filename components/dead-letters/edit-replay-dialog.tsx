'use client';

import { useEffect, useId, useRef, useState } from 'react';
import type { BrowsedMessage } from '@/server/trpc/schemas';
import { base64ToBytes, formatBody } from '../messages/body-format';
import { headerLines, parseHeaderLines } from './replay-selection';
import { FieldErrors } from '../ui/field-errors';
import { formatTimestamp, shortId } from '../ui/format';
import { jsonBodyProblem } from '../ui/json-body';
import { rememberFocus } from '../ui/focus-return';

type Edit = { body?: { text: string; contentType: string }; headers?: Record<string, string> };

/** Edit body and headers of one dead letter, then replay it (as a new message linked to the old one). */
export function EditReplayDialog({
  message,
  busy,
  error,
  onCancel,
  onReplay,
}: {
  message: BrowsedMessage;
  busy: boolean;
  error: string | null;
  onCancel: () => void;
  onReplay: (edit: Edit) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const original = formatBody(base64ToBytes(message.body), message.contentType);
  const binary = original.kind === 'hex' || message.truncated;
  const [body, setBody] = useState(binary ? '' : original.text);
  const [contentType, setContentType] = useState(message.contentType);
  const [headers, setHeaders] = useState(headerLines(message.headers));
  const [problems, setProblems] = useState<string[]>([]);
  useEffect(() => {
    // Rendered only while editing: unmounted on Cancel or Escape, so focus is handed back here.
    const restoreFocus = rememberFocus(document);
    ref.current?.showModal();
    return restoreFocus;
  }, []);

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const h = parseHeaderLines(headers);
    // A changed body or type is sent as typed: under a JSON type it must be JSON, as on the queue page's publish form.
    const sendsBody = !binary && (body !== original.text || contentType !== message.contentType);
    const notJson = sendsBody ? jsonBodyProblem(body, contentType) : null;
    const errors = notJson ? [...h.errors, notJson] : h.errors;
    setProblems(errors);
    if (errors.length > 0) return;
    const edit: Edit = {};
    if (sendsBody) edit.body = { text: body, contentType };
    if (headerLines(h.headers) !== headerLines(message.headers)) edit.headers = h.headers;
    onReplay(edit);
  }

  return (
    <dialog ref={ref} className="dialog dialog--wide" aria-labelledby={`${id}-t`} onCancel={(e) => (e.preventDefault(), onCancel())}>
      <form className="form" onSubmit={submit}>
        <h2 id={`${id}-t`}>Edit and replay</h2>
        {/* The list behind keeps moving (live): say which dead letter this is. */}
        <p className="small" style={{ margin: 0 }} data-testid="edit-replay-which">
          Message <span className="mono" title={message.id}>{shortId(message.id)}</span> · {message.routingKey || '(no routing key)'}
          {message.death ? <> · died {formatTimestamp(message.death.diedAt)} after {message.death.attempts} {message.death.attempts === 1 ? 'attempt' : 'attempts'}</> : null}
        </p>
        <p className="muted small" style={{ margin: 0 }}>
          The edited message goes back to <strong>{message.death?.queue ?? 'its origin queue'}</strong> as a new message with the same correlation ID;
          the trace links it to this one. Unchanged fields are kept.
        </p>
        {binary ? (
          <p className="small">
            The body is {message.truncated ? 'too large to edit here' : 'binary'}; it is replayed unchanged.
          </p>
        ) : (
          <>
            <div className="field">
              <label htmlFor={`${id}-body`}>Body</label>
              <textarea id={`${id}-body`} className="textarea" rows={8} value={body} onChange={(e) => setBody(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-ct`}>Content type</label>
              <input id={`${id}-ct`} className="input" value={contentType} onChange={(e) => setContentType(e.target.value)} />
            </div>
          </>
        )}
        <div className="field">
          <label htmlFor={`${id}-h`}>Headers</label>
          <textarea id={`${id}-h`} className="textarea" rows={3} value={headers} onChange={(e) => setHeaders(e.target.value)} aria-describedby={`${id}-hh`} />
          <span id={`${id}-hh`} className="hint">One <code>name: value</code> per line; remove a line to drop that header.</span>
        </div>
        <FieldErrors problems={error ? [...problems, error] : problems} />
        <div className="dialog__actions">
          <button type="button" className="button button--quiet" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Replaying…' : 'Replay edited message'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
