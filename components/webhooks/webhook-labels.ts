import type { PushEndpointRow, WebhookSource } from '@/server/trpc/routers/webhooks';
import { formatCount, formatDuration } from '../ui/format';

/** Where a sender posts a source's webhooks: the gateway is served by the console's own origin. */
export const hookPath = (name: string) => `/v1/hooks/${encodeURIComponent(name)}`;
export const hookUrl = (origin: string | null, name: string) => `${origin ?? ''}${hookPath(name)}`;

export const queueHref = (name: string) => `/queues/${encodeURIComponent(name)}`;

/** How a source's requests are checked, in the words of API.md's Webhooks section. */
export function schemeLabel(verify: WebhookSource['verify']): { label: string; detail: string | null } {
  const rotating = verify.secrets > 1 ? `${verify.secrets} secrets (rotating)` : null;
  const joined = (...parts: (string | null)[]) => parts.filter(Boolean).join(' · ') || null;
  switch (verify.scheme) {
    case 'standard-webhooks':
      return { label: 'Standard Webhooks', detail: joined(verify.timestampToleranceS ? `timestamp ±${formatDuration(verify.timestampToleranceS * 1000)}` : null, rotating) };
    case 'hmac-sha256':
      return { label: 'HMAC-SHA256', detail: joined(verify.header ? `header ${verify.header}` : null, rotating) };
    case 'none':
      // Unsigned: the sender needs a key with publish on the exchange instead (API.md, Security).
      return { label: 'none', detail: 'needs a publish key' };
    default:
      return { label: verify.scheme, detail: rotating };
  }
}

/** Where the routing key of a source's messages comes from; none declared: the CloudEvents type when the request is an event (inbound.ts). */
export function routingKeyLabel(rule: WebhookSource['routingKey']): string {
  if (!rule) return 'CloudEvents type, else empty';
  if (rule.from === 'header') return `header ${rule.name}`;
  if (rule.from === 'json') return `JSON ${rule.path}`;
  return 'CloudEvents type';
}

export function rateLimitLabel(limit: WebhookSource['rateLimit']): string {
  if (!limit) return 'default';
  if (limit.perSecond === 0) return 'not limited';
  return `${formatCount(limit.perSecond)}/s, bursts of ${formatCount(limit.burst)}`;
}

/** The outcomes that answered the sender with an error (401 or 429): a source being refused is what an operator looks for. */
const REFUSALS: Record<string, string> = {
  signature_missing: 'no signature',
  signature_invalid: 'bad signature',
  timestamp_out_of_tolerance: 'stale timestamp',
  rate_limited: 'rate limited',
};

/** What this node did with a source's webhooks since it started: accepted (duplicates apart) and refused, by reason. */
export function outcomeSummary(counts: Record<string, number>): { accepted: number; duplicates: number; refused: number; reasons: string[] } {
  const reasons = Object.keys(REFUSALS)
    .filter((code) => (counts[code] ?? 0) > 0)
    .map((code) => `${formatCount(counts[code]!)} ${REFUSALS[code]}`);
  const refused = Object.keys(REFUSALS).reduce((n, code) => n + (counts[code] ?? 0), 0);
  return { accepted: counts.accepted ?? 0, duplicates: counts.duplicate ?? 0, refused, reasons };
}

/** A push endpoint's badge: disabled (and why) is the state that needs someone; active but not run here is said, not alarmed. */
export function pushStatus(e: Pick<PushEndpointRow, 'status' | 'disabledReason' | 'running'>): { tone: 'ok' | 'critical'; label: string; note: string | null } {
  if (e.status === 'disabled') return { tone: 'critical', label: 'disabled', note: e.disabledReason ?? 'no reason recorded' };
  return { tone: 'ok', label: 'active', note: null };
}

/**
 * One command each to declare one, for the empty states, against the origin the console is served
 * from (the gateway shares it). The secret is left out: one is generated and shown once in the answer.
 */
export function sourceExample(origin: string | null): string {
  const body = '{"exchange":"events","verify":{"scheme":"hmac-sha256"},"routingKey":{"from":"header","name":"x-github-event"}}';
  return `curl -X PUT ${origin ?? 'http://127.0.0.1:3000'}/v1/sources/github \\\n  -H 'content-type: application/json' \\\n  -d '${body}'`;
}

export function pushExample(origin: string | null): string {
  return `curl -X PUT ${origin ?? 'http://127.0.0.1:3000'}/v1/queues/orders/push \\\n  -H 'content-type: application/json' \\\n  -d '{"url":"https://example.com/hook"}'`;
}
