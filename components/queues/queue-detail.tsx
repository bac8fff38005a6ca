'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useMemo, useRef, useState } from 'react';
import { StatList } from '../stat-list';
import { LIVE_MS, liveUntilNotFound, useTRPC } from '../trpc/client';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { countOf, formatCount, formatDuration, formatRate } from '../ui/format';
import { PageHeading } from '../ui/page-heading';
import { UnreadableDetail } from '../ui/unreadable-detail';
import { EmptyState, ErrorNotice, LiveBadge, Loading, ResultNotice, errorMessage } from '../ui/query-state';
import { SignalBadges } from '../ui/signal-badges';
import { ConsumerList } from './consumer-list';
import { DepthChart } from './depth-chart';
import { DEPTH_RANGES, depthRangeParam, depthSeries, parseDepthRange, type DepthRange } from './depth-series';
import { MessageBrowser } from './message-browser';
import { PublishForm } from './publish-form';
import { purgeSummary } from './purge-summary';
import { tierPromise } from './tier-promise';
import { DepthTrends } from './depth-trends';
import { DeleteQueueButton } from './delete-queue-button';
import { DEFAULT_SIGNAL_OPTIONS, depthOf, isDeadLetterQueue, isInternalQueue, queueSignals } from './queue-signals';
import type { QueueInfoView } from '@/server/trpc/schemas';
import { deadLetterQueueOf } from '../../server/broker/name-rules';

export function QueueDetail({ name }: { name: string }) {
  const trpc = useTRPC();
  const info = useQuery(trpc.queues.get.queryOptions({ name }, { refetchInterval: liveUntilNotFound }));
  const dlqName = deadLetterQueueOf(name);
  const dlq = useQuery(
    trpc.queues.get.queryOptions({ name: dlqName }, { refetchInterval: LIVE_MS, enabled: !isDeadLetterQueue(name) && !!info.data && info.data.settings.deadLetter !== false && !info.data.settings.deadLetter.exchange, retry: false }),
  );

  // The depth at each poll, for "growing" (the depth must actually rise), as the queue list keeps it; the DLQ's too, for "dead letters rising".
  const trends = useRef(new DepthTrends());
  // Successful purges from this page: the publish form drops a "Published …" notice older than the last one.
  const [purges, setPurges] = useState(0);
  const lastData = useRef<unknown>(null);
  // The stored samples of the last half minute, read once: "growing" from the first look.
  const recent = useQuery(trpc.queues.recentDepths.queryOptions(undefined, { staleTime: Infinity, retry: false }));
  if (info.data && info.data !== lastData.current) {
    lastData.current = info.data;
    trends.current.push(dlq.data ? [info.data, dlq.data] : [info.data]);
  }
  trends.current.seed(recent.data);

  if (info.isPending) return <Loading what={`queue ${name}`} />;
  if (info.isError && !info.data) return <UnreadableDetail kind="queue" name={name} error={info.error} eyebrow={<Link href="/queues">Queues</Link>} />;
  const q = info.data!;
  const internal = isInternalQueue(name);
  const dlqDepth = isDeadLetterQueue(name) ? depthOf(q) : dlq.data ? depthOf(dlq.data) : 0;
  const signals = queueSignals(q, dlqDepth, {
    ...DEFAULT_SIGNAL_OPTIONS,
    depthTrend: trends.current.before(name),
    dlqTrend: dlq.data ? trends.current.before(dlqName) : undefined,
  });

  return (
    <>
      <PageHeading
        eyebrow={<Link href="/queues">Queues</Link>}
        title={name}
        lede={
          <>
            {{ durable: 'Durable', replicated: 'Replicated', memory: 'Memory' }[q.settings.durability]} queue: {tierPromise(q.settings.durability)}
            {internal && (
              <>
                {' '}· the gateway&apos;s own reply queue (<code>amq.</code> names are reserved): the API refuses to purge it or consume from it, and a
                test message would only be taken for a reply, so this page offers neither
              </>
            )}
            {isDeadLetterQueue(name) && (
              <>
                {' '}· dead letters of <Link href={`/queues/${encodeURIComponent(name.slice(0, -4))}`}>{name.slice(0, -4)}</Link> ·{' '}
                <Link href={`/dead-letters?queue=${encodeURIComponent(name)}`}>replay or discard them</Link>
              </>
            )}
          </>
        }
        actions={
          <>
            <LiveBadge fetching={info.isFetching} failed={info.isError} />
            {!internal && <PurgeButton queue={name} counts={q} onPurged={() => setPurges((n) => n + 1)} />}
            {!internal && <DeleteQueueButton queue={q} dlq={dlq.data ? dlqName : null} />}
          </>
        }
      />
      {info.isError && <ErrorNotice error={info.error} title="The last refresh failed; showing older figures" />}
      <section className="section" aria-labelledby="now-heading">
        <div className="section-heading">
          <h2 id="now-heading">Now</h2>
          <SignalBadges signals={signals} empty="no warnings" />
        </div>
        <StatList
          compact
          stats={[
            { label: 'Ready', value: formatCount(q.ready) },
            { label: 'In flight', value: formatCount(q.inFlight) },
            { label: 'Delayed', value: formatCount(q.delayed) },
            { label: 'Consumers', value: formatCount(q.consumers) },
            { label: 'Oldest ready', value: formatDuration(q.oldestReadyAgeMs) },
            { label: 'Publish', value: formatRate(q.publishRate), hint: 'last minute' },
            { label: 'Deliver', value: formatRate(q.deliverRate), hint: 'last minute' },
            { label: 'Ack', value: formatRate(q.ackRate), hint: 'last minute' },
          ]}
        />
        {!isDeadLetterQueue(name) && dlqDepth > 0 && (
          <p>
            <Link href={`/dead-letters?queue=${encodeURIComponent(dlqName)}`}>
              {countOf(dlqDepth, 'dead letter')} in {dlqName}
            </Link>
          </p>
        )}
      </section>
      <section className="section" aria-labelledby="consumers-heading">
        <div className="section-heading">
          <h2 id="consumers-heading">Consumers</h2>
          <span className="muted small">last 30 s, all nodes</span>
        </div>
        <ConsumerList queue={name} />
      </section>
      <section className="section" aria-labelledby="depth-heading">
        <Suspense fallback={<Loading what="depth history" />}>
          <DepthHistory name={name} />
        </Suspense>
      </section>
      <div className={internal ? 'section' : 'grid-2 section'}>
        {!internal && (
          <section aria-labelledby="publish-heading" className="card">
            <h2 id="publish-heading">Publish a test message</h2>
            <PublishForm queue={name} durability={q.settings.durability} purges={purges} />
          </section>
        )}
        <section aria-labelledby="settings-heading" className="card">
          <h2 id="settings-heading">Settings</h2>
          <Settings q={q} />
          <PushSettings queue={name} />
        </section>
      </div>
      <section className="section" aria-labelledby="browse-heading">
        <div className="section-heading">
          <h2 id="browse-heading">Messages</h2>
        </div>
        {/* Keyed by queue: another queue's rows are never kept on show while this one's load. */}
        <MessageBrowser key={name} queue={name} depth={depthOf(q)} />
      </section>
    </>
  );
}

