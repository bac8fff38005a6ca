'use client';

import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '../trpc/client';
import { ConfirmDialog } from '../ui/confirm-dialog';
import { errorMessage } from '../ui/error-message';
import { useTopologyRefresh } from '../ui/use-topology-refresh';
import { bindingMatch, type BindingLike, type ExchangeType } from './exchange-routing';

/**
 * A small confirm before a binding goes: one click on the wrong row would silently stop a route.
 * `binding` null: closed. The queue and its messages are untouched.
 */
export function UnbindDialog({ exchange, type, binding, onDone }: { exchange: string; type: ExchangeType; binding: BindingLike | null; onDone: () => void }) {
  const trpc = useTRPC();
  const refresh = useTopologyRefresh();
  const unbind = useMutation(
    trpc.exchanges.unbind.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onDone();
      },
    }),
  );
  const close = () => (unbind.reset(), onDone());
  return (
    <ConfirmDialog
      open={binding !== null}
      title="Remove this binding?"
      confirmLabel="Unbind"
      danger
      busy={unbind.isPending}
      onConfirm={() => binding && unbind.mutate({ exchange, queue: binding.queue, key: binding.key, headers: binding.headers })}
      onCancel={close}
    >
      {binding && (
        <p>
          <strong>{exchange}</strong> stops routing to <strong>{binding.queue}</strong> for {bindingMatch(type, binding)}. The queue and the messages in it
          stay; bind it again at any time.
        </p>
      )}
      {unbind.isError && (
        <p role="alert" className="field-errors" style={{ paddingLeft: 0 }}>
          {errorMessage(unbind.error, 'action')}
        </p>
      )}
    </ConfirmDialog>
  );
}
