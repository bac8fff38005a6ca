import type { QueueDeclaration } from '../../server/broker/queue-settings';
import { deadLetterQueueOf } from '../../server/broker/name-rules';
import { declareNameProblem, keyProblem } from '../ui/declare-name';
import type { Durability } from './tier-promise';

/** Where a new queue's dead letters go: its own `<name>.dlq` (the broker's default), an exchange, or nowhere. */
export type DeadLetterChoice = 'own' | 'exchange' | 'drop';

/** The "New queue" form as typed: text fields stay text until submit, so a half-typed number is not lost. */
export interface QueueDraft {
  name: string;
  durability: Durability;
  maxDeliveries: string;
  visibilitySeconds: string;
  deadLetter: DeadLetterChoice;
  dlExchange: string;
  dlRoutingKey: string;
  retryInitialSeconds: string;
  retryMaxSeconds: string;
  ttlSeconds: string;
  maxLength: string;
}

/** The broker's defaults on show (5 deliveries, 30 s), so the operator sees what they get. */
export const NEW_QUEUE_DRAFT: QueueDraft = {
  name: '',
  durability: 'durable',
  maxDeliveries: '5',
  visibilitySeconds: '30',
  deadLetter: 'own',
  dlExchange: '',
  dlRoutingKey: '',
  retryInitialSeconds: '',
  retryMaxSeconds: '',
  ttlSeconds: '',
  maxLength: '',
};

/** The dead-letter choice's label; the own queue is named, as it will be created. */
export function deadLetterLabel(choice: DeadLetterChoice, name: string): string {
  if (choice === 'own') return `Own queue ${deadLetterQueueOf(name.trim() || '<name>')}`;
  return choice === 'exchange' ? 'Through an exchange' : 'Dropped';
}

interface NumberRule {
  label: string;
  min: number;
  max: number;
  integer?: boolean;
  /** Typed in seconds, sent in milliseconds. */
  seconds?: boolean;
}

/** A number field: blank is undefined (the broker's default), else the value in the broker's unit, or a problem. */
function numberField(text: string, rule: NumberRule, problems: string[]): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t);
  const unit = rule.seconds ? ' seconds' : '';
  if (!Number.isFinite(n) || (rule.integer && !Number.isInteger(n))) {
    problems.push(`${rule.label} must be ${rule.integer ? 'a whole number' : 'a number'}${unit ? ` of${unit}` : ''}`);
    return undefined;
  }
  if (n < rule.min || n > rule.max) {
    problems.push(`${rule.label} must be from ${rule.min.toLocaleString('en-US')} to ${rule.max.toLocaleString('en-US')}${unit}`);
    return undefined;
  }
  return rule.seconds ? Math.round(n * 1000) : n;
}

const DAY_S = 86_400;

/**
 * The draft as `queues.create` takes it, or the problems to show. Checks only what is plainly
 * wrong (names, numbers, ranges the broker states); the server's answer stays authoritative.
 */
export function queueDraftInput(d: QueueDraft): { problems: string[]; input: { name: string; settings: QueueDeclaration } | null } {
  const problems: string[] = [];
  const name = d.name.trim();
  const nameProblem = declareNameProblem('queue', name);
  if (nameProblem) problems.push(nameProblem);
  const settings: QueueDeclaration = { durability: d.durability };
  const maxDeliveries = numberField(d.maxDeliveries, { label: 'Max deliveries', min: 1, max: 1000, integer: true }, problems);
  if (maxDeliveries !== undefined) settings.maxDeliveries = maxDeliveries;
  const visibility = numberField(d.visibilitySeconds, { label: 'Visibility timeout', min: 0.1, max: 12 * 3600, seconds: true }, problems);
  if (visibility !== undefined) settings.visibilityTimeoutMs = visibility;

  if (d.deadLetter === 'drop') settings.deadLetter = false;
  else if (d.deadLetter === 'own') settings.deadLetter = {};
  else if (!d.dlExchange) problems.push('Choose the exchange that dead letters go through');
  else {
    const key = d.dlRoutingKey.trim();
    const bad = keyProblem('dead-letter routing key', key);
    if (bad) problems.push(bad);
    settings.deadLetter = key ? { exchange: d.dlExchange, routingKey: key } : { exchange: d.dlExchange };
  }

  const initial = numberField(d.retryInitialSeconds, { label: 'Retry initial delay', min: 0, max: DAY_S, seconds: true }, problems);
  const max = numberField(d.retryMaxSeconds, { label: 'Retry max delay', min: 0, max: DAY_S, seconds: true }, problems);
  if (initial !== undefined && max !== undefined && max < initial) problems.push('Retry max delay must not be below the initial delay');
  if (initial !== undefined || max !== undefined) {
    settings.retry = {};
    if (initial !== undefined) settings.retry.initialDelayMs = initial;
    if (max !== undefined) settings.retry.maxDelayMs = max;
  }
  const ttl = numberField(d.ttlSeconds, { label: 'Message TTL', min: 0.001, max: 365 * DAY_S, seconds: true }, problems);
  if (ttl !== undefined) settings.messageTtlMs = ttl;
  const maxLength = numberField(d.maxLength, { label: 'Max length', min: 1, max: 1_000_000_000, integer: true }, problems);
  if (maxLength !== undefined) settings.maxLength = maxLength;

  return problems.length > 0 ? { problems, input: null } : { problems, input: { name, settings } };
}
