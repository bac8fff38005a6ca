'use client';

import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useId, useMemo, useState } from 'react';
import { useTRPC } from '../trpc/client';
import { formatBytes, formatTimestamp, shortId } from '../ui/format';
import { EmptyState, ErrorNotice, Loading } from '../ui/query-state';
import { base64ToBytes, bodyPreview } from './body-format';
import { fieldsFromParams, hasCriteria, paramsFromFields, resultsCaption, resultsProblem, searchSubmit, toSearchInput, type SearchFields } from './search-query';
import { FieldErrors } from '../ui/field-errors';
import { deadLetterSearchAdvice } from './dead-letter-search';
import { TableScroll } from '../ui/table-scroll';

const PAGE = 50;

export function MessageSearch() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  const fromUrl = useMemo(() => fieldsFromParams(new URLSearchParams(query)), [query]);
  const [fields, setFields] = useState<SearchFields>(fromUrl);
  // Back and Forward change the address, not the form: show the search being displayed.
  const [shownQuery, setShownQuery] = useState(query);
  if (shownQuery !== query) {
    setShownQuery(query);
    setFields(fromUrl);
  }
  const [problems, setProblems] = useState<string[]>([]);
  const id = useId();
  const { input, errors } = useMemo(() => toSearchInput(fromUrl), [fromUrl]);

  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Each new search is a history entry, so Back returns to the one before; the same search again
  // adds none and refreshes the results instead (its address alone would fetch nothing).
  const go = (next: string) => {
    const href = next ? `${pathname}?${next}` : pathname;
    if (searchSubmit(next, query) === 'push') router.push(href, { scroll: false });
    else void queryClient.refetchQueries(trpc.messages.search.pathFilter());
  };
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const checked = toSearchInput(fields);
    setProblems(checked.errors);
    if (checked.errors.length > 0) return;
    go(paramsFromFields(fields).toString());
  };
  const set = (k: keyof SearchFields) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => setFields({ ...fields, [k]: e.target.value });
  const field = (k: keyof SearchFields, label: string, placeholder: string, type = 'text', maxLength?: number) => (
    <div className="field field--grow">
      <label htmlFor={`${id}-${k}`}>{label}</label>
      <input
        id={`${id}-${k}`}
        className={`input ${type === 'text' ? 'mono' : ''}`}
        type={type}
        value={fields[k]}
        onChange={set(k)}
        placeholder={placeholder}
        maxLength={maxLength}
      />
    </div>
  );

  return (
    <>
      <form className="card form" role="search" onSubmit={submit} aria-label="Search messages">
        <div className="form-row">
          {/* a correlation ID is at most 255 characters (the API refuses longer) */}
          {field('correlationId', 'Correlation ID', 'c0ffee…', 'text', 255)}
          {field('id', 'Message ID', '0190a1b2-…')}
        </div>
        <div className="form-row">
          {field('routingKey', 'Routing key', 'order.completed')}
          {field('exchange', 'Exchange', 'orders')}
          {field('queue', 'Routed to queue', 'inventory')}
        </div>
        <div className="form-row form-row--top">
          <div className="field field--grow">
            <label htmlFor={`${id}-headers`}>Header value</label>
            <input id={`${id}-headers`} className="input mono" value={fields.headers} onChange={set('headers')} placeholder="tenant:acme" aria-describedby={`${id}-hh`} />
            <span id={`${id}-hh`} className="hint">
              <code>name:value</code>; several separated by commas must all match.
            </span>
          </div>
          {field('from', 'Published from', '', 'datetime-local')}
          {field('to', 'Published to', '', 'datetime-local')}
        </div>
        <FieldErrors problems={problems} />
        <div className="button-row">
          <button type="submit" className="button">
            Search
          </button>
          <button type="button" className="button button--quiet" onClick={() => (setFields(fieldsFromParams(new URLSearchParams())), setProblems([]), go(''))}>
            Clear
          </button>
          <span className="muted small">Newest first. The address bar keeps the search: copy it to share.</span>
        </div>
      </form>
      <section className="section" style={{ marginTop: '1.5rem' }} aria-labelledby={`${id}-results`}>
        <h2 id={`${id}-results`}>{hasCriteria(input) ? 'Results' : 'Latest messages'}</h2>
        {errors.length > 0 ? <ErrorNotice error={{ message: errors.join('; ') }} title="This search address has a problem" /> : <Results input={input} />}
      </section>
    </>
  );
}

