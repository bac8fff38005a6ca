'use client';

import { useMemo } from 'react';
import { formatBytes } from '../ui/format';
import { base64ToBytes, formatBody } from './body-format';

const KIND_LABEL = { json: 'JSON', text: 'Text', hex: 'Binary (hex)', empty: 'Empty' } as const;

export function BodyView({ body, contentType, size, truncated }: { body: string; contentType: string; size: number; truncated: boolean }) {
  const formatted = useMemo(() => formatBody(base64ToBytes(body), contentType), [body, contentType]);
  return (
    <div>
      <p className="muted small" style={{ margin: '0 0 0.25rem' }}>
        {KIND_LABEL[formatted.kind]} · <code>{contentType}</code> · {formatBytes(size)}
        {truncated && ' · showing the beginning only'}
      </p>
      {formatted.kind === 'empty' ? (
        <p className="muted">The body is empty.</p>
      ) : (
        // Focusable so keyboard users can scroll a long body.
        <pre className="body-view" tabIndex={0} aria-label="Message body">
          <code>{formatted.text}</code>
        </pre>
      )}
    </div>
  );
}

export function HeadersTable({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  if (entries.length === 0) return <p className="muted small" style={{ margin: 0, padding: '0.5rem 0.75rem' }}>No application headers.</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Header</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([k, v]) => (
          <tr key={k}>
            <th scope="row" className="mono">{k}</th>
            <td className="mono">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
