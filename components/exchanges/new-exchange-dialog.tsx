'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useId, useState } from 'react';
import { useTRPC } from '../trpc/client';
import { Choice } from '../ui/choice';
import { declareNameProblem } from '../ui/declare-name';
import { DialogButton } from '../ui/dialog-button';
import { errorMessage } from '../ui/error-message';
import { FormDialog } from '../ui/form-dialog';
import { useTopologyRefresh } from '../ui/use-topology-refresh';
import { EXCHANGE_TYPE_CHOICES } from './binding-draft';
import { exchangeHref, type ExchangeType } from './exchange-routing';

/** "New exchange" in the exchange list's heading: a name and a type; the new exchange's page opens next, to bind queues to it. */
export function NewExchangeButton() {
  return <DialogButton label="New exchange" dialog={(close) => <NewExchangeDialog onCancel={close} />} />;
}

function NewExchangeDialog({ onCancel }: { onCancel: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const refresh = useTopologyRefresh();
  const id = useId();
  const [name, setName] = useState('');
  const [type, setType] = useState<ExchangeType>('direct');
  const [problems, setProblems] = useState<string[]>([]);
  const create = useMutation(
    trpc.exchanges.create.mutationOptions({
      onSuccess: (x) => {
        void refresh();
        router.push(exchangeHref(x.name));
      },
    }),
  );

  function submit() {
    create.reset();
    const problem = declareNameProblem('exchange', name.trim());
    setProblems(problem ? [problem] : []);
    if (!problem) create.mutate({ name: name.trim(), type });
  }

  return (
    <FormDialog
      title="New exchange"
      intro="An exchange routes what is published to it to the queues bound to it; bind them on its page next. The type cannot be changed later."
      submitLabel="Create exchange"
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
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          autoFocus
          placeholder="orders"
          aria-describedby={`${id}-name-hint`}
        />
        <span id={`${id}-name-hint`} className="hint">
          1–200 characters of A-Z a-z 0-9 _ . : -; names starting with <code>amq.</code> are the broker&apos;s.
        </span>
      </div>
      <fieldset className="choices">
        <legend>Type</legend>
        {EXCHANGE_TYPE_CHOICES.map((c) => (
          <Choice key={c.type} group={`${id}-type`} value={c.type} checked={type === c.type} onChange={() => setType(c.type)} label={c.type} hint={c.how} />
        ))}
      </fieldset>
    </FormDialog>
  );
}
