import { detailParts } from './audit-paging';

/** Beyond this many characters the rest of a detail folds into a <details>: the outcome stays in sight, the rest a click away. */
const FOLD_AT = 60;

/** An audit entry's detail: its outcome first (replayed: 2), then the other fields, wrapped, never cut off. */
export function AuditDetail({ detail }: { detail: Record<string, unknown> | null }) {
  const { outcome, rest } = detailParts(detail);
  if (!outcome && !rest) return <span className="muted">—</span>;
  return (
    <span className="audit-detail">
      {outcome && <span className="audit-detail__outcome">{outcome}</span>}
      {rest && rest.length <= FOLD_AT && <>{outcome && ', '}{rest}</>}
      {rest.length > FOLD_AT && (
        <details>
          <summary>{outcome ? 'other fields' : `${rest.slice(0, 24)}…`}</summary>
          {rest}
        </details>
      )}
    </span>
  );
}
