'use client';

import { keepPreviousData, skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { BrowsedMessage } from '@/server/trpc/schemas';
import { LIVE_MS, useTRPC } from '../trpc/client';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { countOf, formatCount, formatTimestamp, plural } from '../ui/format';
import { replayOutcome } from './replay-outcome';
import { EmptyState, ErrorNotice, Loading, ResultNotice, errorMessage } from '../ui/query-state';
import { DeadLetterTable } from './dead-letter-table';
import { EditReplayDialog } from './edit-replay-dialog';
import { originQueues, PAGE_SIZE, pageCaption, pagerLabels, reasonSummary, replayAllPlan, type PageOrder, discardWarning } from './dead-letter-page';
import { filterRequest, isFiltering, liveSelection, previewedRequest, type DeadLetterFilter } from './replay-selection';
import { useCursorPage } from '../ui/use-cursor-page';
import { focusFirst } from '../ui/focus-return';

type Outcome = { tone: 'success' | 'error'; text: string; origin?: string };

/** One DLQ: the counts by reason, the filter, one page of rows, the selection, and replay / discard. */
export function DlqPanel({
  dlq,
  depth,
  durable,
  order,
  filter,
  onFilter,
  page: wanted,
  onPage,
}: {
  dlq: string;
  depth: number;
  durable: boolean;
  order: PageOrder;
  filter: DeadLetterFilter;
  onFilter: (f: DeadLetterFilter) => void;
  /** The page the URL asks for, 0-based. */
  page: number;
  onPage: (page: number, how: 'push' | 'replace') => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [draft, setDraft] = useState(filter);
  useEffect(() => setDraft(filter), [filter.routingKey, filter.error]); // eslint-disable-line react-hooks/exhaustive-deps
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirm, setConfirm] = useState<null | 'replay-matching' | 'discard-selected'>(null);
  // The preview the confirm dialog asks about, taken when it opened: the count the operator confirms,
  // and the request bounded by the time that count was read, so later arrivals stay in the DLQ.
  const [previewed, setPreviewed] = useState<{ count: number; request: ReturnType<typeof previewedRequest> } | null>(null);
  const confirmed = previewed?.count ?? 0;
  const [editing, setEditing] = useState<BrowsedMessage | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // After a replay or discard, what had focus is gone or disabled: the row's button (its row goes
  // with the next refresh), "Replay selected" (the selection is cleared), the edit dialog. Focus
  // moves to the notice that reports the outcome, not to <body>. An effect, so it runs after a
  // dialog's own unmount has tried to give focus back to its opener.
  const noticeRef = useRef<HTMLDivElement>(null);
  const [settled, setSettled] = useState(0);
  useEffect(() => {
    if (settled > 0) focusFirst(noticeRef.current);
  }, [settled]);

  const filtering = isFiltering(filter);
  const request = filterRequest(filter);
  const pageFilter = 'filter' in request ? request.filter : undefined;
  // The page from the URL; one this panel has not walked to (a reload, a shared link) is sought first.
  const at = useCursorPage<string>({
    scope: ['dead-letters', dlq, order, filter.routingKey, filter.error],
    wanted,
    pageSize: PAGE_SIZE,
    read: async (cursor, limit) => {
      const r = await queryClient.fetchQuery(trpc.deadLetters.page.queryOptions({ dlq, order, limit, cursor, filter: pageFilter }));
      return { rows: r.messages.length, nextCursor: r.nextCursor };
    },
    // A page past the end (a shared link to a queue that has shrunk) shows the last one there is.
    onClamp: (last) => onPage(last, 'replace'),
  });
  // A selection belongs to a page: another page (Back included) starts with nothing selected.
  useEffect(() => setSelected(new Set()), [wanted]);
  const page = useQuery(
    trpc.deadLetters.page.queryOptions(at.ready ? { dlq, order, limit: PAGE_SIZE, cursor: at.cursor, filter: pageFilter } : skipToken, {
      refetchInterval: LIVE_MS,
      placeholderData: keepPreviousData,
    }),
  );
  const shown = useMemo(() => page.data?.messages ?? [], [page.data]);
  const total = page.data?.total ?? depth;
  const counts = page.data?.counts ?? [];
  const origins = originQueues(counts);
  const plan = replayAllPlan({ matching: page.data?.matching ?? 0, total, filtering, durable });
  const chosen = liveSelection(selected, shown);
  const pager = pagerLabels(order);
  const goTo = (next: number, nextCursor?: string) => {
    if (nextCursor !== undefined) at.remember(next, nextCursor);
    onPage(next, 'push');
  };
  const refresh = () => queryClient.invalidateQueries(trpc.deadLetters.pathFilter()).then(() => queryClient.invalidateQueries(trpc.queues.pathFilter()));

  const replay = useMutation(
    trpc.deadLetters.replay.mutationOptions({
      onSuccess: (r, input) => {
        const origin = input.ids?.length ? shown.find((m) => m.id === input.ids![0])?.death?.queue : origins.length === 1 ? origins[0] : undefined;
        setOutcome({ ...replayOutcome(r, origin, input.ids?.length ? undefined : confirmed), origin });
        setSelected(new Set());
        setConfirm(null);
        setEditing(null);
        setSettled((n) => n + 1);
        void refresh();
      },
      onError: (e) => setOutcome({ tone: 'error', text: `Replay failed: ${errorMessage(e, 'action')}` }),
    }),
  );
  const discard = useMutation(
    trpc.deadLetters.discard.mutationOptions({
      onSuccess: (r) => {
        setOutcome({ tone: 'success', text: `Discarded ${countOf(r.discarded, 'message')}.` });
        setSelected(new Set());
        setConfirm(null);
        setSettled((n) => n + 1);
        void refresh();
      },
      onError: (e) => setOutcome({ tone: 'error', text: `Discard failed: ${errorMessage(e, 'action')}` }),
    }),
  );
  const busy = replay.isPending || discard.isPending;

  return (
    <section aria-labelledby={`${id}-h`}>
      <div className="section-heading">
        <h2 id={`${id}-h`}>
          <Link href={`/queues/${encodeURIComponent(dlq)}`}>{dlq}</Link>
        </h2>
        <p className="muted small" style={{ margin: 0 }} data-testid="dlq-count">
          {countOf(total, 'dead letter')}
          {counts.length > 0 && ` · ${reasonSummary(counts)}`}
          {origins.length > 0 && (
            <>
              {' '}· from {origins.map((o, i) => (
                <span key={o}>
                  {i > 0 && ', '}
                  <Link href={`/queues/${encodeURIComponent(o)}`}>{o}</Link>
                </span>
              ))}
            </>
          )}
        </p>
      </div>

      {outcome && (
        <ResultNotice ref={noticeRef} tone={outcome.tone} onDismiss={() => setOutcome(null)}>
          <p>
            {outcome.text}{' '}
            {outcome.origin && (
              <>
                <OriginDepth queue={outcome.origin} /> <Link href={`/queues/${encodeURIComponent(outcome.origin)}`}>Open {outcome.origin}</Link>
              </>
            )}
          </p>
        </ResultNotice>
      )}
      {page.isError && <ErrorNotice error={page.error} title={page.data ? 'The last refresh failed; showing older rows' : `Could not read ${dlq}`} />}

      {at.seekError ? (
        <ErrorNotice error={at.seekError} title={`Could not find page ${wanted + 1} of ${dlq}`} polled={false} />
      ) : page.isPending ? (
        <Loading what={at.ready ? `the dead letters of ${dlq}` : `page ${wanted + 1} of ${dlq}`} />
      ) : total === 0 && !page.isError ? (
        <EmptyState title={`${dlq} is empty`}>
          <p>Nothing has failed here. Messages arrive when a consumer nacks them on their last attempt, rejects them, or they expire.</p>
        </EmptyState>
      ) : (
        <>
          <form
            className="card form"
            onSubmit={(e) => {
              e.preventDefault();
              onFilter(draft);
            }}
            aria-label="Filter dead letters"
          >
            <div className="form-row">
              <div className="field field--grow">
                <label htmlFor={`${id}-rk`}>Routing key (exact)</label>
                <input id={`${id}-rk`} className="input" value={draft.routingKey} onChange={(e) => setDraft({ ...draft, routingKey: e.target.value })} placeholder="order.completed" />
              </div>
              <div className="field field--grow">
                <label htmlFor={`${id}-err`}>Last error contains</label>
                <input id={`${id}-err`} className="input" value={draft.error} onChange={(e) => setDraft({ ...draft, error: e.target.value })} placeholder="timeout" />
              </div>
              <div className="button-row">
                <button type="submit" className="button button--quiet">Apply filter</button>
                {filtering && (
                  <button type="button" className="button button--quiet" onClick={() => onFilter({ routingKey: '', error: '' })}>
                    Clear
                  </button>
                )}
              </div>
            </div>
            <div className="button-row">
              <p className="small" style={{ margin: 0, marginRight: 'auto' }} aria-live="polite" data-testid="replay-preview">
                {filtering ? (
                  <>
                    <strong>{formatCount(plan.moves)}</strong> of {formatCount(total)} match this filter, in the whole queue.
                  </>
                ) : (
                  <>No filter: a replay of all moves <strong>{formatCount(plan.moves)}</strong> {plural(plan.moves, 'message')}, on every page.</>
                )}
                {plan.notes.map((n) => (
                  <span key={n} className="muted"> {n}</span>
                ))}
              </p>
              <button
                type="button"
                className="button"
                // Placeholder rows are another page's or filter's: their count is not this preview.
                disabled={busy || plan.moves === 0 || !page.data || page.isPlaceholderData}
                onClick={() => {
                  if (!page.data) return;
                  setPreviewed({ count: plan.moves, request: previewedRequest(filter, page.data.readAt) });
                  setConfirm('replay-matching');
                }}
              >
                {plan.button}
              </button>
              <button type="button" className="button button--quiet" disabled={busy || chosen.length === 0} onClick={() => replay.mutate({ dlq, ids: chosen })}>
                Replay selected ({chosen.length})
              </button>
              <button type="button" className="button button--danger-quiet" disabled={busy || chosen.length === 0} onClick={() => setConfirm('discard-selected')}>
                Discard selected ({chosen.length})…
              </button>
            </div>
          </form>

          {shown.length === 0 ? (
            wanted > 0 ? (
              <EmptyState title="Nothing left on this page">
                <p>These dead letters were replayed or discarded meanwhile.</p>
                <button type="button" className="button button--quiet" onClick={() => goTo(0)}>
                  Back to the first page
                </button>
              </EmptyState>
            ) : (
              <EmptyState title="No dead letter matches this filter">
                <p>Clear the filter, or check the routing key: it must match exactly.</p>
              </EmptyState>
            )
          ) : (
            <DeadLetterTable
              messages={shown}
              caption={`${pageCaption({ order, page: wanted, shown: shown.length, total, filtering })} · select rows on this page to replay or discard them together`}
              selected={selected}
              onSelect={setSelected}
              busy={busy}
              onReplay={(id) => replay.mutate({ dlq, ids: [id] })}
              onEdit={setEditing}
            />
          )}
          {(wanted > 0 || page.data?.nextCursor) && (
            <nav className="button-row" aria-label={`Pages of ${dlq}`} style={{ marginTop: '0.75rem' }}>
              <button type="button" className="button button--quiet" disabled={wanted === 0 || page.isPlaceholderData} onClick={() => goTo(wanted - 1)}>
                {pager.back}
              </button>
              <span className="muted small">Page {wanted + 1}</span>
              <button
                type="button"
                className="button button--quiet"
                disabled={!page.data?.nextCursor || page.isPlaceholderData}
                onClick={() => goTo(wanted + 1, page.data!.nextCursor!)}
              >
                {pager.forward}
              </button>
            </nav>
          )}
        </>
      )}

      <ConfirmDialog
        open={confirm === 'replay-matching'}
        title={filtering ? 'Replay the matching dead letters?' : `Replay all of ${dlq}?`}
        confirmLabel={`Replay ${formatCount(confirmed)}`}
        busy={replay.isPending}
        onConfirm={() => previewed && replay.mutate({ dlq, ...previewed.request })}
        onCancel={() => setConfirm(null)}
      >
        <p>
          The {formatCount(confirmed)} {filtering ? 'matching ' : ''}{confirmed === 1 ? 'dead letter' : 'dead letters'} counted in the preview{' '}
          {confirmed === 1 ? 'goes' : 'go'} back to the queue {confirmed === 1 ? 'it' : 'they'} died in, from every page of {dlq}, not only the one shown, with attempts
          reset and correlation IDs kept.
        </p>
        {previewed && (
          <p className="muted small" data-testid="replay-bound">
            Dead letters that arrive after the preview (read at {formatTimestamp(previewed.request.filter.arrivedBy)}) stay in {dlq}. Any of the {formatCount(confirmed)} replayed,
            discarded or leased by a receive meanwhile are not moved; the result says how many.
          </p>
        )}
        {plan.notes.map((n) => (
          <p key={n} className="muted small">{n}</p>
        ))}
        {filtering && (
          <p className="muted small">
            Filter: {filter.routingKey && <>routing key <code>{filter.routingKey}</code> </>}
            {filter.error && <>error containing <code>{filter.error}</code></>}
          </p>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'discard-selected'}
        title={`Discard ${countOf(chosen.length, 'dead letter')}?`}
        confirmLabel="Discard"
        danger
        busy={discard.isPending}
        onConfirm={() => discard.mutate({ dlq, ids: chosen })}
        onCancel={() => setConfirm(null)}
      >
        <p>{discardWarning(chosen.length, dlq)}</p>
      </ConfirmDialog>
      {editing && (
        <EditLoader
          message={editing}
          busy={replay.isPending}
          error={replay.isError ? errorMessage(replay.error, 'action') : null}
          onCancel={() => setEditing(null)}
          onReplay={(edit) => replay.mutate({ dlq, ids: [editing.id], edit })}
        />
      )}
    </section>
  );
}

/** Page rows carry cut bodies: a cut one is read in full before the edit dialog opens. */
function EditLoader(props: Omit<Parameters<typeof EditReplayDialog>[0], 'message'> & { message: BrowsedMessage }) {
  const trpc = useTRPC();
  const cut = props.message.truncated;
  const full = useQuery(trpc.messages.get.queryOptions({ id: props.message.id }, { enabled: cut, staleTime: Infinity }));
  if (!cut) return <EditReplayDialog {...props} />;
  if (full.isPending) return <Loading what="the message body" />;
  const message = full.data ? { ...props.message, body: full.data.body, truncated: full.data.truncated, size: full.data.size } : props.message;
  return <EditReplayDialog {...props} message={message} />;
}

/** The origin queue's live depth, so the operator sees the replayed message arrive there. */
function OriginDepth({ queue }: { queue: string }) {
  const trpc = useTRPC();
  const info = useQuery(trpc.queues.get.queryOptions({ name: queue }, { refetchInterval: LIVE_MS }));
  if (!info.data) return null;
  return (
    <span data-testid="origin-depth">
      {queue} now has {formatCount(info.data.ready)} ready and {formatCount(info.data.inFlight)} in flight.
    </span>
  );
}
