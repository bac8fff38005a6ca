'use client';

import { useEffect, useId, useRef, type ReactNode } from 'react';
import { FieldErrors } from './field-errors';
import { rememberFocus } from './focus-return';

/**
 * A modal form on the native <dialog> (the New queue and New exchange forms), rendered only while
 * open, as the edit-and-replay dialog is: focus goes back to the opener when it unmounts. The
 * form's own checks (`problems`) and the server's refusal (`serverError`, authoritative) are said
 * just above the buttons, where the operator looks after pressing one.
 */
export function FormDialog({
  title,
  intro,
  submitLabel,
  busy,
  problems,
  serverError,
  onSubmit,
  onCancel,
  children,
}: {
  title: string;
  intro?: ReactNode;
  submitLabel: string;
  busy: boolean;
  problems: string[];
  serverError: string | null;
  onSubmit: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const restoreFocus = rememberFocus(document);
    ref.current?.showModal();
    return restoreFocus;
  }, []);
  return (
    <dialog ref={ref} className="dialog dialog--wide" aria-labelledby={`${id}-t`} onCancel={(e) => (e.preventDefault(), onCancel())}>
      <form
        className="form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <h2 id={`${id}-t`} style={{ margin: 0 }}>
          {title}
        </h2>
        {intro && <p className="muted small" style={{ margin: 0 }}>{intro}</p>}
        {children}
        <FieldErrors problems={problems} />
        {serverError && (
          <p role="alert" className="field-errors" style={{ paddingLeft: 0 }}>
            {serverError}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button button--quiet" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Working…' : submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
