'use client';

import { useId } from 'react';
import { formatDuration } from '../ui/format';
import { dotRadius, type Timeline } from './timeline';

/** Wide enough for a lane name of 24 characters, within the gutter left of the first step. */
const LANE_NAMES_WIDTH = 142;

const ARROW_IDS = { route: 'arrow-route', dead_letter: 'arrow-dead', replay: 'arrow-replay', reply: 'arrow-reply' } as const;

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
          <defs>
            {Object.entries(ARROW_IDS).map(([kind, id]) => (
              <marker key={id} id={id} viewBox="0 0 10 10" refX="16" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" className={`link--${kind}`} style={{ fill: 'var(--text-muted)' }} />
              </marker>
            ))}
          </defs>
          <g transform={`translate(0, ${top})`}>
            {laneNames(width)}
            {/* Paths are routed clear of other steps' dots (timeline-links.ts). */}
            {timeline.links.map((l, i) => (
              <path key={i} d={l.path} className={`link link--${l.kind}`} markerEnd={`url(#${ARROW_IDS[l.kind]})`} />
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
                <text y={item.labelRow === 0 ? -14 : -26} textAnchor="middle" className="item-label">
                  {item.labelText}
                </text>
                {item.noteText && (
                  <text y={item.noteRow === 0 ? 22 : 33} textAnchor="middle" className={`item-note ${item.tone === 'error' ? 'note--error' : ''}`}>
                    {item.noteText}
                  </text>
                )}
              </g>
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
