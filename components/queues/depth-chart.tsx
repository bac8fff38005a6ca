'use client';

/*
 * Charts use Recharts: declarative React components over SVG (so colours come from our CSS
 * variables and follow the light/dark theme), an accessibility layer with keyboard-navigable
 * tooltips, React 19 support, and active maintenance. uPlot is faster for 100k-point series,
 * but our series are thinned to a few hundred points by pure functions first (depth-series.ts,
 * history-series.ts), where Recharts' ergonomics win.
 */
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatCount } from '../ui/format';
import { depthSampleLabel, depthTickLabel, depthTicks } from './depth-axis';
import { DEPTH_SERIES, depthChartRows, depthLegendRank, type DepthPoint } from './depth-series';

const SERIES = DEPTH_SERIES;

export function DepthChart({ points, from, to, label }: { points: DepthPoint[]; from: number; to: number; label: string }) {
  const span = to - from;
  const rows = depthChartRows(points);
  return (
    <figure className="chart-figure" style={{ margin: 0 }}>
      <div className="chart" role="img" aria-label={label}>
        <ResponsiveContainer width="100%" height="100%">
          <AreaChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={[from, to]}
              ticks={depthTicks(from, to)}
              tickFormatter={(t: number) => depthTickLabel(t, span)}
              stroke="var(--text-muted)"
              tick={{ fill: 'var(--text-muted)', fontSize: 12 }}
              minTickGap={40}
            />
            <YAxis allowDecimals={false} width={48} stroke="var(--text-muted)" tick={{ fill: 'var(--text-muted)', fontSize: 12 }} tickFormatter={(v: number) => formatCount(v)} />
            <Tooltip
              labelFormatter={(t) => depthSampleLabel(Number(t))}
              itemSorter={depthLegendRank}
              // A 0 is drawn as null (depthChartRows): keep it in the tooltip, as 0.
              filterNull={false}
              formatter={(v, name) => [formatCount(Number(v)), SERIES.find((s) => s.key === name)?.label ?? String(name)]}
              contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', color: 'var(--text)' }}
            />
            {SERIES.map((s) => (
              <Area
                key={s.key}
                type="stepAfter"
                dataKey={s.key}
                stackId="depth"
                stroke={s.color}
                fill={s.color}
                fillOpacity={0.35}
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      </div>
      <ul className="chart-legend" aria-label="Legend">
        {SERIES.map((s) => (
          <li key={s.key}>
            <span className="swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.label}
          </li>
        ))}
      </ul>
    </figure>
  );
}
