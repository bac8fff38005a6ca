'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { MessageFields, useMessageDraft } from '../publish/message-fields';
import { PublishedNotice, PublishFailure } from '../publish/publish-outcome';
import { DEFAULT_EXCHANGE } from '../topology/topology-marks';
import { useTRPC } from '../trpc/client';
import { routingKeyProblem, usesRoutingKey, type ExchangeType } from './exchange-routing';

/** The routing key field's hint: what the key means to this exchange. */
function keyHint(exchange: string, type: ExchangeType) {
  if (exchange === DEFAULT_EXCHANGE) return <>The name of the queue to deliver to.</>;
  if (type === 'topic') return <>Dot-separated words, matched against the binding patterns.</>;
  if (type === 'direct') return <>Matched exactly against the binding keys.</>;
  return <>Ignored by a {type} exchange, but kept with the message (its trace and history show it).</>;
}

/**
 * Publishes a message to the exchange as a client would (not mandatory): the answer says which
 * queues its bindings gave it to, or that none did. `suggestions`: routing keys to offer.
 */
export function ExchangePublishForm({ exchange, type, suggestions }: { exchange: string; type: ExchangeType; suggestions: string[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const draft = useMessageDraft();
  const [routingKey, setRoutingKey] = useState('');
  const publish = useMutation(
    trpc.exchanges.publish.mutationOptions({
      onSuccess: () => Promise.all([queryClient.invalidateQueries(trpc.exchanges.pathFilter()), queryClient.invalidateQueries(trpc.queues.pathFilter())]),
    }),
  );

  function submit(e: React.FormEvent) {
    e.preventDefault();
    publish.reset(); // a new attempt: the last one's notice goes, whatever this one's outcome
    const keyProblem = routingKeyProblem(routingKey);
    const message = draft.check(keyProblem ? [keyProblem] : []);
    if (!message) return;
    publish.mutate({ exchange, routingKey, ...message });
  }

  const byHeaders = type === 'headers';
  return (
    <form className="form" onSubmit={submit} aria-describedby={`${id}-hint`}>
      <p id={`${id}-hint`} className="muted small" style={{ margin: 0 }}>
        Published to <code>{exchange}</code> as a client would; consumers of the queues it reaches receive it like any other message.
      </p>
      <div className="field">
        <label htmlFor={`${id}-key`}>Routing key{usesRoutingKey(type) ? '' : ' (optional)'}</label>
        <input
          id={`${id}-key`}
          className="input mono"
          value={routingKey}
          onChange={(e) => setRoutingKey(e.target.value)}
          placeholder={suggestions[0] ?? (exchange === DEFAULT_EXCHANGE ? 'a queue name' : 'order.created')}
          list={suggestions.length > 0 ? `${id}-keys` : undefined}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={`${id}-key-hint`}
        />
        {suggestions.length > 0 && (
          <datalist id={`${id}-keys`}>
            {suggestions.map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
        )}
        <span id={`${id}-key-hint`} className="hint">
          {keyHint(exchange, type)}
        </span>
      </div>
      <MessageFields id={id} draft={draft} headersFirst={byHeaders} headersHint={byHeaders ? 'The bindings match these, names in any case.' : undefined} />
      {publish.isError && <PublishFailure error={publish.error} to="exchange" onDismiss={() => publish.reset()} />}
      {publish.isSuccess && <PublishedNotice sent={publish.data} linkQueues onDismiss={() => publish.reset()} />}
      <div>
        <button type="submit" className="button" disabled={publish.isPending}>
          {publish.isPending ? 'Publishing…' : 'Publish message'}
        </button>
      </div>
    </form>
  );
}
