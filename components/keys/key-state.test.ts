import { describe, expect, it } from 'vitest';
import { freshKeyToShow, revokeEffect, revokedMessage } from './key-state';

describe('what the Keys page promises about revoking', () => {
  it('promises refusal only when keys are enforced', () => {
    expect(revokeEffect('hk_ab12', true)).toBe('Requests with hk_ab12… are refused at once, on every node.');
    expect(revokedMessage('grafana', true)).toBe('Revoked grafana: it is refused from now on, on every node.');
  });

  it('with auth off says nothing changes until auth is on', () => {
    expect(revokeEffect('hk_ab12', false)).toMatch(/^Auth is off on this server, so requests with hk_ab12… are let in now/);
    expect(revokeEffect('hk_ab12', false)).toMatch(/until auth is turned on/);
    expect(revokedMessage('grafana', false)).toMatch(/^Revoked grafana\. Auth is off, so nothing changes until auth is turned on/);
    expect(revokedMessage('grafana', false)).not.toMatch(/refused from now on/);
  });

  it('while unknown, ties the promise to auth being on', () => {
    expect(revokeEffect('hk_ab12', null)).toMatch(/whenever auth is on/);
  });
});

describe('freshKeyToShow', () => {
  const fresh = { id: 'k1', name: 'checkout', secret: 'hk_secret' };

  it('keeps the new secret on show while its key is live', () => {
    expect(freshKeyToShow(fresh, undefined)).toBe(fresh);
    expect(freshKeyToShow(fresh, [{ id: 'k1', revokedAt: null }, { id: 'k2', revokedAt: '2025-01-01T00:00:00.000Z' }])).toBe(fresh);
    expect(freshKeyToShow(null, [])).toBeNull();
  });

  it('hides it once the list says that key is revoked (here or on another page)', () => {
    expect(freshKeyToShow(fresh, [{ id: 'k1', revokedAt: '2025-01-01T00:00:00.000Z' }])).toBeNull();
  });
});
