'use client';

import { useEffect } from 'react';

/** Server errors arrive here without their message (production hides it); the digest matches the server log. */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);

  const digest =
    error instanceof Error && 'digest' in error && typeof error.digest === 'string' ? error.digest : undefined;

  return (
    <div className="page-heading" role="alert">
      <h1>Something went wrong</h1>
      <p className="lede">This page could not be shown. The server log has the details.</p>
      {digest && (
        <p className="muted small">
          Error reference: <code>{digest}</code>
        </p>
      )}
      <p>
        <button type="button" className="button" onClick={() => retry()}>
          Try again
        </button>
      </p>
    </div>
  );
}
