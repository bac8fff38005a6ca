/**
 * The trace timeline as geometry: one swimlane per exchange and queue the story passes through,
 * one column per step (ordinal, not linear time: retries seconds apart and a publish and its
 * routing microseconds apart must both stay readable), links between lanes for routing, dead
 * lettering, replay and request → reply. Pure: the .tsx only draws what this returns.
 */
import { routeLink, routePath, sCurve, type LinkRoute } from './timeline-links';
import { LABEL_CHAR_PX, NOTE_CHAR_PX, placeTexts } from './timeline-labels';
import { reasonLabel } from '../dead-letters/dead-letter-page';

export interface TimelineEventInput {
  at: string;
  type: string;
  messageId: string;
  exchange: string | null;
  queue: string | null;
  /** The gateway node that took the step (null: not recorded, or synthesized here). */
  node?: string | null;
  attempt: number | null;
  detail: Record<string, unknown> | null;
}

export interface TimelineMessageInput {
  id: string;
  exchange: string;
  replyTo: string | null;
  routedTo: string[];
  replayOf: string | null;
}

export interface Lane {
  key: string;
  kind: 'exchange' | 'queue';
  name: string;
  label: string;
  y: number;
}

export type Tone = 'info' | 'ok' | 'warn' | 'error';

export interface TimelineItem {
  key: string;
  /** The trace event's type, `arrived` for the synthesized arrival in a DLQ or replay target, or `waiting` in a queue it was routed to and has no event in yet. */
  type: string;
  lane: string;
  column: number;
  x: number;
  y: number;
  tone: Tone;
  label: string;
  /** A second line: the error, the delay, the reason. */
  note: string | null;
  /** The label and note as drawn (shortened when neighbours leave no room) and on which row (timeline-labels.ts). */
  labelText: string;
  labelRow: 0 | 1;
  noteText: string | null;
  noteRow: 0 | 1;
  at: string;
  /** Milliseconds since the first event. */
  offsetMs: number;
  messageId: string;
  attempt: number | null;
  node: string | null;
}

export interface TimelineLink {
  from: string;
  to: string;
  kind: 'route' | 'dead_letter' | 'replay' | 'reply';
  /** The route drawn (as an SVG path by timeline-arrows.ts), clear of every other step's dot (timeline-links.ts). */
  route: LinkRoute;
}

export interface Timeline {
  lanes: Lane[];
  items: TimelineItem[];
  links: TimelineLink[];
  width: number;
  height: number;
  startedAt: string | null;
  durationMs: number;
  errors: number;
}

export interface TimelineOptions {
  laneHeight: number;
  columnWidth: number;
  /** Space left of the first column for lane labels. */
  gutter: number;
}

export const DEFAULT_TIMELINE_OPTIONS: TimelineOptions = { laneHeight: 72, columnWidth: 112, gutter: 200 };

const TONES: Record<string, Tone> = {
  published: 'info',
  routed: 'info',
  delivered: 'info',
  acked: 'ok',
  replied: 'ok',
  replayed: 'ok',
  retry_scheduled: 'warn',
  lease_expired: 'warn',
  released: 'warn',
  deduplicated: 'warn',
  nacked: 'error',
  dead_lettered: 'error',
  unroutable: 'error',
  expired: 'error',
  reply_timeout: 'error',
};

const str = (v: unknown) => (typeof v === 'string' ? v : null);
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function exchangeLabel(name: string): string {
  return `exchange ${name}`;
}

/** The reply queue of a gateway request (POST /v1/request): the node's own, which takes one reply per request. */
const isGatewayReply = (e: TimelineEventInput) => e.queue?.startsWith('amq.reply.') ?? false;

function toneOf(e: TimelineEventInput): Tone {
  if (e.type !== 'replied') return TONES[e.type] ?? 'info';
  const d = e.detail ?? {};
  return d.late || (typeof d.nth === 'number' && isGatewayReply(e)) ? 'warn' : 'ok';
}

