'use client';

import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useId, useMemo, useState } from 'react';
import { localToIso } from '../messages/search-query';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { formatCount, formatTimestamp } from '../ui/format';
import { EmptyState, ErrorNotice, Loading, ResultNotice, errorMessage } from '../ui/query-state';
import { HistoryChart } from './history-chart';
import { boundedReplayTo, rangeReplayOutcome } from './replay-range';
import { HISTORY_RANGES, historySeries, historyWindow, replayTargets, toLocalInput, type HistoryRange } from './history-series';
import { FieldErrors } from '../ui/field-errors';

export function HistoryView() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const exchanges = useQuery(trpc.exchanges.list.queryOptions(undefined, { refetchInterval: 10_000 }));
  const names = (exchanges.data ?? []).map((x) => x.name).sort((a, b) => (a === 'amq.default' ? 1 : b === 'amq.default' ? -1 : a.localeCompare(b)));
  const exchange = params.get('exchange') ?? names[0] ?? '';
  const rangeParam = params.get('range');
  const range: HistoryRange = rangeParam === 'day' || rangeParam === 'week' ? rangeParam : 'hour';
  const setParams = (next: Record<string, string>) => {
    const p = new URLSearchParams(params.toString());
    for (const [k, v] of Object.entries(next)) p.set(k, v);
    router.replace(`${pathname}?${p.toString()}`, { scroll: false });
  };

  if (exchanges.isPending) return <Loading what="exchanges" />;
  if (exchanges.isError && !exchanges.data) return <ErrorNotice error={exchanges.error} title="Could not list the exchanges" />;
  if (names.length === 0) {
    return (
      <EmptyState title="No exchanges">
        <p>Declare one with <code>PUT /v1/exchanges/&lt;name&gt;</code> and publish to it; its volume shows here.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <div className="toolbar">
        <div className="field">
          <label htmlFor="history-exchange">Exchange</label>
          <select id="history-exchange" className="select" value={exchange} onChange={(e) => setParams({ exchange: e.target.value })}>
            {!names.includes(exchange) && <option value={exchange}>{exchange} (not found)</option>}
            {names.map((n) => (
              <option key={n} value={n}>
                {n === 'amq.default' ? 'amq.default (straight to queues)' : n}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <span className="label" id="range-label">Range</span>
          <div className="segmented" role="group" aria-labelledby="range-label">
            {(Object.keys(HISTORY_RANGES) as HistoryRange[]).map((r) => (
              <button key={r} type="button" aria-pressed={range === r} onClick={() => setParams({ range: r })}>
                {HISTORY_RANGES[r].label}
              </button>
            ))}
          </div>
        </div>
      </div>
      <Volume exchange={exchange} range={range} />
      <ReplayForm key={`${exchange}-${range}`} exchange={exchange} range={range} />
    </>
  );
}

function Volume({ exchange, range }: { exchange: string; range: HistoryRange }) {
  const trpc = useTRPC();
  // A new window each minute is enough for a chart bucketed by the minute or more.
  const minute = Math.floor(Date.now() / 60_000);
  const window = useMemo(() => historyWindow(range, (minute + 1) * 60_000), [range, minute]);
  const volume = useQuery(trpc.history.volume.queryOptions({ exchange, ...window }, { refetchInterval: range === 'hour' ? LIVE_MS * 5 : 60_000 }));
  const series = useMemo(() => historySeries(volume.data ?? [], window), [volume.data, window]);
  return (
    <section className="section" aria-labelledby="volume-heading">
      <div className="section-heading">
        <h2 id="volume-heading">Messages per routing key</h2>
        {volume.data && <span className="muted small">{formatCount(series.total)} messages, {HISTORY_RANGES[range].bucket} buckets</span>}
      </div>
      <div className="card">
        {volume.isPending ? (
          <Loading what="history" />
        ) : volume.isError && !volume.data ? (
          <ErrorNotice error={volume.error} title="Could not read the history" />
        ) : series.total === 0 ? (
          <EmptyState title={`Nothing stored for ${exchange} in this range`}>
            <p>
              Pick a longer range, or publish to the exchange. Messages that reach only memory-tier queues are not stored, so the
              history does not count them.
            </p>
          </EmptyState>
        ) : (
          <HistoryChart series={series} label={`Messages published to ${exchange} per routing key, ${HISTORY_RANGES[range].label.toLowerCase()}`} />
        )}
      </div>
    </section>
  );
}

interface ReplayRequest {
  exchange: string;
  from: string;
  to: string;
  routingKey?: string;
  target: { queue: string };
}

function ReplayForm({ exchange, range }: { exchange: string; range: HistoryRange }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const queues = useQuery(trpc.queues.list.queryOptions());
  const now = Date.now();
  const [from, setFrom] = useState(toLocalInput(now - HISTORY_RANGES[range].ms));
  const [to, setTo] = useState(toLocalInput(now + 60_000));
  const [routingKey, setRoutingKey] = useState('');
  const [target, setTarget] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  // The replay waiting for the operator's confirmation (the dialog counts what it would re-publish).
  const [pending, setPending] = useState<ReplayRequest | null>(null);
  // The count the operator confirmed, to compare with what the replay moved.
  const [confirmed, setConfirmed] = useState<number | undefined>(undefined);
  const replay = useMutation(
    trpc.history.replay.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.queues.pathFilter()),
      onSettled: () => setPending(null),
    }),
  );
  const targets = replayTargets(queues.data ?? []);

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const f = localToIso(from);
    const t = localToIso(to);
    const errors: string[] = [];
    if (!f || !t) errors.push('Give both times');
    else if (f > t) errors.push('"From" is after "to"');
    if (!target) errors.push('Choose the queue to replay into');
    setProblems(errors);
    if (errors.length > 0) return;
    replay.reset();
    setPending({ exchange, from: f, to: t, routingKey: routingKey.trim() || undefined, target: { queue: target } });
  }

  return (
    <section className="section card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Replay a range into a queue</h2>
      <p className="muted small">
        Re-publishes the messages stored for <strong>{exchange}</strong> in the range, in their original order, as new messages into one queue (for
        example to rebuild a consumer&apos;s state). The originals are not touched. You see how many first, and confirm.
      </p>
      <form className="form" onSubmit={submit}>
        <div className="form-row">
          <div className="field">
            <label htmlFor={`${id}-from`}>From</label>
            <input id={`${id}-from`} type="datetime-local" className="input" value={from} onChange={(e) => setFrom(e.target.value)} required />
          </div>
          <div className="field">
            <label htmlFor={`${id}-to`}>To</label>
            <input id={`${id}-to`} type="datetime-local" className="input" value={to} onChange={(e) => setTo(e.target.value)} required />
          </div>
          <div className="field field--grow">
            <label htmlFor={`${id}-rk`}>Routing key (optional, exact)</label>
            <input id={`${id}-rk`} className="input mono" value={routingKey} onChange={(e) => setRoutingKey(e.target.value)} placeholder="all keys" />
          </div>
          <div className="field field--grow">
            <label htmlFor={`${id}-target`}>Into queue</label>
            <select id={`${id}-target`} className="select" value={target} onChange={(e) => setTarget(e.target.value)} required>
              <option value="">Choose a queue…</option>
              {targets.map((q) => (
                <option key={q}>{q}</option>
              ))}
            </select>
          </div>
        </div>
        <FieldErrors problems={problems} />
        {replay.isError && (
          <ResultNotice tone="error" onDismiss={() => replay.reset()}>
            <p className="alert__title">Replay failed</p>
            <p>{errorMessage(replay.error, 'action')}</p>
          </ResultNotice>
        )}
        {replay.isSuccess && replay.variables && 'queue' in replay.variables.target && (
          <ResultNotice tone="success" onDismiss={() => replay.reset()}>
            <p>{rangeReplayOutcome(replay.data.replayed, replay.variables.target.queue, confirmed)}</p>
            <p>
              <Link href={`/queues/${encodeURIComponent(replay.variables.target.queue)}`}>Open {replay.variables.target.queue}</Link>
            </p>
          </ResultNotice>
        )}
        <div>
          <button type="submit" className="button" disabled={replay.isPending}>
            {replay.isPending ? 'Replaying…' : 'Replay range…'}
          </button>
        </div>
      </form>
      <ConfirmReplay
        request={pending}
        busy={replay.isPending}
        onConfirm={(r, count) => {
          setConfirmed(count);
          replay.mutate(r);
        }}
        onCancel={() => setPending(null)}
      />
    </section>
  );
}

