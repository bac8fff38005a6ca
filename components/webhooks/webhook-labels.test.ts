import { describe, expect, it } from 'vitest';
import { hookUrl, outcomeSummary, pushExample, pushStatus, rateLimitLabel, routingKeyLabel, schemeLabel, sourceExample } from './webhook-labels';

describe('webhook labels', () => {
  it('gives senders the hook URL on the console origin, the name encoded', () => {
    expect(hookUrl('http://127.0.0.1:3000', 'github')).toBe('http://127.0.0.1:3000/v1/hooks/github');
    expect(hookUrl(null, 'a b')).toBe('/v1/hooks/a%20b');
  });

  it('names the scheme and what a sender must match', () => {
    expect(schemeLabel({ scheme: 'hmac-sha256', header: 'x-sig', secrets: 1 })).toEqual({ label: 'HMAC-SHA256', detail: 'header x-sig' });
    expect(schemeLabel({ scheme: 'standard-webhooks', timestampToleranceS: 300, secrets: 2 })).toEqual({ label: 'Standard Webhooks', detail: 'timestamp ±5 min · 2 secrets (rotating)' });
    expect(schemeLabel({ scheme: 'none', secrets: 0 })).toEqual({ label: 'none', detail: 'needs a publish key' });
  });

  it('says where the routing key comes from, the default included', () => {
    expect(routingKeyLabel({ from: 'header', name: 'x-github-event' })).toBe('header x-github-event');
    expect(routingKeyLabel({ from: 'json', path: 'event.type' })).toBe('JSON event.type');
    expect(routingKeyLabel({ from: 'cloudevents' })).toBe('CloudEvents type');
    expect(routingKeyLabel(null)).toBe('CloudEvents type, else empty');
  });

  it('reads a rate limit: the default, none, or rate and burst', () => {
    expect(rateLimitLabel(null)).toBe('default');
    expect(rateLimitLabel({ perSecond: 0, burst: 1 })).toBe('not limited');
    expect(rateLimitLabel({ perSecond: 5, burst: 10 })).toBe('5/s, bursts of 10');
  });

  it('adds up refusals by reason and keeps duplicates apart from both', () => {
    expect(outcomeSummary({ accepted: 3, duplicate: 1, signature_invalid: 2, rate_limited: 1 })).toEqual({
      accepted: 3,
      duplicates: 1,
      refused: 3,
      reasons: ['2 bad signature', '1 rate limited'],
    });
    expect(outcomeSummary({})).toEqual({ accepted: 0, duplicates: 0, refused: 0, reasons: [] });
  });

  it('badges a disabled endpoint with its reason', () => {
    expect(pushStatus({ status: 'disabled', disabledReason: '410 Gone', running: false })).toEqual({ tone: 'critical', label: 'disabled', note: '410 Gone' });
    expect(pushStatus({ status: 'disabled', disabledReason: null, running: false }).note).toBe('no reason recorded');
    expect(pushStatus({ status: 'active', disabledReason: null, running: true })).toEqual({ tone: 'ok', label: 'active', note: null });
  });

  it('shows one-line declarations against the console origin', () => {
    expect(sourceExample('https://mq.example')).toMatch(/^curl -X PUT https:\/\/mq\.example\/v1\/sources\/github /);
    expect(pushExample(null)).toMatch(/^curl -X PUT http:\/\/127\.0\.0\.1:3000\/v1\/queues\/orders\/push /);
  });
});
