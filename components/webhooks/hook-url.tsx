'use client';

import { useState, useSyncExternalStore } from 'react';
import { hookUrl } from './webhook-labels';

const never = () => () => {};

/**
 * The origin the console is open on, which is the gateway's too (one process serves both);
 * null while rendering on the server, so the first client render matches it and then fills in.
 */
export function useOrigin(): string | null {
  return useSyncExternalStore(never, () => window.location.origin, () => null);
}

/** The URL to give a sender, with a Copy button: pasted into a provider's settings, a typo is a silent 404. */
export function HookUrl({ name }: { name: string }) {
  const url = hookUrl(useOrigin(), name);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }
  return (
    <div className="hook-url">
      <code className="hook-url__text">{url}</code>
      <button type="button" className="button button--quiet button--small" onClick={copy} aria-label={`Copy the hook URL of ${name}`}>
        Copy
      </button>
      <span aria-live="polite" className="muted small">
        {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Select and copy it' : ''}
      </span>
    </div>
  );
}
