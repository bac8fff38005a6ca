'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { ApiKey } from '../../server/auth/keys';
import { useTRPC } from '../trpc/client';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { formatTimestamp } from '../ui/format';
import { EmptyState, ErrorNotice, Loading, ResultNotice, errorMessage } from '../ui/query-state';
import { parseScopeList, scopeListProblems } from './scope-input';
import { FieldErrors } from '../ui/field-errors';
import { Notice } from '../notice';
import { freshKeyToShow, revokeEffect, revokedMessage, type Enforcement, type FreshKey } from './key-state';
import { TableScroll } from '../ui/table-scroll';

type KeyRow = ApiKey;

/** API keys: make one (its secret shown once), list them, revoke after a confirmation. */
export function KeysView() {
  const trpc = useTRPC();
  const keys = useQuery(trpc.keys.list.queryOptions());
  const status = useQuery(trpc.keys.enforced.queryOptions());
  const enforced: Enforcement = status.data ? status.data.enforced : null;
  const [showRevoked, setShowRevoked] = useState(false);
  const [revoking, setRevoking] = useState<KeyRow | null>(null);
  const [revoked, setRevoked] = useState<string | null>(null);
  const [fresh, setFresh] = useState<FreshKey | null>(null);
  const shownFresh = freshKeyToShow(fresh, keys.data);

  return (
    <>
      {enforced === false && <AuthOffNotice />}
      <section aria-labelledby="new-key-heading" className="section">
        <h2 id="new-key-heading">New key</h2>
        {shownFresh ? (
          <NewSecret name={shownFresh.name} secret={shownFresh.secret} enforced={enforced} onDone={() => setFresh(null)} />
        ) : (
          <CreateKey onCreated={(k) => (setRevoked(null), setFresh(k))} />
        )}
      </section>
      <section aria-labelledby="keys-heading" className="section">
        <div className="section-heading">
          <h2 id="keys-heading">Keys</h2>
          <label className="check-label">
            <input type="checkbox" className="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} /> Show revoked keys
          </label>
        </div>
        {revoked && (
          <ResultNotice tone="success" onDismiss={() => setRevoked(null)}>
            <p>{revokedMessage(revoked, enforced)}</p>
          </ResultNotice>
        )}
        {keys.isPending ? (
          <Loading what="API keys" />
        ) : keys.isError ? (
          <ErrorNotice error={keys.error} title="Could not read the API keys" polled={false} />
        ) : (
          <KeyTable rows={keys.data.filter((k) => showRevoked || !k.revokedAt)} total={keys.data.length} onRevoke={setRevoking} />
        )}
      </section>
      <RevokeDialog
        target={revoking}
        enforced={enforced}
        onDone={(key) => {
          setRevoking(null);
          setRevoked(key.name);
          // Its secret, if still on show, no longer opens anything.
          if (fresh?.id === key.id) setFresh(null);
        }}
        onCancel={() => setRevoking(null)}
      />
    </>
  );
}

/** With auth off nothing checks keys: say so before anyone relies on a scope or a revoke. */
function AuthOffNotice() {
  return (
    <div className="section">
      <Notice title="Auth is off: keys are stored but not checked">
        <p>
          This server listens on loopback and has neither <code>HATOBA_ADMIN_TOKEN</code> nor <code>HATOBA_ADMIN_PASSWORD</code>, so every
          request is let in, with any key or none: scopes are not enforced and a revoked key still works.
        </p>
        <p>
          Keys made here start to count once auth is on. To turn it on, restart the server with <code>HATOBA_ADMIN_TOKEN</code> (16+
          characters, e.g. <code>HATOBA_ADMIN_TOKEN=$(openssl rand -base64 32) npm start</code>) or <code>HATOBA_ADMIN_PASSWORD</code> (8+
          characters, for the console login) set; see &ldquo;Security and production deployment&rdquo; in the README.
        </p>
      </Notice>
    </div>
  );
}