/** The chart's range lives in the URL (`?range=1h`), so a reload, Back or a shared link keeps it. */
function DepthHistory({ name }: { name: string }) {
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const range = parseDepthRange(params.get('range'));
  const minutes = range.minutes;
  const setRange = (r: DepthRange) => {
    const p = new URLSearchParams(params.toString());
    const value = depthRangeParam(r);
    if (value) p.set('range', value);
    else p.delete('range');
    const query = p.toString();
    router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false });
  };
  const history = useQuery(trpc.queues.depthHistory.queryOptions({ name, minutes }, { refetchInterval: LIVE_MS }));
  const points = useMemo(() => depthSeries(history.data ?? []), [history.data]);
  // The window moves with each refresh; read the clock when data arrives, not on every render.
  const to = history.dataUpdatedAt || 0;
  const from = to - minutes * 60_000;
  return (
    <>
      <div className="section-heading">
        <h2 id="depth-heading">Depth over time</h2>
        <div className="segmented" role="group" aria-label="Time range">
          {DEPTH_RANGES.map((r) => (
            <button key={r.key} type="button" aria-pressed={range.key === r.key} onClick={() => setRange(r)}>
              {r.label}
            </button>
          ))}
        </div>
      </div>
      <div className="card">
        {history.isPending ? (
          <Loading what="depth history" />
        ) : history.isError && !history.data ? (
          <ErrorNotice error={history.error} title="Could not read the depth history" />
        ) : points.length === 0 ? (
          <EmptyState title="No depth samples in this range yet">
            <p>The broker samples every queue&apos;s depth periodically; the chart fills in as samples arrive.</p>
          </EmptyState>
        ) : (
          <DepthChart points={points} from={from} to={to} label={`Depth of ${name} over the last ${minutes} minutes: ready, in flight and delayed messages`} />
        )}
      </div>
    </>
  );
}

