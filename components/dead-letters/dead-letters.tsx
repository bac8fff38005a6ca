'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';
import { depthOf } from '../queues/queue-signals';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { countOf, formatCount } from '../ui/format';
import { EmptyState, ErrorNotice, LiveBadge, Loading } from '../ui/query-state';
import { pageParam, parsePageParam } from '../ui/cursor-pages';
import { parseOrder } from './dead-letter-page';
import { chooseDlq } from './dlq-choice';
import { DlqPanel } from './dlq-panel';

/**
 * Dead-letter queues (`*.dlq`): a light list of them for the picker, and one page of the selected
 * one, the only rows polled. The selected queue, order, filter and page live in the URL. The
 * queue shown changes only when the operator picks another (dlq-choice.ts).
 */
export function DeadLetters() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const list = useQuery(trpc.deadLetters.queues.queryOptions(undefined, { refetchInterval: LIVE_MS }));

  // A page is a place to come Back to (push); the picker, order and filter change it in place.
  const setParams = (next: Record<string, string>, how: 'push' | 'replace' = 'replace') => {
    const p = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(next)) if (v) p.set(k, v); else p.delete(k);
    const query = p.toString();
    router[how](query ? `${pathname}?${query}` : pathname, { scroll: false });
  };

  const requested = params.get('queue');
  const all = list.data ?? [];
  // The DLQ picked when the URL named none, kept: later polls must not pick another one.
  const [picked, setPicked] = useState<string | null>(null);
  const kept = picked && all.some((d) => d.name === picked) ? picked : null;
  const choice = chooseDlq(all.map((d) => ({ name: d.name, depth: depthOf(d) })), requested || kept);
  const shownName = choice.kind === 'shown' ? choice.name : null;
  useEffect(() => {
    if (requested || !shownName) return;
    setPicked(shownName);
    // Into the URL at once (replacing this entry, no round trip), so a reload and Back keep it.
    const p = new URLSearchParams(window.location.search);
    p.set('queue', shownName);
    window.history.replaceState(null, '', `${pathname}?${p.toString()}`);
  }, [requested, shownName, pathname]);

  if (list.isPending) return <Loading what="dead-letter queues" />;
  if (list.isError && !list.data) return <ErrorNotice error={list.error} title="Could not read the dead-letter queues" />;
  const dlqs = list.data ?? [];
  if (dlqs.length === 0) {
    return (
      <EmptyState title="No dead-letter queues">
        <p>
          Every queue declared with the default settings gets one, named <code>&lt;queue&gt;.dlq</code>. Declare a queue with{' '}
          <code>PUT /v1/queues/&lt;name&gt;</code> and its DLQ appears here.
        </p>
      </EmptyState>
    );
  }
  const total = dlqs.reduce((n, d) => n + depthOf(d), 0);
  const order = parseOrder(params.get('order'));
  const filter = { routingKey: params.get('routingKey') ?? '', error: params.get('error') ?? '' };
  const page = parsePageParam(params.get('page'));
  const selected = choice.kind === 'shown' ? dlqs.find((d) => d.name === choice.name) : undefined;

  return (
    <>
      <div className="toolbar">
        <div className="field">
          <label htmlFor="dlq-select">Dead-letter queue</label>
          <select id="dlq-select" className="select" value={selected?.name ?? ''} onChange={(e) => setParams({ queue: e.target.value, routingKey: '', error: '', page: '' })}>
            {!selected && (
              <option value="" disabled>
                Choose one
              </option>
            )}
            {dlqs.map((d) => (
              <option key={d.name} value={d.name}>
                {d.name} ({formatCount(depthOf(d))})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="dlq-order">Order</label>
          <select id="dlq-order" className="select" value={order} onChange={(e) => setParams({ order: e.target.value === 'oldest' ? 'oldest' : '', page: '' })}>
            <option value="newest">Newest failures first</option>
            <option value="oldest">Oldest first</option>
          </select>
        </div>
        <p className="muted small" style={{ margin: 0 }}>
          {countOf(total, 'dead letter')} in {countOf(dlqs.length, 'dead-letter queue')}
        </p>
        <LiveBadge fetching={list.isFetching} failed={list.isError} />
      </div>
      {list.isError && <ErrorNotice error={list.error} title="The last refresh failed; showing older figures" />}
      {choice.kind === 'missing' && (
        <EmptyState title={choice.notDlq ? `“${choice.requested}” is not a dead-letter queue` : `There is no dead-letter queue named “${choice.requested}”`}>
          <p>
            {choice.notDlq ? (
              <>
                Dead-letter queues are named <code>&lt;queue&gt;.dlq</code>.{' '}
                {choice.suggestion && (
                  <>
                    Did you mean <Link href={`${pathname}?queue=${encodeURIComponent(choice.suggestion)}`}>{choice.suggestion}</Link>?{' '}
                  </>
                )}
              </>
            ) : (
              <>It may have been deleted with its queue, or the link is wrong. </>
            )}
            Pick a dead-letter queue above; nothing is replayed or discarded until you do.
          </p>
        </EmptyState>
      )}
      {selected && (
        <DlqPanel
          // A new queue, order or filter starts again (the URL's page is cleared with it), with nothing selected.
          key={`${selected.name}|${order}|${filter.routingKey}|${filter.error}`}
          dlq={selected.name}
          depth={depthOf(selected)}
          durable={selected.settings.durability !== 'memory'}
          order={order}
          filter={filter}
          onFilter={(f) => setParams({ routingKey: f.routingKey.trim(), error: f.error.trim(), page: '' })}
          page={page}
          onPage={(n, how) => setParams({ page: pageParam(n) }, how)}
        />
      )}
    </>
  );
}
