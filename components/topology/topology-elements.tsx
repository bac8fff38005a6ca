'use client';

import { BaseEdge, EdgeLabelRenderer, Handle, Position, type Edge, type EdgeProps, type Node, type NodeProps } from '@xyflow/react';
import Link from 'next/link';
import { exchangeHref } from '../exchanges/exchange-routing';
import { formatCount, formatRate } from '../ui/format';
import { edgePath, type Point } from './edge-geometry';
import type { LabelBox } from './graph-layout';
import { DEFAULT_EXCHANGE, DEFAULT_EXCHANGE_META, DEFAULT_EXCHANGE_WORDS, MARK_CLASS, MARK_WORDS, queueMark } from './topology-marks';

export type ExchangeData = { name: string; type: string; publishRate: number };
export type QueueData = { name: string; depth: number; consumers: number; level: 'empty' | 'low' | 'high'; dlq: boolean };
export type LinkData = { kind: 'binding' | 'dead_letter'; label: string; waypoints: Point[]; labelBox: LabelBox | null };
type ExchangeNode = Node<ExchangeData, 'exchange'>;
type QueueNode = Node<QueueData, 'queue'>;
type LinkEdge = Edge<LinkData, 'link'>;

/** Nodes are links: Tab reaches them, Enter opens their page. */
function ExchangeNodeView({ data }: NodeProps<ExchangeNode>) {
  // The default exchange has no links drawn: its node says where it routes instead.
  const implicit = data.name === DEFAULT_EXCHANGE;
  return (
    <Link
      href={exchangeHref(data.name)}
      className="topo-node topo-node--exchange"
      style={{ display: 'block', textDecoration: 'none' }}
      aria-label={`Exchange ${data.name}, ${data.type}`}
      title={implicit ? `${DEFAULT_EXCHANGE_WORDS} ${data.type} · ${formatRate(data.publishRate)}` : undefined}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="topo-node__name">{data.name}</div>
      <div className="topo-node__meta">{implicit ? DEFAULT_EXCHANGE_META : `${data.type} · ${formatRate(data.publishRate)}`}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </Link>
  );
}

function QueueNodeView({ data }: NodeProps<QueueNode>) {
  const mark = queueMark(data);
  const cls = mark ? MARK_CLASS[mark] : '';
  const counts = `${data.depth.toLocaleString('en-US')} ${data.dlq ? 'dead letters' : 'messages'}, ${data.consumers} consumers`;
  return (
    <Link
      href={`/queues/${encodeURIComponent(data.name)}`}
      className={`topo-node ${cls}`}
      style={{ display: 'block', textDecoration: 'none' }}
      aria-label={`Queue ${data.name}, ${data.depth} messages, ${data.consumers} consumers`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="topo-node__name">{data.name}</div>
      {/* Short words, so that a six-digit depth still fits the node's width. */}
      <div className="topo-node__meta" data-testid="queue-depth" title={mark ? `${MARK_WORDS[mark]}: ${counts}` : counts}>
        {formatCount(data.depth)} {data.dlq ? 'dead' : data.depth === 1 ? 'msg' : 'msgs'} · {data.consumers} {data.consumers === 1 ? 'consumer' : 'consumers'}
      </div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </Link>
  );
}

/**
 * A binding or dead-letter link, drawn through the layout's waypoints, with its keys in the box
 * the layout kept free for them. The box is drawn above nodes, on a background, at the size the
 * layout reserved: a key wider than estimated is ellipsised (the full text is its tooltip).
 */
function LinkEdgeView({ id, sourceX, sourceY, targetX, targetY, data, style }: EdgeProps<LinkEdge>) {
  const path = edgePath([{ x: sourceX, y: sourceY }, ...(data?.waypoints ?? []), { x: targetX, y: targetY }]);
  const box = data?.labelBox;
  return (
    <>
      <BaseEdge id={id} path={path} style={style} />
      {box && (
        <EdgeLabelRenderer>
          <div
            className={`topo-edge-label${data.kind === 'dead_letter' ? ' topo-edge-label--dead' : ''}`}
            style={{ transform: `translate(${box.x}px, ${box.y}px)`, width: box.width, height: box.height }}
            title={data.label}
          >
            {box.lines.map((line, i) => (
              <div key={i} className="topo-edge-label__line">
                {line}
              </div>
            ))}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
}

export const nodeTypes = { exchange: ExchangeNodeView, queue: QueueNodeView };
export const edgeTypes = { link: LinkEdgeView };
