import { describe, expect, it } from 'vitest';
import { covers, matchPattern, needs, scopeProblem } from './scopes';

describe('matchPattern', () => {
  it.each([
    ['orders', 'orders', true],
    ['orders', 'orders.eu', false],
    ['orders*', 'orders', true],
    ['orders*', 'orders.eu', true],
    ['orders*', 'order', false],
    ['*', 'anything', true],
    ['*.dlq', 'orders.dlq', true],
    ['*.dlq', 'orders.dlq.x', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
  ])('%s ~ %s = %s', (pattern, name, expected) => {
    expect(matchPattern(pattern, name)).toBe(expected);
  });
});

describe('covers: each scope allows exactly what it names', () => {
  const all = [needs.manage, needs.monitoring, needs.admin, needs.publish('orders'), needs.consume('orders'), needs.publish('billing')];
  const allowed = (scopes: string[]) => all.filter((n) => covers(scopes, n));

  it('publish, consume, manage, monitoring, admin', () => {
    expect(allowed(['publish:ord*'])).toEqual([needs.publish('orders')]);
    expect(allowed(['consume:orders'])).toEqual([needs.consume('orders')]);
    expect(allowed(['manage'])).toEqual([needs.manage]);
    expect(allowed(['monitoring'])).toEqual([needs.monitoring]);
    expect(allowed(['admin'])).toEqual(all);
    expect(allowed(['publish:*', 'consume:*'])).toEqual([needs.publish('orders'), needs.consume('orders'), needs.publish('billing')]);
    expect(allowed([])).toEqual([]);
  });

  it('public needs no scope', () => {
    expect(covers([], needs.public)).toBe(true);
  });
});

describe('scopeProblem', () => {
  it('accepts the five kinds and refuses the rest', () => {
    for (const s of ['publish:orders*', 'consume:*', 'manage', 'monitoring', 'admin']) expect(scopeProblem(s)).toBeNull();
    for (const s of ['publish', 'publish:', 'write:orders', '*', 'Admin']) expect(scopeProblem(s)).not.toBeNull();
  });
});

describe('scopeProblem: a pattern no name can match', () => {
  it('refuses characters no exchange or queue name holds, naming the scope and the character', () => {
    expect(scopeProblem('publish:a b')).toMatch(/'publish:a b' contains " ", which no exchange name can hold/);
    expect(scopeProblem('consume:orders/eu')).toMatch(/'consume:orders\/eu' contains "\/", which no queue name can hold/);
    for (const s of ['publish:a?', 'consume:ö*', 'publish:x\ty', 'consume:a,b']) expect(scopeProblem(s)).not.toBeNull();
  });

  it('accepts every character a name may have, and *', () => {
    for (const s of ['publish:Orders_2024.eu:v1-x', 'consume:*.dlq', 'publish:amq.default', 'consume:a*b*c', 'publish:*']) expect(scopeProblem(s)).toBeNull();
  });
});
