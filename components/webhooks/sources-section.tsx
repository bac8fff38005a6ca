'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { exchangeHref } from '../exchanges/exchange-routing';
import { CodeBlock } from '../code-block';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { countOf, formatCount } from '../ui/format';
import { EmptyState, ErrorNotice, LiveBadge, Loading } from '../ui/query-state';
import { TableScroll } from '../ui/table-scroll';
import { HookUrl, useOrigin } from './hook-url';
import { outcomeSummary, rateLimitLabel, routingKeyLabel, schemeLabel, sourceExample } from './webhook-labels';
import './webhooks.css';

/** Who may post webhooks to this broker, how each is checked, and whether this node has been refusing them. */
export function SourcesSection() {
  const trpc = useTRPC();
  const origin = useOrigin();
  const sources = useQuery(trpc.webhooks.sources.queryOptions(undefined, { refetchInterval: LIVE_MS }));
  const list = sources.data;
  return (
    <section aria-labelledby="sources-heading" className="section">
      <div className="section-heading">
        <h2 id="sources-heading">Inbound sources{list ? ` (${formatCount(list.length)})` : ''}</h2>
        <LiveBadge fetching={sources.isFetching} failed={sources.isError} />
      </div>
      {sources.isPending ? (
        <Loading what="sources" />
      ) : sources.isError && !list ? (
        <ErrorNotice error={sources.error} title="Could not list the sources" />
      ) : list!.length === 0 ? (
        <EmptyState title="No webhook source is declared">
          <p>Declare one to let a service post to an exchange; its answer shows the generated secret once.</p>
          <CodeBlock label="PUT /v1/sources/{name}" code={sourceExample(origin)} />
        </EmptyState>
      ) : (
        <>
          {sources.isError && <ErrorNotice error={sources.error} title="The last refresh failed: the figures below are as last read" />}
          <TableScroll label="Source table">
            <table className="table" aria-labelledby="sources-heading">
              <thead>
                <tr>
                  <th scope="col">Source and hook URL</th>
                  <th scope="col">Exchange</th>
                  <th scope="col">Verification</th>
                  <th scope="col">Routing key from</th>
                  <th scope="col">Rate limit</th>
                  <th scope="col" title="Since this node started; other nodes count their own">
                    On this node
                  </th>
                </tr>
              </thead>
              <tbody>
                {list!.map((s) => {
                  const scheme = schemeLabel(s.verify);
                  const seen = outcomeSummary(s.counts);
                  return (
                    <tr key={s.name}>
                      <th scope="row">
                        <span className="mono">{s.name}</span>
                        <HookUrl name={s.name} />
                      </th>
                      <td>
                        <Link href={exchangeHref(s.exchange)}>{s.exchange}</Link>
                      </td>
                      <td>
                        {scheme.label}
                        {scheme.detail && <div className="muted small">{scheme.detail}</div>}
                      </td>
                      <td>{routingKeyLabel(s.routingKey)}</td>
                      <td>{rateLimitLabel(s.rateLimit)}</td>
                      <td>
                        <div>
                          {formatCount(seen.accepted)} accepted{seen.duplicates > 0 && `, ${countOf(seen.duplicates, 'duplicate')}`}
                        </div>
                        {seen.refused > 0 ? (
                          <span className="badge badge--critical" title={seen.reasons.join(', ')}>
                            {formatCount(seen.refused)} refused
                          </span>
                        ) : (
                          <span className="muted small">none refused</span>
                        )}
                        {seen.reasons.length > 0 && <div className="muted small">{seen.reasons.join(', ')}</div>}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
          <p className="muted small">
            Senders POST to the hook URL, signed with the source&apos;s secret; a bad or missing signature is refused (401), and so are
            webhooks over the source&apos;s rate (429). &ldquo;Default&rdquo; is HATOBA_SOURCE_RATE_LIMIT. Counts are this node&apos;s since it
            started.
          </p>
        </>
      )}
    </section>
  );
}
