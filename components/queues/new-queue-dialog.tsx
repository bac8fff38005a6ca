'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { useTRPC } from '../trpc/client';
import { Choice } from '../ui/choice';
import { DialogButton } from '../ui/dialog-button';
import { errorMessage } from '../ui/error-message';
import { FormDialog } from '../ui/form-dialog';
import { useTopologyRefresh } from '../ui/use-topology-refresh';
import { DeadLetterFields, MoreSettings } from './queue-draft-fields';
import { NEW_QUEUE_DRAFT, queueDraftInput, type QueueDraft } from './queue-draft';
import { tierPromise, type Durability } from './tier-promise';

const TIERS: Durability[] = ['durable', 'replicated', 'memory'];

/** "New queue" in the queue list's heading: opens the form; a created queue's page opens next. */
export function NewQueueButton() {
  return <DialogButton label="New queue" dialog={(close) => <NewQueueDialog onCancel={close} />} />;
}

function NewQueueDialog({ onCancel }: { onCancel: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const refresh = useTopologyRefresh();
  const id = useId();
  const [draft, setDraft] = useState<QueueDraft>(NEW_QUEUE_DRAFT);
  const [problems, setProblems] = useState<string[]>([]);
  const exchanges = useQuery(trpc.exchanges.list.queryOptions());
  const create = useMutation(
    trpc.queues.create.mutationOptions({
      onSuccess: (q) => {
        void refresh();
        router.push(`/queues/${encodeURIComponent(q.name)}`);
      },
    }),
  );
  const set = (patch: Partial<QueueDraft>) => setDraft((d) => ({ ...d, ...patch }));

  function submit() {
    create.reset();
    const { problems, input } = queueDraftInput(draft);
    setProblems(problems);
    if (input) create.mutate(input);
  }

  return (
    <FormDialog
      title="New queue"
      intro="Declared at once, with its own dead-letter queue unless you choose otherwise. Settings left blank take the broker's defaults."
      submitLabel="Create queue"
      busy={create.isPending || create.isSuccess}
      problems={problems}
      serverError={create.isError ? errorMessage(create.error, 'action') : null}
      onSubmit={submit}
      onCancel={onCancel}
    >
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          className="input mono"
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
          autoComplete="off"
          spellCheck={false}
          autoFocus
          placeholder="orders"
          aria-describedby={`${id}-name-hint`}
        />
        <span id={`${id}-name-hint`} className="hint">
          1–200 characters of A-Z a-z 0-9 _ . : -
        </span>
      </div>
      <fieldset className="choices">
        <legend>Persistence</legend>
        {TIERS.map((t) => (
          <Choice key={t} group={`${id}-tier`} value={t} checked={draft.durability === t} onChange={() => set({ durability: t })} label={t[0]!.toUpperCase() + t.slice(1)} hint={tierPromise(t)} />
        ))}
      </fieldset>
      <div className="form-row">
        <div className="field field--grow">
          <label htmlFor={`${id}-max`}>Max deliveries</label>
          <input id={`${id}-max`} className="input" inputMode="numeric" value={draft.maxDeliveries} onChange={(e) => set({ maxDeliveries: e.target.value })} />
          <span className="hint">Attempts before a message is dead-lettered (1–1000).</span>
        </div>
        <div className="field field--grow">
          <label htmlFor={`${id}-vis`}>Visibility timeout (seconds)</label>
          <input id={`${id}-vis`} className="input" inputMode="decimal" value={draft.visibilitySeconds} onChange={(e) => set({ visibilitySeconds: e.target.value })} />
          <span className="hint">How long a received message stays hidden before it is delivered again.</span>
        </div>
      </div>
      <DeadLetterFields id={id} draft={draft} set={set} exchanges={(exchanges.data ?? []).map((x) => x.name)} />
      <MoreSettings id={id} draft={draft} set={set} />
    </FormDialog>
  );
}
