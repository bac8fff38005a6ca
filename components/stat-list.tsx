export interface Stat {
  label: string;
  value: string;
  /** For values such as ids that read better in a monospace face. */
  mono?: boolean;
  /** A short qualifier under the value. */
  hint?: string;
}

export function StatList({ stats, compact = false, wide = false }: { stats: readonly Stat[]; compact?: boolean; wide?: boolean }) {
  return (
    <dl className={['stat-list', compact && 'stat-list--compact', wide && 'stat-list--wide'].filter(Boolean).join(' ')}>
      {stats.map((stat) => (
        <div key={stat.label} className="stat">
          <dt>{stat.label}</dt>
          <dd className={stat.mono ? 'mono' : undefined}>{stat.value}</dd>
          {stat.hint && <dd className="stat__hint">{stat.hint}</dd>}
        </div>
      ))}
    </dl>
  );
}
