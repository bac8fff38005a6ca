'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { isReservedName } from '../../server/broker/name-rules';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { errorMessage } from '../ui/error-message';
import { FieldErrors } from '../ui/field-errors';
import { ResultNotice } from '../ui/query-state';
import { useTopologyRefresh } from '../ui/use-topology-refresh';
import { addRow, bindingDraftInput, NEW_BINDING_DRAFT, removeRow, type BindingDraft } from './binding-draft';
import { bindingMatch, type ExchangeType } from './exchange-routing';

const KEY_HINT: Partial<Record<ExchangeType, string>> = {
  direct: 'A message reaches the queue when its routing key equals this key.',
  topic: 'Dot-separated words; * matches exactly one word, # zero or more (order.*, order.#).',
};

/** Binds a queue to this exchange (idempotent: binding twice says it was there already). */
export function BindQueueForm({ exchange, type }: { exchange: string; type: ExchangeType }) {
  const trpc = useTRPC();
  const refresh = useTopologyRefresh();
  const id = useId();
  const queues = useQuery(trpc.queues.list.queryOptions(undefined, { refetchInterval: LIVE_MS }));
  const [draft, setDraft] = useState<BindingDraft>(NEW_BINDING_DRAFT);
  const [problems, setProblems] = useState<string[]>([]);
  const bind = useMutation(trpc.exchanges.bind.mutationOptions({ onSuccess: () => refresh() }));
  const set = (patch: Partial<BindingDraft>) => setDraft((d) => ({ ...d, ...patch }));
  // The broker's own reply queues are not for binding.
  const names = (queues.data ?? []).map((q) => q.name).filter((n) => !isReservedName(n));

  function submit(e: React.FormEvent) {
    e.preventDefault();
    bind.reset();
    const { problems, input } = bindingDraftInput(exchange, type, draft);
    setProblems(problems);
    if (input) bind.mutate(input);
  }

  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby={`${id}-t`}>
      <h3 id={`${id}-t`} style={{ margin: '1rem 0 0' }}>
        Bind a queue
      </h3>
      <div className="form-row form-row--top">
        <div className="field field--grow">
          <label htmlFor={`${id}-queue`}>Queue</label>
          <select id={`${id}-queue`} className="select" value={draft.queue} onChange={(e) => set({ queue: e.target.value })}>
            <option value="">{queues.isPending ? 'Loading queues…' : names.length === 0 ? 'No queue yet' : 'Choose…'}</option>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
        </div>
        {(type === 'direct' || type === 'topic') && (
          <div className="field field--grow">
            <label htmlFor={`${id}-key`}>{type === 'topic' ? 'Binding pattern' : 'Binding key'}</label>
            <input id={`${id}-key`} className="input mono" value={draft.key} onChange={(e) => set({ key: e.target.value })} autoComplete="off" spellCheck={false} placeholder={type === 'topic' ? 'order.*' : 'order.created'} aria-describedby={`${id}-key-hint`} />
            <span id={`${id}-key-hint`} className="hint">
              {KEY_HINT[type]}
            </span>
          </div>
        )}
      </div>
      {type === 'fanout' && <p className="muted small" style={{ margin: 0 }}>A fanout exchange sends every message to every bound queue: no key to give.</p>}
      {type === 'headers' && <HeaderRows draft={draft} set={set} />}
      <FieldErrors problems={problems} />
      {bind.isError && <ResultNotice tone="error" onDismiss={() => bind.reset()}><p>{errorMessage(bind.error, 'action')}</p></ResultNotice>}
      {bind.isSuccess && (
        <ResultNotice tone="success" onDismiss={() => bind.reset()}>
          <p>
            {bind.data.created ? 'Bound' : 'Already bound:'} {bind.data.binding.queue} ({bindingMatch(type, bind.data.binding)}).
          </p>
        </ResultNotice>
      )}
      <div>
        <button type="submit" className="button" disabled={bind.isPending}>
          {bind.isPending ? 'Binding…' : 'Bind queue'}
        </button>
      </div>
    </form>
  );
}

/** A headers binding's arguments: all or any of them, and name/value rows to add and remove. */
function HeaderRows({ draft, set }: { draft: BindingDraft; set: (patch: Partial<BindingDraft>) => void }) {
  const edit = (rowId: number, patch: { name?: string; value?: string }) => set({ rows: draft.rows.map((r) => (r.id === rowId ? { ...r, ...patch } : r)) });
  return (
    <fieldset className="choices">
      <legend>Header arguments</legend>
      <div className="segmented" role="group" aria-label="Match" style={{ justifySelf: 'start' }}>
        {(['all', 'any'] as const).map((m) => (
          <button key={m} type="button" aria-pressed={draft.match === m} onClick={() => set({ match: m })}>
            Match {m}
          </button>
        ))}
      </div>
      {draft.rows.map((r, i) => (
        <div key={r.id} className="header-row">
          <input className="input mono" aria-label={`Header ${i + 1} name`} placeholder="tenant" value={r.name} onChange={(e) => edit(r.id, { name: e.target.value })} autoComplete="off" spellCheck={false} />
          <input className="input mono" aria-label={`Header ${i + 1} value`} placeholder="acme" value={r.value} onChange={(e) => edit(r.id, { value: e.target.value })} autoComplete="off" spellCheck={false} />
          <button type="button" className="button button--quiet button--small" aria-label={`Remove header ${i + 1}`} onClick={() => set({ rows: removeRow(draft.rows, r.id) })}>
            Remove
          </button>
        </div>
      ))}
      <div>
        <button type="button" className="button button--quiet button--small" onClick={() => set({ rows: addRow(draft.rows) })}>
          Add header
        </button>
      </div>
      <span className="hint small muted">Names match in any case, values exactly. With no arguments every message matches.</span>
    </fieldset>
  );
}
