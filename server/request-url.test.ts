import { describe, expect, it } from 'vitest';
import { parseRequestUrl } from './request-url';

// What the server used before: the WHATWG URL parser. The fast path must read every target the same way.
const reference = (target: string) => new URL(target, 'http://localhost');

const targets = [
  '/',
  '/v1/exchanges/bench/messages',
  '/v1/exchanges/bench/messages?key=a.b',
  '/v1/queues/orders/messages?',
  '/v1/queues/a%2Fb/receive',
  '/v1/messages?q=x&limit=10&header=a%3Db&header=c',
  '/v1/exchanges/amq.default/messages:batch',
  "/v1/x/!$&'()*+,;=:@~_-",
  '/v1/queues/./x',
  '/v1/queues/../x',
  '/v1/queues/%2e%2E/x',
  '/v1/queues/.%2e',
  '/v1/queues/x/.',
  '/v1/a..b/c.d',
  '//evil.example/v1/queues',
  '/v1/queues/a b',
  '/v1/queues/ü',
  '/v1/queues/a\\b',
  '/v1/queues/x#frag',
  '/v1/queues/x?a=1#frag',
  '/v1/queues/{x}',
  '/v1/queues/x?q=a b',
  '/v1/queues/x?q="quoted"',
  '/v1/queues/x??a=1',
  '/v1//double',
  '/%zz',
  "/v1/queues/x?q=a'b",
  '/v1/queues/x?q=%27&r=%zz',
];

describe('parseRequestUrl', () => {
  it.each(targets)('reads %s as the URL parser does', (target) => {
    const fast = parseRequestUrl(target);
    const ref = reference(target);
    expect(fast.pathname).toBe(ref.pathname);
    expect(fast.search).toBe(ref.search);
    expect([...fast.searchParams]).toEqual([...ref.searchParams]);
  });

  it('parses the query only when asked, once', () => {
    const url = parseRequestUrl('/v1/messages?limit=5');
    expect(url.searchParams).toBe(url.searchParams);
    expect(url.searchParams.get('limit')).toBe('5');
  });
});
