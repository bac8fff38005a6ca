'use client';

import { useState, type ReactNode } from 'react';

/**
 * A button that opens a form dialog, mounted only while open (so each opening starts from a clean
 * form); `dialog` gets the function that closes it.
 */
export function DialogButton({ label, dialog }: { label: string; dialog: (close: () => void) => ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="button" onClick={() => setOpen(true)}>
        {label}
      </button>
      {open && dialog(() => setOpen(false))}
    </>
  );
}