function describe(e: TimelineEventInput): { label: string; note: string | null } {
  const d = e.detail ?? {};
  const n = e.attempt != null ? ` #${e.attempt}` : '';
  switch (e.type) {
    case 'published':
      return { label: d.replayOf ? 'published (replay)' : 'published', note: str(d.routingKey) };
    case 'routed':
      return { label: 'routed', note: strings(d.queues).join(', ') || null };
    case 'delivered':
      return { label: `delivered${n}`, note: null };
    case 'acked':
      return { label: `acked${n}`, note: null };
    case 'nacked':
      return { label: `nacked${n}`, note: str(d.error) };
    case 'retry_scheduled':
      return { label: 'retry scheduled', note: typeof d.delayMs === 'number' ? `in ${Math.round(d.delayMs)} ms` : null };
    case 'lease_expired':
      return { label: `lease expired${n}`, note: null };
    case 'released':
      return { label: `released${n}`, note: 'the receiver went away before the delivery reached it' };
    case 'dead_lettered':
      // The reason in words, as the dead-letter page and message detail write it ("max deliveries", not "max_deliveries").
      return { label: 'dead-lettered', note: [str(d.reason) && reasonLabel(str(d.reason)!), str(d.lastError)].filter(Boolean).join(': ') || null };
    case 'replayed':
      return { label: 'replayed', note: strings(d.to).length ? `to ${strings(d.to).join(', ')}` : null };
    case 'replied':
      if (d.late) return { label: 'reply sent (late)', note: 'after the request timed out: nobody was waiting' };
      if (typeof d.nth !== 'number') return { label: 'reply sent', note: null };
      // A gateway request (POST /v1/request) takes the first reply; its node's reply queue drops the rest.
      return { label: `reply sent (#${d.nth})`, note: isGatewayReply(e) ? 'the request had its answer already: this reply reached nobody' : null };
    case 'reply_timeout':
      return { label: 'reply timeout', note: typeof d.timeoutMs === 'number' ? `no reply within ${d.timeoutMs} ms` : null };
    case 'unroutable':
      return { label: 'unroutable', note: 'no queue was bound' };
    default:
      return { label: e.type.replace(/_/g, ' '), note: null };
  }
}

interface Step {
  event: TimelineEventInput;
  lane: { kind: 'exchange' | 'queue'; name: string };
  type: string;
  label: string;
  note: string | null;
  tone: Tone;
  /** Places this step in the same column as the one before it (an arrival beside its cause). */
  sameColumn: boolean;
  key: string;
}

