import { DEFAULT_EXCHANGE, DEFAULT_EXCHANGE_WORDS, MARK_CLASS, MARK_WORDS } from './topology-marks';

/** A node's border, drawn small with the node's own classes. */
function NodeSwatch({ cls }: { cls: string }) {
  return <span aria-hidden="true" className={`topo-node ${cls}`} style={{ display: 'inline-block', width: 26, height: 16, padding: 0, cursor: 'default' }} />;
}

/** Explains every border and line the graph draws, in the words the nodes' tooltips use. */
export function TopologyLegend({ showDefault }: { showDefault: boolean }) {
  return (
    <ul className="chart-legend small" aria-label="Legend" style={{ marginBottom: '0.5rem' }}>
      {(['deep', 'waiting', 'dead'] as const).map((mark) => (
        <li key={mark}>
          <NodeSwatch cls={MARK_CLASS[mark]} />
          {MARK_WORDS[mark]}
        </li>
      ))}
      <li>
        <svg aria-hidden="true" width={26} height={8}>
          <line x1={0} y1={4} x2={26} y2={4} style={{ stroke: 'var(--danger)', strokeWidth: 1.5, strokeDasharray: '5 4' }} />
        </svg>
        Dead letters&apos; route
      </li>
      {showDefault && (
        <li>
          {/* one item of the key: the name and its colon stay together */}
          <span>
            <code>{DEFAULT_EXCHANGE}</code>: {DEFAULT_EXCHANGE_WORDS}
          </span>
        </li>
      )}
    </ul>
  );
}
