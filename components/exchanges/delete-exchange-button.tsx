'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '../trpc/client';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { errorMessage } from '../ui/error-message';
import { countOf } from '../ui/format';
import { useTopologyRefresh } from '../ui/use-topology-refresh';

/**
 * "Delete exchange…" on an exchange's page (never on amq.default, which the broker keeps). Its
 * queues and their messages stay; only the routes through it go. The broker refuses (CONFLICT)
 * while a queue dead-letters through it or a webhook source publishes to it: said in the dialog.
 */
export function DeleteExchangeButton({ exchange, bindings }: { exchange: string; bindings: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const refresh = useTopologyRefresh();
  const [open, setOpen] = useState(false);
  const remove = useMutation(
    trpc.exchanges.delete.mutationOptions({
      onSuccess: () => {
        router.push('/exchanges');
        void refresh();
      },
    }),
  );
  return (
    <>
      <button type="button" className="button button--danger-quiet" onClick={() => (remove.reset(), setOpen(true))}>
        Delete exchange…
      </button>
      <ConfirmDialog
        open={open}
        title={`Delete ${exchange}?`}
        confirmLabel="Delete exchange"
        danger
        busy={remove.isPending || remove.isSuccess}
        onConfirm={() => remove.mutate({ name: exchange })}
        onCancel={() => setOpen(false)}
      >
        <p>
          {bindings === 0 ? 'It has no bindings.' : `Its ${countOf(bindings, 'binding')} go with it.`} The queues and their messages stay; a client
          that still publishes to <strong>{exchange}</strong> is refused from then on.
        </p>
        <p>It cannot be undone; declaring the name again makes a new exchange with no bindings.</p>
        {remove.isError && (
          <p role="alert" className="field-errors" style={{ paddingLeft: 0 }}>
            {errorMessage(remove.error, 'action')}
          </p>
        )}
      </ConfirmDialog>
    </>
  );
}
