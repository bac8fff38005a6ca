'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { MessageFields, useMessageDraft } from '../publish/message-fields';
import { PublishedNotice, PublishFailure } from '../publish/publish-outcome';
import { useTRPC } from '../trpc/client';
import { publishNoticeHolds } from './publish-notice';
import type { Durability } from './tier-promise';

/**
 * Publishes a test message straight to the queue (default exchange, routing key = queue name).
 * `purges`: how many purges of this queue the page has seen succeed; one after the publish clears
 * its "Published …" notice.
 */
export function PublishForm({ queue, durability, purges = 0 }: { queue: string; durability?: Durability; purges?: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const draft = useMessageDraft();
  const [purgesAtSend, setPurgesAtSend] = useState(purges);
  const publish = useMutation(
    trpc.queues.publish.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.queues.pathFilter()),
    }),
  );

  function submit(e: React.FormEvent) {
    e.preventDefault();
    publish.reset(); // a new attempt: the last one's notice goes, whatever this one's outcome
    const message = draft.check();
    if (!message) return;
    setPurgesAtSend(purges);
    publish.mutate({ queue, ...message });
  }

  return (
    <form className="form" onSubmit={submit} aria-describedby={`${id}-hint`}>
      <p id={`${id}-hint`} className="muted small" style={{ margin: 0 }}>
        Sent through the default exchange with routing key <code>{queue}</code>; consumers receive it like any other message.
      </p>
      <MessageFields id={id} draft={draft} />
      {publish.isError && <PublishFailure error={publish.error} durability={durability} onDismiss={() => publish.reset()} />}
      {publish.isSuccess && publishNoticeHolds(purgesAtSend, purges) && <PublishedNotice sent={publish.data} onDismiss={() => publish.reset()} />}
      <div>
        <button type="submit" className="button" disabled={publish.isPending}>
          {publish.isPending ? 'Publishing…' : 'Publish test message'}
        </button>
      </div>
    </form>
  );
}
