'use client';

import Link from 'next/link';
import type { BrowsedMessage } from '@/server/trpc/schemas';
import { formatTimestamp, shortId } from '../ui/format';
import { TableScroll } from '../ui/table-scroll';
import { deathChain, deliveriesBeforeDeath, LEASED_BADGE, reasonLabel, replayBlocked } from './dead-letter-page';

/** One page of a DLQ's dead letters: why each died, with row selection, replay and edit. */
export function DeadLetterTable({
  messages,
  caption,
  selected,
  onSelect,
  busy,
  onReplay,
  onEdit,
}: {
  messages: BrowsedMessage[];
  caption: string;
  selected: Set<string>;
  onSelect: (next: Set<string>) => void;
  busy: boolean;
  onReplay: (id: string) => void;
  onEdit: (message: BrowsedMessage) => void;
}) {
  const allChosen = messages.length > 0 && messages.every((m) => selected.has(m.id));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    onSelect(next);
  };
  return (
    <TableScroll label="Dead letters" style={{ marginTop: '1rem' }}>
      <table className="table">
        <caption>
          {caption}
        </caption>
        <thead>
          <tr>
            <th scope="col">
              <input
                type="checkbox"
                className="checkbox"
                aria-label={`Select all ${messages.length} on this page`}
                title={`Select all ${messages.length} on this page`}
                checked={allChosen}
                onChange={() => onSelect(allChosen ? new Set() : new Set(messages.map((m) => m.id)))}
              />
            </th>
            <th scope="col">Message</th>
            <th scope="col">Routing key</th>
            <th scope="col">Reason</th>
            <th scope="col" className="num" title="How often it was delivered in the queue it died in, before it was dead-lettered (not from this DLQ)">
              Delivered
              <br />
              before death
            </th>
            <th scope="col">Last error</th>
            <th scope="col">Died</th>
            <th scope="col"><span className="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {messages.map((m) => (
            <tr key={m.id} className={selected.has(m.id) ? 'is-selected' : undefined}>
              <td>
                <input type="checkbox" className="checkbox" aria-label={`Select ${m.id}`} checked={selected.has(m.id)} onChange={() => toggle(m.id)} />
              </td>
              <td className="nowrap">
                <Link href={`/messages/${m.id}`} className="mono" title={m.id}>
                  {shortId(m.id)}
                </Link>
                <br />
                <Link href={`/traces/${encodeURIComponent(m.correlationId)}`} className="small">
                  trace
                </Link>
              </td>
              <td className="mono">{m.routingKey || <span className="muted">(empty)</span>}</td>
              <td>
                <span className="badge badge--critical">{m.death ? reasonLabel(m.death.reason) : 'unknown'}</span>
                {m.state === 'in_flight' && <span className="badge" title={replayBlocked(m)?.full}> {LEASED_BADGE}</span>}
                {deathChain(m.death) && (
                  <div className="small muted" title="Each of these queues expired it or pushed it out by max length, in turn">
                    chain: {deathChain(m.death)}
                  </div>
                )}
              </td>
              <td className="num" title={m.death ? deliveriesBeforeDeath(m.death) : undefined}>
                {m.death ? (
                  <>
                    {m.death.attempts}
                    <span className="visually-hidden"> in {m.death.queue}</span>
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td>{m.death?.lastError ? <span className="mono">{m.death.lastError}</span> : <span className="muted">none recorded</span>}</td>
              <td className="nowrap">{m.death ? formatTimestamp(m.death.diedAt) : '—'}</td>
              <RowActions message={m} busy={busy} onReplay={onReplay} onEdit={onEdit} />
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Replay and Edit for one row; a leased (in-flight) dead letter cannot be moved, and the row says why. */
function RowActions({ message: m, busy, onReplay, onEdit }: { message: BrowsedMessage; busy: boolean; onReplay: (id: string) => void; onEdit: (message: BrowsedMessage) => void }) {
  const blocked = replayBlocked(m);
  const reasonId = `held-${m.id}`;
  return (
    <td>
      <div className="button-row" style={{ flexWrap: 'nowrap' }} title={blocked?.full}>
        <button
          type="button"
          className="button button--small"
          disabled={busy || !!blocked}
          onClick={() => onReplay(m.id)}
          aria-label={`Replay ${m.id}`}
          aria-describedby={blocked ? reasonId : undefined}
          title={blocked?.full}
        >
          Replay
        </button>
        <button
          type="button"
          className="button button--quiet button--small"
          disabled={busy || !!blocked}
          onClick={() => onEdit(m)}
          aria-label={`Edit and replay ${m.id}`}
          aria-describedby={blocked ? reasonId : undefined}
          title={blocked?.full}
        >
          Edit…
        </button>
      </div>
      {blocked && (
        <>
          <span className="small muted nowrap" style={{ display: 'block' }} title={blocked.full} aria-hidden="true">
            {blocked.short}
          </span>
          <span id={reasonId} className="visually-hidden">
            {blocked.full}
          </span>
        </>
      )}
    </td>
  );
}
