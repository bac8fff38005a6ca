'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { StatList } from '../stat-list';
import { DEFAULT_EXCHANGE, DEFAULT_EXCHANGE_META } from '../topology/topology-marks';
import { LIVE_MS, liveUntilNotFound, useTRPC } from '../trpc/client';
import { countOf, formatCount, formatRate } from '../ui/format';
import { PageHeading } from '../ui/page-heading';
import { UnreadableDetail } from '../ui/unreadable-detail';
import { EmptyState, ErrorNotice, LiveBadge, Loading } from '../ui/query-state';
import { BindQueueForm } from './bind-queue-form';
import { BindingTable } from './binding-table';
import { DeleteExchangeButton } from './delete-exchange-button';
import { ExchangePublishForm } from './exchange-publish-form';
import { exchangeLinks, keySuggestions, routingWords, typeLede } from './exchange-routing';

const eyebrow = <Link href="/exchanges">Exchanges</Link>;

export function ExchangeDetail({ name }: { name: string }) {
  const trpc = useTRPC();
  const info = useQuery(trpc.exchanges.get.queryOptions({ name }, { refetchInterval: liveUntilNotFound }));
  const isDefault = name === DEFAULT_EXCHANGE;
  // The default exchange's routing keys are the queue names: offered in its publish form.
  const queues = useQuery(trpc.queues.list.queryOptions(undefined, { refetchInterval: LIVE_MS, enabled: isDefault }));

  if (info.isPending) return <Loading what={`exchange ${name}`} />;
  if (info.isError && !info.data) return <UnreadableDetail kind="exchange" name={name} error={info.error} eyebrow={eyebrow} />;
  const { exchange: x, bindings } = info.data!;
  const links = exchangeLinks(name);
  const bound = new Set(bindings.map((b) => b.queue)).size;
  const suggestions = keySuggestions(name, x.type, bindings, queues.data?.map((q) => q.name));

  return (
    <>
      <PageHeading
        eyebrow={eyebrow}
        title={name}
        lede={
          <>
            {typeLede(name, x.type)} ·{' '}
            <Link href={links.history} className="nowrap">
              Message history
            </Link>{' '}
            ·{' '}
            <Link href={links.topology} className="nowrap">
              On the topology
            </Link>
          </>
        }
        actions={
          <>
            <LiveBadge fetching={info.isFetching} failed={info.isError} />
            {/* The broker keeps the default exchange: nothing to delete there. */}
            {!isDefault && <DeleteExchangeButton exchange={name} bindings={x.bindings} />}
          </>
        }
      />
      {info.isError && <ErrorNotice error={info.error} title="The last refresh failed; showing older figures" />}
      <section className="section" aria-labelledby="now-heading">
        <div className="section-heading">
          <h2 id="now-heading">Now</h2>
        </div>
        <StatList
          compact
          stats={[
            { label: 'Type', value: x.type },
            { label: 'Publish', value: formatRate(x.publishRate), hint: 'last minute' },
            isDefault
              ? { label: 'Bindings', value: 'none', hint: DEFAULT_EXCHANGE_META }
              : { label: 'Bindings', value: formatCount(x.bindings), hint: bound === 0 ? 'no queue' : `to ${countOf(bound, 'queue')}` },
          ]}
        />
      </section>
      <div className="grid-2 section">
        <section aria-labelledby="bindings-heading" className="card">
          <h2 id="bindings-heading">Bindings</h2>
          {isDefault ? (
            <>
              <p>
                The default exchange routes by queue name: a message with routing key <code>inventory</code> goes to the queue <code>inventory</code>, if there is one.
                Every queue is reached this way, so there are no bindings to list.
              </p>
              <p>
                <Link href="/queues">The queue list</Link> shows them all.
              </p>
            </>
          ) : (
            <>
              <p className="muted small">{routingWords(name, x.type)}</p>
              <BindingTable exchange={name} type={x.type} bindings={bindings} />
              <BindQueueForm exchange={name} type={x.type} />
            </>
          )}
        </section>
        <section aria-labelledby="publish-heading" className="card">
          <h2 id="publish-heading">Publish a message</h2>
          <ExchangePublishForm exchange={name} type={x.type} suggestions={suggestions} />
        </section>
      </div>
    </>
  );
}
