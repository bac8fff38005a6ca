import type { Signal } from '../queues/queue-signals';

/** A queue's warnings as badges; `empty` says there are none (a table cell keeps "—", a heading says "no warnings"). */
export function SignalBadges({ signals, empty = '—' }: { signals: Signal[]; empty?: string }) {
  if (signals.length === 0) return <span className="muted small">{empty}</span>;
  return (
    <ul className="badges" aria-label="Needs attention">
      {signals.map((s) => (
        <li key={s.kind} className={`badge badge--${s.severity}`} title={s.detail}>
          {s.label}
        </li>
      ))}
    </ul>
  );
}
