export interface Stat {
  label: string;
  value: string;
  /** For values such as ids that read better in a monospace face. */
  mono?: boolean;
  /** A short qualifier under the value. */
  hint?: string;
}

export function StatList({ stats }: { stats: readonly Stat[] }) {
  return (
    <dl className="stat-list">
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
