import type { Signal } from '../queues/queue-signals';

export function SignalBadges({ signals }: { signals: Signal[] }) {
  if (signals.length === 0) return <span className="muted small">—</span>;
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
