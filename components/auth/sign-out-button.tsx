'use client';

import { useState } from 'react';

/** Ends the session on every node (POST /auth/logout) and goes to the login page. */
export function SignOutButton({ actor }: { actor: string }) {
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  async function signOut() {
    setBusy(true);
    setFailed(false);
    try {
      const res = await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin' });
      if (res.status !== 204) throw new Error(String(res.status));
      window.location.assign('/login');
    } catch {
      setFailed(true);
      setBusy(false);
    }
  }
  return (
    <div className="session-control">
      <button
        type="button"
        className="button button--quiet button--small"
        onClick={signOut}
        disabled={busy}
        title={`Signed in as ${actor.replace(/^session:/, '')}`}
      >
        {busy ? 'Signing out…' : 'Sign out'}
      </button>
      {failed && (
        <span role="alert" className="small session-control__error">
          Sign-out failed; try again
        </span>
      )}
    </div>
  );
}
