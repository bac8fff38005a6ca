import { createTRPCUntypedClient, httpBatchLink } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../ui/error-message';
import { checkedFetch, NotTheServer } from './checked-fetch';

const answering = (body: string, init: ResponseInit): typeof fetch => async () => new Response(body, init);

describe('checkedFetch (the console’s tRPC link)', () => {
  it('passes the server’s JSON answers through, errors included', async () => {
    const f = checkedFetch(answering('[{"error":{"message":"nope"}}]', { status: 404, headers: { 'content-type': 'application/json' } }));
    expect((await f('http://127.0.0.1/trpc/x')).status).toBe(404);
  });

  it('turns an answer that is not JSON into NotTheServer with its status, which the page names', async () => {
    const f = checkedFetch(answering('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' } }));
    await expect(f('http://127.0.0.1/trpc/x')).rejects.toEqual(new NotTheServer(502, 'Bad Gateway'));

    // Through the tRPC client, as the pages see it.
    const client = createTRPCUntypedClient({ links: [httpBatchLink({ url: 'http://127.0.0.1:9/trpc', fetch: f })] });
    const failure = await client.query('queues.list').catch((e: unknown) => e);
    expect(errorMessage(failure)).toBe(
      'The Hatoba server did not answer: something in between (a proxy or load balancer) replied with HTTP 502 Bad Gateway instead, so the server may be down or restarting; the page keeps retrying.',
    );
    const plain = checkedFetch(answering('down', { status: 503, headers: {} }));
    expect(errorMessage(await plain('http://127.0.0.1/trpc/x').catch((e: unknown) => e))).toContain('replied with HTTP 503 instead');
  });
});
