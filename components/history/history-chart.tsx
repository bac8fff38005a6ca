'use client';

// Recharts, as for queue depth (see components/queues/depth-chart.tsx for why).
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useMemo } from 'react';
import { formatCount } from '../ui/format';
import { bucketLabel, historyAxis } from './history-axis';
import { bucketTooltip, type HistorySeries } from './history-series';

export const KEY_COLORS = ['var(--chart-1)', 'var(--chart-2)', 'var(--chart-3)', 'var(--chart-4)', 'var(--chart-5)', 'var(--chart-6)', 'var(--chart-7)', 'var(--chart-8)'];

export function HistoryChart({ series, label }: { series: HistorySeries; label: string }) {
  // Ticks where a day (or an hour mark) begins, so each date or time is written once.
  const axis = useMemo(() => historyAxis(series.rows.map((r) => r.t), series.bucketMs), [series.rows, series.bucketMs]);
  return (
    <figure style={{ margin: 0 }}>
      <div className="chart" role="img" aria-label={label}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={series.rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} barCategoryGap={1}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="t"
              ticks={axis.ticks}
              interval={0}
              tickFormatter={(t: number) => axis.format(t)}
              stroke="var(--text-muted)"
              tick={{ fill: 'var(--text-muted)', fontSize: 12 }}
            />
            <YAxis allowDecimals={false} width={48} stroke="var(--text-muted)" tick={{ fill: 'var(--text-muted)', fontSize: 12 }} tickFormatter={(v: number) => formatCount(v)} />
            <Tooltip
              content={({ active, label }) => (active && label !== undefined ? <BucketTooltip series={series} t={Number(label)} /> : null)}
              cursor={{ fill: 'var(--accent-soft)' }}
            />
            {series.keys.map((k, i) => (
              <Bar key={k} dataKey={k} stackId="keys" fill={KEY_COLORS[i % KEY_COLORS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <ul className="chart-legend" aria-label="Routing keys">
        {series.keys.map((k, i) => (
          <li key={k}>
            <span className="swatch" style={{ background: KEY_COLORS[i % KEY_COLORS.length] }} aria-hidden="true" />
            <span className="mono">{k}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** One bucket's keys with messages, in legend order: a key with none in it is not listed. */
function BucketTooltip({ series, t }: { series: HistorySeries; t: number }) {
  const items = bucketTooltip(
    series.rows.find((r) => r.t === t),
    series.keys,
  );
  return (
    <div style={{ background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)', padding: '0.5rem 0.75rem', fontSize: '0.875rem' }}>
      <p style={{ margin: 0, fontWeight: 600 }}>{bucketLabel(t, series.bucketMs)}</p>
      {items.length === 0 ? (
        <p style={{ margin: '0.25rem 0 0' }} className="muted">
          no messages
        </p>
      ) : (
        <ul style={{ margin: '0.25rem 0 0', padding: 0, listStyle: 'none' }}>
          {items.map((i) => (
            <li key={i.key} style={{ display: 'flex', alignItems: 'center', gap: '0.375rem' }}>
              <span className="swatch" style={{ background: KEY_COLORS[i.index % KEY_COLORS.length] }} aria-hidden="true" />
              <span className="mono">{i.key}</span>
              <span style={{ marginLeft: 'auto', paddingLeft: '0.75rem', fontVariantNumeric: 'tabular-nums' }}>{formatCount(i.count)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
