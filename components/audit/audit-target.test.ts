import { describe, expect, it } from 'vitest';
import { auditTarget } from './audit-target';

describe('auditTarget', () => {
  it('links a queue to its page, except once it is deleted', () => {
    expect(auditTarget('queue.purge', 'orders', { purged: 3 })).toEqual({ text: 'orders', href: '/queues/orders', title: 'orders' });
    expect(auditTarget('queue.replay', 'orders.dlq', {}).href).toBe('/queues/orders.dlq');
    expect(auditTarget('push.declare', 'hooks', {}).href).toBe('/queues/hooks');
    expect(auditTarget('queue.delete', 'orders', {}).href).toBeNull();
  });

  it('links an exchange to its page, with the name escaped', () => {
    expect(auditTarget('exchange.replay', 'a:b', {}).href).toBe('/exchanges/a%3Ab');
    expect(auditTarget('exchange.publish', 'orders', {}).href).toBe('/exchanges/orders');
    expect(auditTarget('exchange.delete', 'orders', {}).href).toBeNull();
  });

  it('shows a key by its name, with its id in the tooltip', () => {
    const id = '0190c6d4-8d7b-7c2a-9f00-1234567890ab';
    expect(auditTarget('key.create', id, { name: 'billing', scopes: ['publish'] })).toEqual({ text: 'billing', href: '/keys', title: `billing (key ${id})` });
    expect(auditTarget('key.revoke', id, { name: 'billing', prefix: 'hk_ab' }).text).toBe('billing');
    // a key revoked when it no longer existed has no name to show
    expect(auditTarget('key.revoke', id, null)).toEqual({ text: id, href: '/keys', title: id });
  });

  it('leaves other targets as stored', () => {
    expect(auditTarget('binding.declare', 'orders → work', { key: 'a.*' })).toEqual({ text: 'orders → work', href: null, title: 'orders → work' });
    expect(auditTarget('session.login', 'admin', null).href).toBeNull();
  });
});
