'use client';

import { useId, useMemo } from 'react';
import { formatDuration } from '../ui/format';
import { dotRadius, type Timeline, type TimelineLink } from './timeline';
import { arrowTo, comesFromAbove } from './timeline-arrows';
import { labelY, liftLabels } from './timeline-lift';

/** Wide enough for a lane name of 24 characters, within the gutter left of the first step. */
const LANE_NAMES_WIDTH = 142;

/** Arrowheads take their link's colour (globals.css .link--*). */
const HEAD_FILL: Record<TimelineLink['kind'], string> = { route: 'var(--text-muted)', dead_letter: 'var(--danger)', replay: 'var(--ok)', reply: 'var(--chart-3)' };
/** Texts are drawn over links on a halo of their lane's background, so a line passing under them does not strike them through. */
const halo = (alt: boolean) => ({ stroke: alt ? 'var(--surface-sunken)' : 'var(--surface)', strokeWidth: 4, strokeLinejoin: 'round' as const, paintOrder: 'stroke' as const });

/** Draws a laid-out timeline (timeline.ts does the geometry). The event table below it carries the same facts as text. */
export function TraceTimeline({
  timeline,
  minWidth,
  active,
  onActivate,
}: {
  timeline: Timeline;
  /** Lanes stretch across the box even when the steps need less. */
  minWidth: number;
  active: string | null;
  onActivate: (key: string | null) => void;
}) {
  const hintId = useId();
  // Links end at their dot's edge, with heads drawn over the labels (timeline-arrows.ts).
  const { arrows, rows, altLanes } = useMemo(() => {
    const byKey = new Map(timeline.items.map((i) => [i.key, i]));
    const arrows = timeline.links.map((l) => ({ kind: l.kind, to: l.to, ...arrowTo(l.route, dotRadius(byKey.get(l.to)?.type ?? '')) }));
    const rows = liftLabels(timeline.items, new Set(arrows.filter(comesFromAbove).map((a) => a.to)));
    const altLanes = new Set(timeline.lanes.filter((_, i) => i % 2 === 1).map((l) => l.key));
    return { arrows, rows, altLanes };
  }, [timeline]);
  const top = 24;
  const height = timeline.height + top;
  // timeline.width already leaves room for the last column's texts.
  const width = Math.max(minWidth, timeline.width + 16);
  const scrolls = width > minWidth;
  const laneNames = (bandWidth: number) =>
    timeline.lanes.map((lane, i) => (
      <g key={lane.key}>
        <rect x={0} y={lane.y - 36} width={bandWidth} height={72} className={i % 2 ? 'lane-band lane-band--alt' : 'lane-band'} />
        <text x={12} y={lane.y - 4} className="lane-kind">
          {lane.kind}
        </text>
        <text x={12} y={lane.y + 13} className="lane-label">
          <title>{lane.label}</title>
          {lane.name.length > 24 ? `${lane.name.slice(0, 23)}…` : lane.name}
        </text>
      </g>
    ));
  return (
    <>
      {scrolls && (
        <p className="muted small" id={hintId}>
          The timeline is wider than the page: scroll it sideways, or focus it and use the arrow keys, to reach the last steps.
        </p>
      )}
      <div className="timeline-frame">
      {/* Focusable and named: it scrolls sideways when the story is long, and keyboards must reach all of it. */}
      <div
        className="timeline"
        tabIndex={0}
        role="region"
        aria-label="Trace timeline"
        aria-describedby={scrolls ? hintId : undefined}
      >
        <svg width={width} height={height} role="img" aria-label={`Timeline: ${timeline.items.length} steps across ${timeline.lanes.length} lanes, ${timeline.errors} errors`}>
          <g transform={`translate(0, ${top})`}>
            {laneNames(width)}
            {/* Paths are routed clear of other steps' dots (timeline-links.ts). */}
            {arrows.map((a, i) => (
              <path key={i} d={a.path} className={`link link--${a.kind}`} />
            ))}
            {timeline.items.map((item) => (
              <g
                key={item.key}
                className={`item ${active === item.key ? 'is-active' : ''}`}
                transform={`translate(${item.x}, ${item.y})`}
                onMouseEnter={() => onActivate(item.key)}
                onMouseLeave={() => onActivate(null)}
              >
                <title>{`${item.label}${item.note ? ` — ${item.note}` : ''} (+${formatDuration(item.offsetMs)}${item.node ? `, on ${item.node}` : ''})`}</title>
                <circle r={dotRadius(item.type)} className={item.type === 'waiting' ? 'dot--waiting' : `dot--${item.tone}`} />
                {/* Neighbours' texts alternate between two rows (timeline-labels.ts), so they do not run together. */}
                <text y={labelY(rows.get(item.key))} textAnchor="middle" className="item-label" style={halo(altLanes.has(item.lane))}>
                  {item.labelText}
                </text>
                {item.noteText && (
                  <text y={item.noteRow === 0 ? 22 : 33} textAnchor="middle" className={`item-note ${item.tone === 'error' ? 'note--error' : ''}`} style={halo(altLanes.has(item.lane))}>
                    {item.noteText}
                  </text>
                )}
              </g>
            ))}
            {arrows.map((a, i) => (
              <polygon key={i} points={a.head} style={{ fill: HEAD_FILL[a.kind] }} aria-hidden="true" />
            ))}
          </g>
          {/* Column times, once per column (the waiting column has none: nothing happened there yet). */}
          {[...new Map(timeline.items.filter((i) => i.type !== 'waiting').map((i) => [i.column, i])).values()].map((i) => (
            <text key={i.column} x={i.x} y={14} textAnchor="middle" className="item-time">
              +{formatDuration(i.offsetMs)}
            </text>
          ))}
        </svg>
      </div>
      {/* The lane names stay in view while the steps scroll sideways under them. */}
      {scrolls && (
        <svg className="timeline-lanes" width={LANE_NAMES_WIDTH} height={height} aria-hidden="true">
          <rect x={0} y={0} width={LANE_NAMES_WIDTH} height={top} className="lane-band" />
          <g transform={`translate(0, ${top})`}>{laneNames(LANE_NAMES_WIDTH)}</g>
        </svg>
      )}
      </div>
    </>
  );
}
