import { describe, expect, it } from 'vitest';
import { headersMatch, route, topicMatches, type TopologySnapshot } from './route';
import type { Binding, Exchange, Queue } from './types';
import { resolveQueueSettings } from './queue-settings';

describe('topicMatches (AMQP semantics)', () => {
  it.each([
    ['order.*', 'order.completed', true],
    ['order.*', 'order.completed.eu', false],
    ['order.#', 'order', true],
    ['order.#', 'order.completed.eu', true],
    ['#', 'anything.at.all', true],
    ['#', '', true],
    ['*', '', false],
    ['*.completed', 'order.completed', true],
    ['#.completed', 'a.b.completed', true],
    ['#.completed', 'completed', true],
    ['a.#.z', 'a.z', true],
    ['a.#.z', 'a.b.c.z', true],
    ['a.#.z', 'a.b.c', false],
    ['a.*.#', 'a', false],
    ['a.*.#', 'a.b', true],
    ['order.completed', 'order.completed', true],
    ['order.completed', 'order.cancelled', false],
  ])('%s ~ %s → %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });
});

describe('headersMatch', () => {
  const values = { region: 'eu', tier: 'gold' };
  it('all needs every header', () => {
    expect(headersMatch({ match: 'all', values }, { region: 'eu', tier: 'gold', x: '1' })).toBe(true);
    expect(headersMatch({ match: 'all', values }, { region: 'eu' })).toBe(false);
  });
  it('any needs one header', () => {
    expect(headersMatch({ match: 'any', values }, { region: 'eu' })).toBe(true);
    expect(headersMatch({ match: 'any', values }, { region: 'us' })).toBe(false);
  });
  it('compares header names case-insensitively (message headers are stored lowercased)', () => {
    expect(headersMatch({ match: 'all', values: { Region: 'eu' } }, { region: 'eu' })).toBe(true);
  });
});

describe('route', () => {
  const q = (name: string): [string, Queue] => [name, { name, settings: resolveQueueSettings(name) }];
  const ex = (name: string, type: Exchange['type']): [string, Exchange] => [name, { name, type }];
  const bindings: Binding[] = [
    { exchange: 'orders', queue: 'inventory', key: 'order.*' },
    { exchange: 'orders', queue: 'audit', key: '#' },
    { exchange: 'orders', queue: 'audit', key: 'order.completed' },
    { exchange: 'direct', queue: 'inventory', key: 'a' },
    { exchange: 'fan', queue: 'inventory', key: '' },
    { exchange: 'fan', queue: 'audit', key: 'ignored' },
    { exchange: 'hdr', queue: 'audit', key: '', headers: { match: 'all', values: { kind: 'x' } } },
  ];
  const topology: TopologySnapshot = {
    exchanges: new Map([ex('amq.default', 'direct'), ex('orders', 'topic'), ex('direct', 'direct'), ex('fan', 'fanout'), ex('hdr', 'headers')]),
    queues: new Map([q('inventory'), q('audit')]),
    bindingsByExchange: new Map(
      ['orders', 'direct', 'fan', 'hdr'].map((e) => [e, bindings.filter((b) => b.exchange === e)] as const),
    ),
  };
  it('topic: each queue once, sorted', () => {
    expect(route(topology, 'orders', 'order.completed', {})).toEqual(['audit', 'inventory']);
    expect(route(topology, 'orders', 'payment.failed', {})).toEqual(['audit']);
  });
  it('direct: exact key only', () => {
    expect(route(topology, 'direct', 'a', {})).toEqual(['inventory']);
    expect(route(topology, 'direct', 'b', {})).toEqual([]);
  });
  it('fanout ignores keys', () => {
    expect(route(topology, 'fan', 'whatever', {})).toEqual(['audit', 'inventory']);
  });
  it('headers match on headers, not keys', () => {
    expect(route(topology, 'hdr', 'k', { kind: 'x' })).toEqual(['audit']);
    expect(route(topology, 'hdr', 'k', { kind: 'y' })).toEqual([]);
  });
  it('default exchange routes to the queue named by the key', () => {
    expect(route(topology, 'amq.default', 'audit', {})).toEqual(['audit']);
    expect(route(topology, 'amq.default', 'nope', {})).toEqual([]);
  });
});