/** States what a range replay would do, counted for this exchange, key and range, before anything is re-published. */
function ConfirmReplay({
  request,
  busy,
  onConfirm,
  onCancel,
}: {
  request: ReplayRequest | null;
  busy: boolean;
  /** Called with the request to send, its `to` bounded by when the count was read, and the count confirmed. */
  onConfirm: (r: ReplayRequest, count: number | undefined) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const count = useQuery(
    trpc.history.replayCount.queryOptions(
      request ? { exchange: request.exchange, from: request.from, to: request.to, routingKey: request.routingKey } : skipToken,
      { staleTime: 0 },
    ),
  );
  const n = count.data?.count;
  const what = n === undefined ? 'messages' : `${formatCount(n)} ${n === 1 ? 'message' : 'messages'}`;
  return (
    <ConfirmDialog
      open={request !== null}
      title={n === undefined ? 'Replay this range?' : n === 0 ? 'Nothing to replay' : `Replay ${what}?`}
      confirmLabel={n === undefined ? 'Replay' : n === 0 ? 'OK' : `Replay ${formatCount(n)}`}
      busy={busy || count.isPending}
      onConfirm={() => (n === 0 ? onCancel() : request && onConfirm({ ...request, to: boundedReplayTo(request.to, count.data?.readAt) }, n))}
      onCancel={onCancel}
    >
      {request && (
        <>
          <p data-testid="replay-count">
            {count.isPending ? (
              'Counting the messages in this range…'
            ) : count.isError ? (
              <>Could not count the messages: {errorMessage(count.error, 'once')}</>
            ) : n === 0 ? (
              <>No message is stored for this exchange{request.routingKey ? ' and routing key' : ''} in this range.</>
            ) : (
              <>
                {what} published to <strong>{request.exchange}</strong>
                {request.routingKey && (
                  <>
                    {' '}
                    with routing key <code>{request.routingKey}</code>
                  </>
                )}{' '}
                are re-published, oldest first, as new messages into queue <strong>{request.target.queue}</strong>.
              </>
            )}
          </p>
          <p className="muted small">
            From {formatTimestamp(request.from)} to {formatTimestamp(count.data ? boundedReplayTo(request.to, count.data.readAt) : request.to)}
            {count.data && boundedReplayTo(request.to, count.data.readAt) !== request.to && ' (when they were counted: later messages are not replayed)'}. The originals stay as they are; each copy keeps its correlation ID.
          </p>
        </>
      )}
    </ConfirmDialog>
  );
}
