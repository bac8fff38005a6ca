'use client';

import { Choice } from '../ui/choice';
import { deadLetterLabel, type DeadLetterChoice, type QueueDraft } from './queue-draft';

type Props = { id: string; draft: QueueDraft; set: (patch: Partial<QueueDraft>) => void };

const CHOICES: { choice: DeadLetterChoice; hint: string }[] = [
  { choice: 'own', hint: 'Created with the queue; replay or discard them from the Dead letters page.' },
  { choice: 'exchange', hint: 'Published to an exchange you choose, which routes them on.' },
  { choice: 'drop', hint: 'A message out of deliveries is deleted and kept nowhere.' },
];

/** Where the new queue's dead letters go; the exchange and its key only when that is chosen. */
export function DeadLetterFields({ id, draft, set, exchanges }: Props & { exchanges: string[] }) {
  return (
    <fieldset className="choices">
      <legend>Dead letters</legend>
      {CHOICES.map(({ choice, hint }) => (
        <Choice key={choice} group={`${id}-dl`} value={choice} checked={draft.deadLetter === choice} onChange={() => set({ deadLetter: choice })} label={deadLetterLabel(choice, draft.name)} hint={hint} />
      ))}
      {draft.deadLetter === 'exchange' && (
        <div className="form-row choice-detail">
          <div className="field field--grow">
            <label htmlFor={`${id}-dlx`}>Exchange</label>
            <select id={`${id}-dlx`} className="select" value={draft.dlExchange} onChange={(e) => set({ dlExchange: e.target.value })}>
              <option value="">Choose…</option>
              {exchanges.map((x) => (
                <option key={x}>{x}</option>
              ))}
            </select>
          </div>
          <div className="field field--grow">
            <label htmlFor={`${id}-dlk`}>Routing key (optional)</label>
            <input id={`${id}-dlk`} className="input mono" value={draft.dlRoutingKey} onChange={(e) => set({ dlRoutingKey: e.target.value })} autoComplete="off" spellCheck={false} />
          </div>
        </div>
      )}
    </fieldset>
  );
}

// Placeholders are the broker's defaults (server/broker/backoff.ts), so blank says what it means.
const MORE: { key: 'retryInitialSeconds' | 'retryMaxSeconds' | 'ttlSeconds' | 'maxLength'; label: string; hint: string; placeholder: string; mode: 'decimal' | 'numeric' }[] = [
  { key: 'retryInitialSeconds', label: 'Retry initial delay (seconds)', hint: 'Before the second delivery; doubles after each failure.', placeholder: '1', mode: 'decimal' },
  { key: 'retryMaxSeconds', label: 'Retry max delay (seconds)', hint: 'The longest a retry waits.', placeholder: '60', mode: 'decimal' },
  { key: 'ttlSeconds', label: 'Message TTL (seconds)', hint: 'Older messages are dead-lettered unread (expired).', placeholder: 'none', mode: 'decimal' },
  { key: 'maxLength', label: 'Max length (messages)', hint: 'Beyond it the oldest are dead-lettered.', placeholder: 'none', mode: 'numeric' },
];

/** The settings most queues leave alone, folded away; blank takes the broker's default. */
export function MoreSettings({ id, draft, set }: Props) {
  return (
    <details className="more-settings">
      <summary>More settings</summary>
      <div className="form-row form-row--top">
        {MORE.map((m) => (
          // Two to a row in the dialog, one on a phone.
          <div key={m.key} className="field" style={{ flex: '1 1 16rem' }}>
            <label htmlFor={`${id}-${m.key}`}>{m.label}</label>
            <input
              id={`${id}-${m.key}`}
              className="input"
              inputMode={m.mode}
              value={draft[m.key]}
              onChange={(e) => set({ [m.key]: e.target.value })}
              placeholder={m.placeholder}
              aria-describedby={`${id}-${m.key}-hint`}
            />
            <span id={`${id}-${m.key}-hint`} className="hint">
              {m.hint}
            </span>
          </div>
        ))}
      </div>
    </details>
  );
}