function KeyTable({ rows, total, onRevoke }: { rows: KeyRow[]; total: number; onRevoke: (k: KeyRow) => void }) {
  if (total === 0) {
    return (
      <EmptyState title="No API keys yet">
        <p>Make one above for each service, with the narrowest scopes it needs.</p>
      </EmptyState>
    );
  }
  if (rows.length === 0) return <EmptyState title="Every key is revoked" />;
  return (
    <TableScroll label="Key table">
      <table className="table">
        <caption>{rows.length === 1 ? '1 key' : `${rows.length} keys`} · only a key&apos;s first characters are kept for display; its secret was shown once</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Scopes</th>
            <th scope="col">Key</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((k) => (
            <tr key={k.id}>
              <th scope="row">{k.name}</th>
              <td>
                <span className="badges">
                  {k.scopes.map((s) => (
                    <code key={s} className="badge badge--neutral">
                      {s}
                    </code>
                  ))}
                </span>
              </td>
              <td className="mono nowrap">{k.prefix}…</td>
              <td className="nowrap">
                {formatTimestamp(k.createdAt)}
                <span className="muted small"> by {k.createdBy}</span>
              </td>
              <td className="nowrap">{k.lastUsedAt ? formatTimestamp(k.lastUsedAt) : <span className="muted">never</span>}</td>
              <td>
                {k.revokedAt ? (
                  <span className="badge badge--error">revoked {formatTimestamp(k.revokedAt)}</span>
                ) : (
                  <button type="button" className="button button--danger-quiet button--small" onClick={() => onRevoke(k)} aria-label={`Revoke ${k.name}`}>
                    Revoke…
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function CreateKey({ onCreated }: { onCreated: (key: FreshKey) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const create = useMutation(
    trpc.keys.create.mutationOptions({
      onSuccess: (made) => {
        setName('');
        setScopes('');
        onCreated({ id: made.id, name: made.name, secret: made.key });
        void queryClient.invalidateQueries(trpc.keys.pathFilter());
      },
    }),
  );

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const list = parseScopeList(scopes);
    const errors = [...(name.trim() ? [] : ['Give the key a name (the service that will use it).']), ...scopeListProblems(list)];
    setProblems(errors);
    if (errors.length === 0) create.mutate({ name: name.trim(), scopes: list });
  }

  return (
    <form className="form card" onSubmit={submit} noValidate>
      <div className="form-row form-row--top">
        <div className="field field--grow">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} className="input" value={name} onChange={(e) => setName(e.target.value)} placeholder="checkout-service" maxLength={200} />
        </div>
        <div className="field field--grow">
          <label htmlFor={`${id}-scopes`}>Scopes</label>
          <input
            id={`${id}-scopes`}
            className="input"
            value={scopes}
            onChange={(e) => setScopes(e.target.value)}
            placeholder="publish:orders*, monitoring"
            aria-describedby={`${id}-scopes-hint`}
          />
          <span id={`${id}-scopes-hint`} className="hint">
            Separated by commas: <code>publish:&lt;exchange pattern&gt;</code>, <code>consume:&lt;queue pattern&gt;</code>, <code>manage</code>,{' '}
            <code>monitoring</code>, <code>admin</code>. <code>*</code> matches any characters.
          </span>
        </div>
      </div>
      <FieldErrors problems={problems} />
      {create.isError && (
        <ResultNotice tone="error">
          <p>{errorMessage(create.error, 'action')}</p>
        </ResultNotice>
      )}
      <div className="button-row">
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}

/** The only time the key itself is visible: copy it now. */
function NewSecret({ name, secret, enforced, onDone }: { name: string; secret: string; enforced: Enforcement; onDone: () => void }) {
  const id = useId();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  }
  return (
    <div className="alert alert--success new-secret" role="status">
      <p className="alert__title">Key {name} is ready. Copy it now: it is not shown again.</p>
      <div className="new-secret__row">
        <label htmlFor={`${id}-secret`} className="visually-hidden">
          The new key
        </label>
        <input id={`${id}-secret`} className="input mono" readOnly value={secret} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="button" onClick={copy}>
          Copy
        </button>
      </div>
      <p aria-live="polite" className="small">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Copying was not allowed here: select the key and copy it.' : ' '}
      </p>
      <p className="small">
        Use it as <code>Authorization: Bearer &lt;key&gt;</code>. Only its SHA-256 is stored.
        {enforced === false && ' Auth is off, so its scopes are not checked until auth is turned on.'}
      </p>
      <div className="button-row">
        <button type="button" className="button button--quiet" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function RevokeDialog({
  target,
  enforced,
  onDone,
  onCancel,
}: {
  target: KeyRow | null;
  enforced: Enforcement;
  onDone: (key: KeyRow) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.keys.revoke.mutationOptions({
      onSuccess: () => {
        if (target) onDone(target);
        void queryClient.invalidateQueries(trpc.keys.pathFilter());
      },
    }),
  );
  return (
    <ConfirmDialog
      open={target !== null}
      title={`Revoke ${target?.name ?? ''}?`}
      confirmLabel="Revoke key"
      danger
      busy={revoke.isPending}
      onConfirm={() => target && revoke.mutate({ id: target.id })}
      onCancel={() => (revoke.reset(), onCancel())}
    >
      <p>
        {revokeEffect(target?.prefix ?? '', enforced)} A revoked key cannot be restored: make a new one instead.
      </p>
      {revoke.isError && (
        <ResultNotice tone="error">
          <p>{errorMessage(revoke.error, 'action')}</p>
        </ResultNotice>
      )}
    </ConfirmDialog>
  );
}
