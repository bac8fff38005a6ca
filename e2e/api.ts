import { expect, type APIRequestContext, type Page } from '@playwright/test';

/** Test data goes in through the public HTTP API (/v1), as a client would put it there. */
export class Api {
  constructor(private readonly request: APIRequestContext) {}

  async call<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.request.fetch(path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      data: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status(), `${method} ${path}: ${text}`).toBeLessThan(300);
    return (text ? JSON.parse(text) : null) as T;
  }

  queue(name: string, settings: Record<string, unknown> = {}) {
    return this.call('PUT', `/v1/queues/${name}`, settings);
  }

  publishToQueue(queue: string, body: unknown, headers: Record<string, string> = {}) {
    return this.call<{ id: string; correlationId: string }>('POST', `/v1/queues/${queue}/messages`, body, headers);
  }

  receive(queue: string, max = 1, waitMs = 5000) {
    return this.call<{ messages: { id: string; receipt: string; attempt: number }[] }>('POST', `/v1/queues/${queue}/receive`, { max, waitMs });
  }

  nack(queue: string, receipts: string[], error: string) {
    return this.call('POST', `/v1/queues/${queue}/nack`, { receipts, error });
  }

  /** Receives and nacks until the message is dead (the queue must have a short retry delay). */
  async failUntilDead(queue: string, maxDeliveries: number, error: string) {
    for (let attempt = 1; attempt <= maxDeliveries; attempt++) {
      const { messages } = await this.receive(queue, 1, 10_000);
      expect(messages, `delivery ${attempt} of ${queue}`).toHaveLength(1);
      expect(messages[0]!.attempt).toBe(attempt);
      await this.nack(queue, [messages[0]!.receipt], error);
    }
  }
}

/** A name no other test (or earlier run on the same data directory) uses. */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;

/** Full-page screenshots of each page, kept under test-results and copied to docs/screenshots by hand. */
export async function snap(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}
