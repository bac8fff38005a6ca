'use client';

import type { ReactNode, Ref } from 'react';
import { errorMessage } from './error-message';

/** What a failed request says, shown to the operator rather than swallowed (readable when the server is unreachable). */
export { errorMessage };

/** `polled`: false for a read the page does not repeat by itself, so the words promise no retry. */
export function ErrorNotice({ error, title = 'Could not load this', polled = true }: { error: unknown; title?: string; polled?: boolean }) {
  return (
    <div className="alert alert--error" role="alert">
      <p className="alert__title">{title}</p>
      <p>{errorMessage(error, polled ? 'poll' : 'once')}</p>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** An empty state says what is missing and what to do next. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty__title">{title}</p>
      {children}
    </div>
  );
}

/**
 * Success or failure of an action, announced to screen readers. With a `ref` the notice can take
 * focus from script (not from Tab), for an action that took away the control that had it.
 */
export function ResultNotice({ tone, children, onDismiss, ref }: { tone: 'success' | 'error'; children: ReactNode; onDismiss?: () => void; ref?: Ref<HTMLDivElement> }) {
  return (
    <div ref={ref} tabIndex={ref ? -1 : undefined} className={`alert alert--${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      <div className="alert__body">{children}</div>
      {onDismiss && (
        <button type="button" className="button button--quiet button--small" onClick={onDismiss}>
          Dismiss
        </button>
      )}
    </div>
  );
}

/** "Live" marker: shows that figures refresh by themselves, and when the last refresh failed. */
export function LiveBadge({ fetching, failed }: { fetching: boolean; failed: boolean }) {
  return (
    <span className={`live ${failed ? 'live--failed' : ''}`} aria-live="polite">
      <span className={`live__dot ${fetching ? 'live__dot--busy' : ''}`} aria-hidden="true" />
      {failed ? 'Refresh failed; retrying' : 'Live'}
    </span>
  );
}
