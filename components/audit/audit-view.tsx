'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTRPC } from '../trpc/client';
import { formatTimestamp } from '../ui/format';
import { EmptyState, ErrorNotice, Loading } from '../ui/query-state';
import { KNOWN_ACTIONS, currentCursor, detailText, firstPage, newer, older, pageNumber, type Paging } from './audit-paging';

const PAGE_SIZE = 50;
/** Overrides globals.css's 18ch clip on .audit-target: up to 40ch a line, long names broken anywhere. */
const TARGET_STYLE: React.CSSProperties = { display: 'inline-block', maxWidth: '40ch', whiteSpace: 'normal', overflowWrap: 'anywhere' };

/** The audit log, newest first: who did what to what, from where; filtered by actor and action, a page at a time. */
export function AuditView() {
  const trpc = useTRPC();
  const id = useId();
  const [draft, setDraft] = useState({ actor: '', action: '' });
  const [filter, setFilter] = useState({ actor: '', action: '' });
  const [paging, setPaging] = useState<Paging>(firstPage);
  const page = useQuery(
    trpc.audit.list.queryOptions(
      { actor: filter.actor || undefined, action: filter.action || undefined, cursor: currentCursor(paging), limit: PAGE_SIZE },
      { placeholderData: keepPreviousData },
    ),
  );

  function apply(e: React.FormEvent) {
    e.preventDefault();
    setFilter({ actor: draft.actor.trim(), action: draft.action.trim() });
    setPaging(firstPage());
  }
  function clear() {
    setDraft({ actor: '', action: '' });
    setFilter({ actor: '', action: '' });
    setPaging(firstPage());
  }

  return (
    <>
      <form className="toolbar" onSubmit={apply} aria-label="Filter the audit log">
        <div className="field">
          <label htmlFor={`${id}-actor`}>Actor</label>
          <input
            id={`${id}-actor`}
            className="input"
            value={draft.actor}
            onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
            placeholder="session:operator, key:checkout, …"
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-action`}>Action</label>
          <input
            id={`${id}-action`}
            className="input"
            list={`${id}-actions`}
            value={draft.action}
            onChange={(e) => setDraft({ ...draft, action: e.target.value })}
            placeholder="queue.purge"
          />
          <datalist id={`${id}-actions`}>
            {KNOWN_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div className="button-row">
          <button type="submit" className="button">
            Filter
          </button>
          {(filter.actor || filter.action) && (
            <button type="button" className="button button--quiet" onClick={clear}>
              Clear
            </button>
          )}
        </div>
      </form>

      {page.isPending ? (
        <Loading what="the audit log" />
      ) : page.isError && !page.data ? (
        <ErrorNotice error={page.error} title="Could not read the audit log" />
      ) : page.data.entries.length === 0 ? (
        <EmptyState title={filter.actor || filter.action ? 'No entries match this filter' : 'Nothing recorded yet'}>
          <p>Declares, deletes, purges, replays, keys and sign-ins are recorded here, from the API and from this console.</p>
        </EmptyState>
      ) : (
        <>
          {/* Focusable: on a narrow screen the table scrolls sideways, and keyboards must reach that too. */}
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Audit log entries">
            <table className="table">
              <caption>
                Page {pageNumber(paging)} · newest first · {page.data.entries.length} entries
              </caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Detail</th>
                  <th scope="col">Address</th>
                </tr>
              </thead>
              <tbody>
                {page.data.entries.map((e) => (
                  <tr key={e.id}>
                    <td className="nowrap">{formatTimestamp(e.at)}</td>
                    <td className="mono">{e.actor}</td>
                    <td>
                      <code>{e.action}</code>
                    </td>
                    <td className="mono">
                      {e.target ? (
                        // Wraps instead of clipping: two targets sharing a prefix ("audit-fanout → a…") must stay apart.
                        <span className="audit-target" style={TARGET_STYLE} title={e.target}>
                          {e.target}
                        </span>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="small">
                      <span className="truncate audit-detail" title={detailText(e.detail)}>
                        {detailText(e.detail)}
                      </span>
                    </td>
                    <td className="mono small">{e.ip ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="button-row" aria-label="Audit log pages">
            <button type="button" className="button button--quiet" onClick={() => setPaging(newer)} disabled={pageNumber(paging) === 1}>
              ← Newer
            </button>
            <button
              type="button"
              className="button button--quiet"
              onClick={() => setPaging((p) => older(p, page.data.nextCursor))}
              disabled={page.data.nextCursor === null}
            >
              Older →
            </button>
          </nav>
        </>
      )}
    </>
  );
}
