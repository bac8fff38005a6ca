import { describe, expect, it } from 'vitest';
import { bindingMatch, exchangeHref, exchangeLinks, keySuggestions, routingKeyProblem, routingWords, typeLede, usesRoutingKey } from './exchange-routing';

describe('bindingMatch', () => {
  it('says a key, a pattern, or the header arguments a binding matches', () => {
    expect(bindingMatch('direct', { queue: 'q', key: 'price.quote' })).toBe('price.quote');
    expect(bindingMatch('topic', { queue: 'q', key: 'order.*' })).toBe('order.*');
    expect(bindingMatch('direct', { queue: 'q', key: '' })).toBe('(empty key)');
    expect(bindingMatch('fanout', { queue: 'q', key: 'ignored' })).toBe('every message');
    expect(bindingMatch('headers', { queue: 'q', key: '', headers: { match: 'all', values: { tenant: 'acme' } } })).toBe('tenant = acme');
    expect(bindingMatch('headers', { queue: 'q', key: '', headers: { match: 'all', values: { tenant: 'acme', region: 'eu' } } })).toBe('all of tenant = acme, region = eu');
    expect(bindingMatch('headers', { queue: 'q', key: '', headers: { match: 'any', values: { a: '1', b: '2' } } })).toBe('any of a = 1, b = 2');
    expect(bindingMatch('headers', { queue: 'q', key: '' })).toBe('every message (no header arguments)');
  });
});

describe('routingWords and usesRoutingKey', () => {
  it('explains each type, and the default exchange as routing by queue name', () => {
    expect(typeLede('amq.default', 'direct')).toBe('The default exchange (direct): to every queue, by name');
    expect(typeLede('orders', 'topic')).toBe('Topic exchange: routing key matched against binding patterns');
    expect(typeLede('all', 'fanout')).toBe('Fanout exchange: every bound queue');
    expect(routingWords('amq.default', 'direct')).toMatch(/queue named by its routing key/);
    expect(routingWords('pricing', 'direct')).toMatch(/^A direct exchange/);
    expect(routingWords('orders', 'topic')).toMatch(/\* is one word, # zero or more/);
    expect(routingWords('all', 'fanout')).toMatch(/routing key is ignored/);
    expect(routingWords('h', 'headers')).toMatch(/routing key is ignored/);
    expect(['direct', 'topic', 'fanout', 'headers'].filter((t) => usesRoutingKey(t as 'direct'))).toEqual(['direct', 'topic']);
  });
});

describe('keySuggestions', () => {
  const bindings = [
    { queue: 'a', key: 'order.completed' },
    { queue: 'b', key: 'order.*' },
    { queue: 'c', key: 'order.completed' },
    { queue: 'd', key: 'invoice.#' },
    { queue: 'e', key: 'audit.log' },
  ];
  it('offers the keys that reach a binding, without wildcards or repeats', () => {
    expect(keySuggestions('orders', 'topic', bindings)).toEqual(['audit.log', 'order.completed']);
    expect(keySuggestions('all', 'fanout', bindings)).toEqual([]);
  });
  it('offers queue names on the default exchange, leaving out the broker\'s own', () => {
    expect(keySuggestions('amq.default', 'direct', [], ['shipping', 'amq.reply.n1', 'inventory'])).toEqual(['inventory', 'shipping']);
  });
});

describe('exchange links', () => {
  it('points at the history and the topology searched for the exchange', () => {
    expect(exchangeLinks('orders')).toEqual({ history: '/history?exchange=orders', topology: '/topology?q=orders' });
    expect(exchangeLinks('amq.default').topology).toBe('/topology?q=amq.default&default=1');
    expect(exchangeHref('a:b')).toBe('/exchanges/a%3Ab');
  });
});

describe('routingKeyProblem', () => {
  it('refuses what the broker refuses, before sending', () => {
    expect(routingKeyProblem('order.created')).toBeNull();
    expect(routingKeyProblem('')).toBeNull();
    expect(routingKeyProblem('order created')).toMatch(/white space/);
    expect(routingKeyProblem('order.*')).toMatch(/wildcards/);
    expect(routingKeyProblem('x'.repeat(256))).toMatch(/255/);
  });
});