function Settings({ q }: { q: QueueInfoView }) {
  const s = q.settings;
  const dl = s.deadLetter === false ? 'none (dropped)' : s.deadLetter.exchange ? `exchange ${s.deadLetter.exchange}${s.deadLetter.routingKey ? ` (key ${s.deadLetter.routingKey})` : ''}` : deadLetterQueueOf(q.name);
  return (
    <dl className="kv">
      <dt>Durability</dt>
      <dd>{s.durability}</dd>
      <dt>Max deliveries</dt>
      <dd>{s.maxDeliveries}</dd>
      <dt>Visibility timeout</dt>
      <dd>{formatDuration(s.visibilityTimeoutMs)}</dd>
      <dt>Retry backoff</dt>
      <dd>
        {formatDuration(s.retry.initialDelayMs)} × {s.retry.multiplier}, at most {formatDuration(s.retry.maxDelayMs)}, jitter {Math.round(s.retry.jitter * 100)}%
      </dd>
      <dt>Dead letters</dt>
      <dd>{dl}</dd>
      <dt>Message TTL</dt>
      <dd>{s.messageTtlMs == null ? 'none' : formatDuration(s.messageTtlMs)}</dd>
      <dt>Max length</dt>
      <dd>{s.maxLength == null ? 'none' : formatCount(s.maxLength)}</dd>
    </dl>
  );
}

/** Where the queue is pushed (PUT /v1/queues/{name}/push), if it is: consumers are then that loop. */
function PushSettings({ queue }: { queue: string }) {
  const trpc = useTRPC();
  const push = useQuery(trpc.queues.push.queryOptions({ name: queue }, { refetchInterval: LIVE_MS }));
  if (!push.data) return null;
  const p = push.data;
  return (
    <>
      <h3>Push delivery</h3>
      <dl className="kv">
        <dt>Endpoint</dt>
        <dd>
          <code style={{ overflowWrap: 'anywhere' }}>{p.url}</code>
        </dd>
        <dt>Status</dt>
        <dd>
          {p.status === 'active' ? (
            <>active{p.running ? '' : ' (this node runs no loop for it yet)'}</>
          ) : (
            <strong>disabled{p.disabledReason ? `: ${p.disabledReason}` : ''}</strong>
          )}
        </dd>
        <dt>Requests</dt>
        <dd>
          {p.concurrency} at a time, {formatDuration(p.timeoutMs)} timeout
        </dd>
      </dl>
      {p.status === 'disabled' && (
        <p className="muted small">
          Declare it again (<code>PUT /v1/queues/{queue}/push</code>) to resume; messages wait in the queue meanwhile.
        </p>
      )}
    </>
  );
}

function PurgeButton({
  queue,
  counts,
  onPurged,
}: {
  queue: string;
  counts: Pick<QueueInfoView, 'ready' | 'inFlight' | 'delayed'>;
  onPurged: () => void;
}) {
  const summary = purgeSummary(counts);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const purge = useMutation(
    trpc.queues.purge.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        onPurged();
        void queryClient.invalidateQueries(trpc.queues.pathFilter());
      },
    }),
  );
  return (
    <>
      <button type="button" className="button button--danger-quiet" onClick={() => (purge.reset(), setOpen(true))}>
        Purge…
      </button>
      <ConfirmDialog
        open={open}
        title={`Purge ${queue}?`}
        confirmLabel="Purge queue"
        danger
        busy={purge.isPending}
        onConfirm={() => purge.mutate({ name: queue })}
        onCancel={() => setOpen(false)}
      >
        {summary.count === 0 ? (
          <p>
            <strong>{queue}</strong> is empty now; the purge deletes any message that arrives before you confirm. It cannot be undone.
          </p>
        ) : (
          <p>
            This deletes {summary.count === 1 ? 'the one message' : `all ${countOf(summary.count, 'message')}`} of <strong>{queue}</strong> ({summary.parts}), and
            any that arrive before you confirm. It cannot be undone.
          </p>
        )}
        {summary.inFlightWarning && <p data-testid="purge-in-flight">{summary.inFlightWarning}</p>}
        {purge.isError && <p role="alert" className="field-errors">{errorMessage(purge.error, 'action')}</p>}
      </ConfirmDialog>
      {purge.isSuccess && !open && (
        <div style={{ flexBasis: '100%' }}>
          <ResultNotice tone="success" onDismiss={() => purge.reset()}>
            <p>Purged {countOf(purge.data.purged, 'message')}.</p>
          </ResultNotice>
        </div>
      )}
    </>
  );
}
