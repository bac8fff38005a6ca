'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import type { QueueInfoView } from '@/server/trpc/schemas';
import { useTRPC } from '../trpc/client';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { errorMessage } from '../ui/error-message';
import { useTopologyRefresh } from '../ui/use-topology-refresh';
import { queueDeleteLosses } from './delete-summary';

/**
 * "Delete queue…" on a queue's page. The dialog says what goes (messages, bindings) and what
 * stays (its .dlq), and Delete waits until the name is typed, as GitHub asks for a repository:
 * a page opened on the wrong queue is not deleted by a reflex click.
 */
export function DeleteQueueButton({ queue, dlq }: { queue: QueueInfoView; dlq: string | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const refresh = useTopologyRefresh();
  const id = useId();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  // The bindings that reach it, read when the dialog opens: the queue's own info does not list them.
  const graph = useQuery(trpc.topology.graph.queryOptions(undefined, { enabled: open }));
  const bindingsFrom = graph.data ? graph.data.bindings.filter((b) => b.queue === queue.name).map((b) => b.exchange) : null;
  const remove = useMutation(
    trpc.queues.delete.mutationOptions({
      onSuccess: () => {
        router.push('/queues');
        void refresh({ allQueues: false });
      },
    }),
  );
  return (
    <>
      <button type="button" className="button button--danger-quiet" onClick={() => (remove.reset(), setTyped(''), setOpen(true))}>
        Delete queue…
      </button>
      <ConfirmDialog
        open={open}
        title={`Delete ${queue.name}?`}
        confirmLabel="Delete queue"
        danger
        busy={remove.isPending || remove.isSuccess}
        confirmDisabled={typed !== queue.name}
        onConfirm={() => remove.mutate({ name: queue.name })}
        onCancel={() => setOpen(false)}
      >
        <ul className="plain-list" data-testid="delete-losses">
          {queueDeleteLosses(queue.name, queue, bindingsFrom, dlq).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <div className="field" style={{ marginTop: '1rem' }}>
          <label htmlFor={`${id}-confirm`}>
            Type <strong className="mono">{queue.name}</strong> to confirm
          </label>
          <input
            id={`${id}-confirm`}
            className="input mono"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && typed === queue.name && !remove.isPending) remove.mutate({ name: queue.name });
            }}
          />
        </div>
        {remove.isError && (
          <p role="alert" className="field-errors" style={{ paddingLeft: 0, marginTop: '0.75rem' }}>
            {errorMessage(remove.error, 'action')}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
