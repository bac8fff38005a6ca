'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRef } from 'react';
import { StatList } from '../stat-list';
import { publishedRate } from './overview-data';
import { DepthTrends } from '../queues/depth-trends';
import { nextSteps, queueTotals, queuesNeedingAttention } from '../queues/queue-signals';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { formatCount, formatDuration, formatRate } from '../ui/format';
import { EmptyState, ErrorNotice, LiveBadge, Loading } from '../ui/query-state';
import { SignalBadges } from '../ui/signal-badges';
import { deadLetterQueueOf, isDeadLetterQueue, isReservedName } from '../../server/broker/name-rules';

/** Totals, rates and the queues that need attention, refreshed every 2 s. */
export function OverviewLive() {
  const trpc = useTRPC();
  const queues = useQuery(trpc.queues.list.queryOptions(undefined, { refetchInterval: LIVE_MS }));
  const exchanges = useQuery(trpc.exchanges.list.queryOptions(undefined, { refetchInterval: LIVE_MS }));
  // The stored samples of the last half minute, read once: a trend from the first look.
  const recent = useQuery(trpc.queues.recentDepths.queryOptions(undefined, { staleTime: Infinity, retry: false }));
  const trends = useRef(new DepthTrends());
  trends.current.push(queues.data);
  trends.current.seed(recent.data);

  if (queues.isPending) return <Loading what="totals" />;
  if (queues.isError && !queues.data) return <ErrorNotice error={queues.error} title="Could not read the queues" />;
  const all = queues.data ?? [];
  const t = queueTotals(all);
  const userExchanges = (exchanges.data ?? []).filter((x) => !isReservedName(x.name));
  const published = exchanges.data ? publishedRate(exchanges.data) : null;
  const attention = queuesNeedingAttention(all, { trends: trends.current.allBefore() });

  return (
    <>
      <section aria-labelledby="totals-heading" className="section">
        <div className="section-heading">
          <h2 id="totals-heading">Totals</h2>
          <LiveBadge fetching={queues.isFetching} failed={queues.isError || exchanges.isError} />
        </div>
        {queues.isError && <ErrorNotice error={queues.error} title="The last refresh failed; showing older figures" />}
        <StatList
          compact
          wide
          stats={[
            { label: 'Queues', value: formatCount(t.queues), hint: `and ${t.deadLetterQueues} DLQs` },
            { label: 'Exchanges', value: exchanges.data ? formatCount(userExchanges.length) : '…', hint: 'declared (plus the default)' },
            { label: 'Ready', value: formatCount(t.ready) },
            { label: 'In flight', value: formatCount(t.inFlight) },
            { label: 'Delayed', value: formatCount(t.delayed) },
            { label: 'Dead letters', value: formatCount(t.deadLetters) },
            { label: 'Consumers', value: formatCount(t.consumers) },
            { label: 'Published', value: published == null ? '…' : formatRate(published), hint: 'messages, last minute' },
            { label: 'Delivered', value: formatRate(t.deliverRate), hint: 'last minute' },
            { label: 'Acked', value: formatRate(t.ackRate), hint: 'last minute' },
          ]}
        />
      </section>
      <section aria-labelledby="attention-heading" className="section">
        <h2 id="attention-heading">Needs attention</h2>
        {all.length === 0 ? (
          <EmptyState title="No queues yet">
            <p>Declare one with the commands under Getting started below.</p>
          </EmptyState>
        ) : attention.length === 0 ? (
          <EmptyState title="All clear">
            <p>No dead letters, no waiting queue without consumers, nothing old or growing.</p>
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table attention-table">
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col" className="num">Ready</th>
                  <th scope="col" className="num">Consumers</th>
                  <th scope="col" className="num">Oldest</th>
                  <th scope="col">Why</th>
                  <th scope="col">What to do</th>
                </tr>
              </thead>
              <tbody>
                {attention.slice(0, 20).map(({ queue: q, signals }) => (
                  <tr key={q.name}>
                    <th scope="row">
                      <Link href={`/queues/${encodeURIComponent(q.name)}`}>{q.name}</Link>
                    </th>
                    <td className="num" data-label="Ready">{formatCount(q.ready)}</td>
                    <td className="num" data-label="Consumers">{formatCount(q.consumers)}</td>
                    <td className="num" data-label="Oldest">{formatDuration(q.oldestReadyAgeMs)}</td>
                    <td className="attention-why">
                      <SignalBadges signals={signals} />
                    </td>
                    <td className="small attention-steps" data-label="What to do">
                      <ul className="plain-list">
                        {nextSteps(signals).map((step) => (
                          <li key={step.text}>
                            {step.deadLetters ? (
                              <Link href={`/dead-letters?queue=${encodeURIComponent(isDeadLetterQueue(q.name) ? q.name : deadLetterQueueOf(q.name))}`}>{step.text}</Link>
                            ) : (
                              step.text
                            )}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {attention.length > 20 && <p className="muted small" style={{ padding: '0 0.75rem' }}>and {attention.length - 20} more on the <Link href="/queues">queues</Link> page</p>}
          </div>
        )}
      </section>
    </>
  );
}
