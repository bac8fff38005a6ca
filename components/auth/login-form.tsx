'use client';

import { useId, useState } from 'react';

/** What /auth/login answered, in words for the operator. */
async function loginProblem(res: Response): Promise<string> {
  if (res.status === 401) return 'Wrong password.';
  let message = `The server answered ${res.status}.`;
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON: the status says enough
  }
  return message;
}

/** The operator password (HATOBA_ADMIN_PASSWORD, or the admin token) → POST /auth/login → back where they came from. */
export function LoginForm({ next }: { next: string }) {
  const id = useId();
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (!password) {
      setProblem('Enter the operator password.');
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      const res = await fetch('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password }),
        credentials: 'same-origin',
      });
      if (res.status === 204) {
        // A full load, so the header and every page render with the new session.
        window.location.assign(next);
        return;
      }
      setProblem(await loginProblem(res));
      setPassword('');
    } catch {
      setProblem('The server could not be reached. Try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form card login-form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor={`${id}-password`}>Operator password</label>
        <input
          id={`${id}-password`}
          className="input"
          type="password"
          name="password"
          autoComplete="current-password"
          autoFocus
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`${id}-hint${problem ? ` ${id}-problem` : ''}`}
        />
        <span id={`${id}-hint`} className="hint">
          <code>HATOBA_ADMIN_PASSWORD</code>, or the admin token.
        </span>
      </div>
      {problem && (
        <p id={`${id}-problem`} className="alert alert--error" role="alert">
          {problem}
        </p>
      )}
      <div className="button-row">
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </div>
    </form>
  );
}
