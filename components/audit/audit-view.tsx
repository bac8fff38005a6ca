'use client';

import { keepPreviousData, skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import Link from 'next/link';
import { useId, useState } from 'react';
import { pageParam, parsePageParam } from '../ui/cursor-pages';
import { useCursorPage } from '../ui/use-cursor-page';
import { useTRPC } from '../trpc/client';
import { formatTimestamp } from '../ui/format';
import { TableScroll } from '../ui/table-scroll';
import { EmptyState, ErrorNotice, Loading } from '../ui/query-state';
import { AuditDetail } from './audit-detail';
import { auditTarget, type AuditTarget } from './audit-target';
import { KNOWN_ACTIONS, actionsLike, parseAuditFilter } from './audit-paging';

const PAGE_SIZE = 50;
/** Overrides globals.css's 18ch clip on .audit-target: up to 40ch a line, long names broken anywhere. */
const TARGET_STYLE: React.CSSProperties = { display: 'inline-block', maxWidth: '40ch', whiteSpace: 'normal', overflowWrap: 'anywhere' };

/**
 * The audit log, newest first: who did what to what, from where; filtered by actor and action, a
 * page at a time. The filter and the page live in the URL (`?actor=&action=&page=`): a reload, Back
 * or a shared link shows the same entries.
 */
export function AuditView() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filter = parseAuditFilter(params);
  // A page is a place to come Back to (push); a new filter changes the URL in place (as on the dead-letters page) and starts at page 1.
  const setParams = (next: Record<string, string>, how: 'push' | 'replace') => {
    const p = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(next)) if (v) p.set(k, v); else p.delete(k);
    const query = p.toString();
    router[how](query ? `${pathname}?${query}` : pathname, { scroll: false });
  };
  return (
    <AuditLog
      // Cursors learned belong to one filter: a new filter starts afresh.
      key={`${filter.actor}|${filter.action}`}
      filter={filter}
      onFilter={(f) => setParams({ actor: f.actor.trim(), action: f.action.trim(), page: '' }, 'replace')}
      page={parsePageParam(params.get('page'))}
      onPage={(n, how) => setParams({ page: pageParam(n) }, how)}
    />
  );
}

function AuditLog({
  filter,
  onFilter,
  page: wanted,
  onPage,
}: {
  filter: { actor: string; action: string };
  onFilter: (f: { actor: string; action: string }) => void;
  /** The page the URL asks for, 0-based. */
  page: number;
  onPage: (page: number, how: 'push' | 'replace') => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [draft, setDraft] = useState(filter);
  const input = { actor: filter.actor || undefined, action: filter.action || undefined };
  // The page from the URL; one not walked to here (a reload, a shared link) is sought first.
  const at = useCursorPage<number>({
    scope: ['audit', filter.actor, filter.action],
    wanted,
    pageSize: PAGE_SIZE,
    read: async (cursor, limit) => {
      const r = await queryClient.fetchQuery(trpc.audit.list.queryOptions({ ...input, cursor, limit }));
      return { rows: r.entries.length, nextCursor: r.nextCursor };
    },
    // A page past the end of the log shows its last page.
    onClamp: (last) => onPage(last, 'replace'),
  });
  const page = useQuery(
    trpc.audit.list.queryOptions(at.ready ? { ...input, cursor: at.cursor, limit: PAGE_SIZE } : skipToken, { placeholderData: keepPreviousData }),
  );

  function apply(e: React.FormEvent) {
    e.preventDefault();
    onFilter(draft);
  }
  function clear() {
    setDraft({ actor: '', action: '' });
    onFilter({ actor: '', action: '' });
  }
  function older(nextCursor: number) {
    at.remember(wanted + 1, nextCursor);
    onPage(wanted + 1, 'push');
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
            placeholder="key:checkout"
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

      {at.seekError ? (
        <ErrorNotice error={at.seekError} title={`Could not find page ${wanted + 1} of the audit log`} polled={false} />
      ) : page.isPending ? (
        <Loading what={at.ready ? 'the audit log' : `page ${wanted + 1} of the audit log`} />
      ) : page.isError && !page.data ? (
        <ErrorNotice error={page.error} title="Could not read the audit log" polled={false} />
      ) : page.data.entries.length === 0 ? (
        <EmptyState title={filter.actor || filter.action ? 'No entries match this filter' : 'Nothing recorded yet'}>
          {actionsLike(filter.action).length > 0 ? (
            <p>
              Actions are matched by their exact name. Did you mean{' '}
              {actionsLike(filter.action).map((a, i) => (
                <span key={a}>
                  {i > 0 && ', '}
                  <button type="button" className="link-button" onClick={() => { setDraft({ ...filter, action: a }); onFilter({ ...filter, action: a }); }}>
                    {a}
                  </button>
                </span>
              ))}
              ?
            </p>
          ) : filter.action && !(KNOWN_ACTIONS as readonly string[]).includes(filter.action) ? (
            <p>
              Actions are matched by their exact name, such as <code>queue.purge</code> or <code>key.create</code>: pick one from the suggestions.
            </p>
          ) : (
            <p>Declares, deletes, purges, replays, keys and sign-ins are recorded here, from the API and from this console.</p>
          )}
        </EmptyState>
      ) : (
        <>
          {/* On a narrow screen the table scrolls sideways, says so, and keyboards reach it too. */}
          <TableScroll label="Audit log entries">
            <table className="table">
              <caption>
                Page {wanted + 1} · newest first · {page.data.entries.length} entries
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
                        <AuditTargetCell {...auditTarget(e.action, e.target, e.detail)} />
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td className="small">
                      <AuditDetail detail={e.detail} />
                    </td>
                    <td className="mono small">{e.ip ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
          <nav className="button-row" aria-label="Audit log pages">
            <button type="button" className="button button--quiet" onClick={() => onPage(wanted - 1, 'push')} disabled={wanted === 0 || page.isPlaceholderData}>
              ← Newer
            </button>
            <button
              type="button"
              className="button button--quiet"
              onClick={() => older(page.data.nextCursor!)}
              disabled={page.data.nextCursor === null || page.isPlaceholderData}
            >
              Older →
            </button>
          </nav>
        </>
      )}
    </>
  );
}

/** Wraps instead of clipping: two targets sharing a prefix ("audit-fanout → a…") must stay apart. */
function AuditTargetCell({ text, href, title }: AuditTarget) {
  return (
    <span className="audit-target" style={TARGET_STYLE} title={title}>
      {href ? <Link href={href}>{text}</Link> : text}
    </span>
  );
}
