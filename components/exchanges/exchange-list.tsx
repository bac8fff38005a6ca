'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { DEFAULT_EXCHANGE, DEFAULT_EXCHANGE_META } from '../topology/topology-marks';
import { readTopologyParams, writeTopologyParams } from '../topology/topology-params';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { countOf, formatCount, formatRate } from '../ui/format';
import { EmptyState, ErrorNotice, LiveBadge, Loading } from '../ui/query-state';
import { useSearchDraft } from '../ui/use-search-draft';
import { exchangeHref } from './exchange-routing';

/**
 * The name filter lives in the URL as on the queue list and the topology page (`?q=orders`), so
 * Back from an exchange, a reload or a shared link keeps it; written without a new history entry.
 */
function useNameFilter() {
  const params = useSearchParams();
  const pathname = usePathname();
  const { filter } = readTopologyParams(params);
  const commit = useCallback(
    (value: string) => {
      const query = writeTopologyParams(window.location.search, { filter: value });
      window.history.replaceState(null, '', query ? `${pathname}?${query}` : pathname);
    },
    [pathname],
  );
  return useSearchDraft(filter, commit);
}

export function ExchangeList() {
  const trpc = useTRPC();
  const exchanges = useQuery(trpc.exchanges.list.queryOptions(undefined, { refetchInterval: LIVE_MS }));
  const [filter, setFilter, flush] = useNameFilter();
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return (exchanges.data ?? []).filter((x) => !needle || x.name.toLowerCase().includes(needle));
  }, [exchanges.data, filter]);

  if (exchanges.isPending) return <Loading what="exchanges" />;
  if (exchanges.isError && !exchanges.data) return <ErrorNotice error={exchanges.error} title="Could not list the exchanges" />;
  const all = exchanges.data ?? [];
  const declared = all.filter((x) => x.name !== DEFAULT_EXCHANGE).length;

  return (
    <>
      <div className="toolbar">
        <div className="field field--grow">
          <label htmlFor="exchange-filter">Filter by name</label>
          <input id="exchange-filter" className="input" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="orders" />
        </div>
        <LiveBadge fetching={exchanges.isFetching} failed={exchanges.isError} />
      </div>
      {exchanges.isError && <ErrorNotice error={exchanges.error} title="The last refresh failed; showing older figures" />}
      {declared === 0 && (
        <EmptyState title="No exchanges declared yet">
          <p>
            Create one with <strong>New exchange</strong> above (or <code>PUT /v1/exchanges/&lt;name&gt;</code>) and bind queues to it on its page (or
            with <code>POST /v1/bindings</code>); until then only the default exchange routes, to each queue by its name.
          </p>
        </EmptyState>
      )}
      {rows.length === 0 ? (
        <EmptyState title="No exchange matches this filter">
          <p>Clear the filter to see {all.length === 1 ? 'the one exchange' : `all ${countOf(all.length, 'exchange')}`}.</p>
        </EmptyState>
      ) : (
        <>
          <p className="muted small" id="exchange-list-summary" style={{ margin: '0 0 0.5rem' }}>
            {formatCount(rows.length)} of {countOf(all.length, 'exchange')} · rates refresh every {LIVE_MS / 1000} s
          </p>
          {/* Focusable: on a narrow screen the table scrolls sideways, and keyboards must reach that too. */}
          <div
            className="table-wrap"
            tabIndex={0}
            role="region"
            aria-label="Exchange table"
            onClickCapture={(e) => {
              if (e.target instanceof Element && e.target.closest('a[href]')) flush();
            }}
          >
            <table className="table table--fit" aria-describedby="exchange-list-summary">
              <caption className="visually-hidden">Exchanges</caption>
              <thead>
                <tr>
                  <th scope="col">Exchange</th>
                  <th scope="col">Type</th>
                  <th scope="col" className="num">
                    Bindings
                  </th>
                  <th scope="col" className="num">
                    Publish
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((x) => (
                  <tr key={x.name}>
                    <th scope="row">
                      <Link href={exchangeHref(x.name)}>{x.name}</Link>
                      {x.name === DEFAULT_EXCHANGE && <span className="badge badge--neutral" style={{ marginLeft: 6 }}>default</span>}
                    </th>
                    <td>{x.type}</td>
                    <td className="num">
                      {x.name === DEFAULT_EXCHANGE ? (
                        // Words, not 0: it reaches every queue without bindings. Allowed to wrap, so the table still fits a phone.
                        <span className="muted" style={{ whiteSpace: 'normal' }} title={DEFAULT_EXCHANGE_META}>
                          by queue name
                        </span>
                      ) : (
                        formatCount(x.bindings)
                      )}
                    </td>
                    <td className="num">{formatRate(x.publishRate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