function Results({ input }: { input: ReturnType<typeof toSearchInput>['input'] }) {
  const trpc = useTRPC();
  const results = useInfiniteQuery(
    trpc.messages.search.infiniteQueryOptions(
      { ...input, limit: PAGE },
      { getNextPageParam: (last) => last.nextCursor ?? undefined, placeholderData: keepPreviousData },
    ),
  );
  const problem = resultsProblem({ isError: results.isError, hasData: !!results.data, isFetchNextPageError: results.isFetchNextPageError });
  if (results.isPending) return <Loading what="messages" />;
  if (results.isError && !results.data) return <ErrorNotice error={results.error} title={problem!} polled={false} />;
  const messages = results.data?.pages.flatMap((p) => p.messages) ?? [];
  if (messages.length === 0) {
    if (deadLetterSearchAdvice(input.queue, new URLSearchParams())) return <NoDeadLetterMatch queue={input.queue!} />;
    return (
      <EmptyState title={hasCriteria(input) ? 'No message matches' : 'No messages stored yet'}>
        <p>{hasCriteria(input) ? 'Loosen the search: routing keys and header values must match exactly.' : 'Publish one and it shows up here.'}</p>
      </EmptyState>
    );
  }
  return (
    <>
      {problem && <ErrorNotice error={results.error} title={problem} polled={false} />}
      <TableScroll label="Search results">
        <table className="table">
          <caption>{resultsCaption(messages.length, results.hasNextPage)}</caption>
          <thead>
            <tr>
              <th scope="col">Message</th>
              <th scope="col">Published</th>
              <th scope="col">Exchange</th>
              <th scope="col">Routing key</th>
              <th scope="col">Routed to</th>
              <th scope="col">Correlation</th>
              <th scope="col">Body</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id}>
                <td className="mono nowrap">
                  <Link href={`/messages/${m.id}`} title={m.id}>
                    {shortId(m.id)}
                  </Link>
                </td>
                <td className="nowrap">{formatTimestamp(m.publishedAt)}</td>
                {/* The real name, so it can be searched as shown. */}
                <td className="nowrap" title={m.exchange === 'amq.default' ? 'the default exchange: straight to the queue named by the routing key' : undefined}>
                  {m.exchange}
                </td>
                <td className="mono">{m.routingKey}</td>
                <td>{m.routedTo.join(', ') || <span className="event-type--error">nowhere</span>}</td>
                <td className="mono nowrap">
                  <Link href={`/traces/${encodeURIComponent(m.correlationId)}`} title={m.correlationId}>
                    {shortId(m.correlationId)}
                  </Link>
                </td>
                <td>
                  <span className="truncate mono">{bodyPreview(base64ToBytes(m.body), m.contentType, 48)}</span>{' '}
                  <span className="muted small nowrap">{formatBytes(m.size)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {results.hasNextPage && (
        <p>
          <button type="button" className="button button--quiet" onClick={() => results.fetchNextPage()} disabled={results.isFetchingNextPage}>
            {results.isFetchingNextPage ? 'Loading…' : 'Load older messages'}
          </button>
        </p>
      )}
    </>
  );
}

/**
 * Nothing found "routed to" a dead-letter queue: dead-lettered messages keep the queues they were
 * first routed to (dead-letter-search.ts), so say where they are found instead of "loosen the search".
 */
function NoDeadLetterMatch({ queue }: { queue: string }) {
  const trpc = useTRPC();
  const params = useSearchParams();
  const list = useQuery(trpc.queues.list.queryOptions());
  const advice = deadLetterSearchAdvice(queue, new URLSearchParams(params.toString()), list.data?.map((q) => q.name))!;
  return (
    <EmptyState title="No message matches">
      <p>
        <code>{advice.dlq}</code> is a dead-letter queue. A dead-lettered message keeps the queues it was first routed to, so it is found by its original
        queue{advice.origin ? <> (<code>{advice.origin}</code>)</> : ''}, not by the DLQ.
      </p>
      <p>
        <Link href={advice.deadLettersHref}>Open {advice.dlq} on the Dead letters page</Link>
        {advice.originSearchHref && (
          <>
            {' '}· <Link href={advice.originSearchHref}>Search by {advice.origin} instead</Link>
          </>
        )}
      </p>
    </EmptyState>
  );
}
