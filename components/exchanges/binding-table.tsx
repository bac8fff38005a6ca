'use client';

import Link from 'next/link';
import { useId, useState } from 'react';
import { EmptyState } from '../ui/query-state';
import { TableScroll } from '../ui/table-scroll';
import { bindingMatch, type BindingLike, type ExchangeType } from './exchange-routing';
import { UnbindDialog } from './unbind-dialog';

/** What the match column is called for this type of exchange. */
const MATCH_HEADING: Record<ExchangeType, string> = {
  direct: 'Binding key',
  topic: 'Binding pattern',
  fanout: 'Matches',
  headers: 'Header arguments',
};

const bindingId = (b: BindingLike) => `${b.queue}\u0000${b.key}\u0000${JSON.stringify(b.headers ?? null)}`;

/** The bindings from one exchange: what each matches → the queue (a link to its page), and Unbind. */
export function BindingTable({ exchange, type, bindings }: { exchange: string; type: ExchangeType; bindings: readonly BindingLike[] }) {
  const [unbinding, setUnbinding] = useState<BindingLike | null>(null);
  const rowId = useId();
  // Kept mounted when the last binding goes, so its dialog closes rather than vanishing with the table.
  const dialog = <UnbindDialog exchange={exchange} type={type} binding={unbinding} onDone={() => setUnbinding(null)} />;
  if (bindings.length === 0) {
    return (
      <>
        <EmptyState title="No queue is bound to this exchange">
          <p>
            A message published here reaches no queue (it is kept, and its trace says “unroutable”). Bind a queue with the form below, or with{' '}
            <code>POST /v1/bindings</code>, <code>{`{"exchange": "${exchange}", "queue": "…", "key": "…"}`}</code>.
          </p>
        </EmptyState>
        {dialog}
      </>
    );
  }
  return (
    <>
      <TableScroll label={`Bindings of ${exchange}`}>
        <table className="table">
          <caption className="visually-hidden">Bindings from {exchange}</caption>
          <thead>
            <tr>
              <th scope="col">{MATCH_HEADING[type]}</th>
              <th scope="col">Queue</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {bindings.map((b, i) => (
              <tr key={bindingId(b)}>
                <td id={`${rowId}-${i}`} className={type === 'direct' || type === 'topic' ? 'mono' : undefined}>
                  {bindingMatch(type, b)}
                </td>
                <th scope="row">
                  <span aria-hidden="true" className="muted">
                    →{' '}
                  </span>
                  <Link href={`/queues/${encodeURIComponent(b.queue)}`}>{b.queue}</Link>
                </th>
                {/* No left padding: on a phone the three columns only just fit. */}
                <td className="num" style={{ paddingLeft: 0 }}>
                  <button
                    type="button"
                    className="button button--danger-quiet button--small"
                    aria-label={`Unbind ${b.queue}`}
                    // Which of the queue's bindings, when it has several: said after the name.
                    aria-describedby={`${rowId}-${i}`}
                    onClick={() => setUnbinding(b)}
                  >
                    Unbind…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {dialog}
    </>
  );
}
