import Link from 'next/link';
import type { ReactNode } from 'react';
import { inputIssues } from './error-message';
import { PageHeading } from './page-heading';
import { EmptyState, ErrorNotice } from './query-state';

/**
 * A queue's or an exchange's page that could not be read: a name no such thing can have (the
 * address was typed or cut: what a name may contain, not the validator's JSON), one that does not
 * exist (it may have been deleted), or a failed request.
 */
export function UnreadableDetail({ kind, name, error, eyebrow }: { kind: 'queue' | 'exchange'; name: string; error: unknown; eyebrow: ReactNode }) {
  const missing = (error as { data?: { code?: string } }).data?.code === 'NOT_FOUND';
  const badName = inputIssues(error)?.find((i) => i.path === 'name');
  const list = (
    <Link href={`/${kind}s`}>
      {kind} list
    </Link>
  );
  const a = kind === 'exchange' ? 'an' : 'a';
  return (
    <>
      <PageHeading eyebrow={eyebrow} title={name} />
      {badName ? (
        <EmptyState title={`“${name}” is not a valid ${kind} name`}>
          <p>
            No {kind} can have this name: {kind} names <strong>{badName.message}</strong>
          </p>
          <p>
            Check the address, or pick {a} {kind} from the {list}.
          </p>
        </EmptyState>
      ) : missing ? (
        <EmptyState title={`There is no ${kind} named “${name}”`}>
          <p>
            It may have been deleted. Declare it with <code>PUT /v1/{kind}s/{name}</code>, or pick one from the {list}.
          </p>
        </EmptyState>
      ) : (
        <ErrorNotice error={error} title={`Could not read this ${kind}`} />
      )}
    </>
  );
}