export function layoutTimeline(
  input: { messages: TimelineMessageInput[]; events: TimelineEventInput[] },
  o: TimelineOptions = DEFAULT_TIMELINE_OPTIONS,
): Timeline {
  const events = [...input.events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const messages = new Map(input.messages.map((m) => [m.id, m]));
  const steps: Step[] = [];
  const links: Omit<TimelineLink, 'route'>[] = [];
  // The step that a later event of the same message in a lane continues from (route links).
  const awaiting = new Map<string, { key: string; kind: TimelineLink['kind'] }>(); // `${messageId}|${queue}` → the step that sent it there
  const publishedStep = new Map<string, string>(); // messageId → key of its published step

  events.forEach((e, i) => {
    const key = `e${i}`;
    const { label, note } = describe(e);
    const exchange = e.exchange ?? messages.get(e.messageId)?.exchange ?? 'unknown';
    const onQueue = e.queue != null && e.type !== 'published' && e.type !== 'routed' && e.type !== 'unroutable' && e.type !== 'deduplicated';
    const lane = onQueue ? { kind: 'queue' as const, name: e.queue! } : { kind: 'exchange' as const, name: exchange };
    steps.push({ event: e, lane, type: e.type, label, note, tone: toneOf(e), sameColumn: false, key });

    if (onQueue) {
      const from = awaiting.get(`${e.messageId}|${e.queue}`);
      if (from) {
        links.push({ from: from.key, to: key, kind: from.kind });
        awaiting.delete(`${e.messageId}|${e.queue}`);
      }
    }
    if (e.type === 'published') {
      publishedStep.set(e.messageId, key);
      const replayOf = messages.get(e.messageId)?.replayOf;
      if (replayOf) {
        // An edited or re-routed replay is a new message: link it to the replay that made it.
        const replayed = [...steps].reverse().find((s) => s.type === 'replayed' && s.event.messageId === replayOf);
        if (replayed) links.push({ from: replayed.key, to: key, kind: 'replay' });
      }
    }
    if (e.type === 'routed') for (const q of strings(e.detail?.queues)) awaiting.set(`${e.messageId}|${q}`, { key, kind: 'route' });
    if (e.type === 'dead_lettered' || e.type === 'replayed') {
      const prefix = e.type === 'replayed' ? 'r' : 'd';
      const newId = str(e.detail?.newMessageId);
      strings(e.detail?.to).forEach((q, j) => {
        const arrival = `${prefix}${i}.${j}a`;
        steps.push({
          event: e,
          lane: { kind: 'queue', name: q },
          type: 'arrived',
          label: e.type === 'replayed' ? 'back in queue' : 'in DLQ',
          note: null,
          tone: e.type === 'replayed' ? 'ok' : 'error',
          sameColumn: true,
          key: arrival,
        });
        links.push({ from: key, to: arrival, kind: e.type === 'replayed' ? 'replay' : 'dead_letter' });
        // The message's next event in that queue continues from the arrival, not from the cause.
        if (!newId) awaiting.set(`${e.messageId}|${q}`, { key: arrival, kind: e.type === 'replayed' ? 'replay' : 'dead_letter' });
      });
    }
    if (e.type === 'replied') {
      const replyId = str(e.detail?.replyId);
      const request = publishedStep.get(e.messageId);
      if (request) links.push({ from: request, to: key, kind: 'reply' });
      const replyPublished = replyId ? publishedStep.get(replyId) : undefined;
      if (replyPublished) links.push({ from: replyPublished, to: key, kind: 'reply' });
    }
  });

  // A queue the message was routed to but has no event in yet (it waits in the backlog) still gets
  // its lane: one `waiting` step per such queue, side by side in a last column, linked from the routing.
  let firstWaiting = true;
  for (const [k, from] of awaiting) {
    if (from.kind !== 'route') continue;
    const queue = k.slice(k.indexOf('|') + 1);
    const cause = steps.find((s) => s.key === from.key)!;
    const key = `w${steps.length}`;
    steps.push({ event: cause.event, lane: { kind: 'queue', name: queue }, type: 'waiting', label: 'waiting', note: 'not delivered yet', tone: 'info', sameColumn: !firstWaiting, key });
    links.push({ from: from.key, to: key, kind: 'route' });
    firstWaiting = false;
  }

  // Lanes in order of first appearance; exchanges and queues apart so the same name can be both.
  const lanes: Lane[] = [];
  const laneIndex = new Map<string, Lane>();
  const laneKey = (l: { kind: string; name: string }) => `${l.kind}:${l.name}`;
  for (const s of steps) {
    const k = laneKey(s.lane);
    if (!laneIndex.has(k)) {
      const lane: Lane = {
        key: k,
        kind: s.lane.kind,
        name: s.lane.name,
        label: s.lane.kind === 'exchange' ? exchangeLabel(s.lane.name) : `queue ${s.lane.name}`,
        y: lanes.length * o.laneHeight + o.laneHeight / 2,
      };
      lanes.push(lane);
      laneIndex.set(k, lane);
    }
  }

  // Columns: a new one for each step, except arrivals, which stand beside their cause.
  const startedAt = events[0]?.at ?? null;
  const t0 = startedAt ? Date.parse(startedAt) : 0;
  let column = -1;
  const placedItems = steps.map((s) => {
    if (!s.sameColumn || column < 0) column++;
    const lane = laneIndex.get(laneKey(s.lane))!;
    return {
      key: s.key,
      type: s.type,
      lane: lane.key,
      column,
      x: o.gutter + column * o.columnWidth + o.columnWidth / 2,
      y: lane.y,
      tone: s.tone,
      label: s.label,
      note: s.note,
      labelText: s.label,
      labelRow: 0 as 0 | 1,
      noteText: s.note,
      noteRow: 0 as 0 | 1,
      at: s.event.at,
      offsetMs: Date.parse(s.event.at) - t0,
      messageId: s.event.messageId,
      attempt: s.event.attempt,
      node: s.type === 'waiting' ? null : (s.event.node ?? null),
    };
  });

  // Labels and notes of neighbouring steps take turns on two rows, shortened only when both are taken.
  const room = { maxPx: 2 * o.columnWidth - 8, minPx: o.columnWidth - 8 };
  const labels = placeTexts(placedItems.map((i) => ({ key: i.key, lane: i.lane, x: i.x, text: i.label })), LABEL_CHAR_PX, room);
  const notes = placeTexts(
    placedItems.flatMap((i) => (i.note ? [{ key: i.key, lane: i.lane, x: i.x, text: i.note }] : [])),
    NOTE_CHAR_PX,
    room,
  );
  let rightmost = 0;
  const items: TimelineItem[] = placedItems.map((i) => {
    const label = labels.get(i.key)!;
    const note = notes.get(i.key);
    rightmost = Math.max(rightmost, i.x + label.width / 2, note ? i.x + note.width / 2 : 0);
    return { ...i, labelText: label.text, labelRow: label.row, noteText: note?.text ?? null, noteRow: note?.row ?? 0 };
  });

  const byKey = new Map(items.map((i) => [i.key, i]));
  const dots = items.map((i) => ({ key: i.key, x: i.x, y: i.y, r: dotRadius(i.type) }));
  const grid = { columnWidth: o.columnWidth, laneHeight: o.laneHeight, gutter: o.gutter, columns: column + 1, lanes: lanes.length };
  const routed: TimelineLink[] = links.flatMap((l) => {
    const from = byKey.get(l.from);
    const to = byKey.get(l.to);
    if (!from || !to) return [];
    const others = dots.filter((d) => d.key !== l.from && d.key !== l.to);
    return [{ ...l, route: routeLink({ x: from.x, y: from.y }, { x: to.x, y: to.y }, others, grid) }];
  });

  const last = events[events.length - 1];
  return {
    lanes,
    items,
    links: routed,
    // Wide enough for the last column's texts too, so nothing is cut off at the right.
    width: Math.max(o.gutter + (column + 1) * o.columnWidth, Math.ceil(rightmost) + 12),
    height: lanes.length * o.laneHeight,
    startedAt,
    durationMs: last && startedAt ? Date.parse(last.at) - t0 : 0,
    errors: items.filter((i) => i.tone === 'error' && i.type !== 'arrived').length,
  };
}

/** The radius of a step's dot as trace-timeline.tsx draws it: an arrival is the smaller. */
export const dotRadius = (type: string) => (type === 'arrived' ? 6 : 8);

/** A link as the plain SVG path, heedless of other dots: straight within a lane, an S-curve between lanes. Links are drawn along `TimelineLink.route`. */
export function linkPath(from: Pick<TimelineItem, 'x' | 'y'>, to: Pick<TimelineItem, 'x' | 'y'>): string {
  return routePath(linkRoute(from, to));
}

/** linkPath's route. */
export function linkRoute(from: Pick<TimelineItem, 'x' | 'y'>, to: Pick<TimelineItem, 'x' | 'y'>): LinkRoute {
  return sCurve({ x: from.x, y: from.y }, { x: to.x, y: to.y });
}

/**
 * Options that fit `columns` steps into `available` pixels when they can, without making a
 * column narrower than a label needs (`min`) or wider than reads well (`max`); past that the
 * drawing scrolls sideways.
 */
export function fitTimelineOptions(columns: number, available: number, o: { min?: number; max?: number; gutter?: number } = {}): TimelineOptions {
  const min = o.min ?? 92;
  const max = o.max ?? DEFAULT_TIMELINE_OPTIONS.columnWidth;
  const gutter = o.gutter ?? 150;
  const fitted = columns > 0 ? Math.floor((available - gutter) / columns) : max;
  return { ...DEFAULT_TIMELINE_OPTIONS, gutter, columnWidth: Math.max(min, Math.min(max, fitted)) };
}
