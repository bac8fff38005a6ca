import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { Api, snap, unique } from './api';

async function expectNoSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`)).toEqual([]);
}

test.describe('accessibility (axe-core: no critical or serious violations)', () => {
  let queue: string;
  let correlationId: string;
  let messageId: string;

  test.beforeAll(async ({ request }) => {
    const api = new Api(request);
    queue = unique('a11y');
    await api.call('PUT', '/v1/exchanges/a11y-orders', { type: 'topic' });
    await api.queue(queue, { maxDeliveries: 1 });
    await api.call('POST', '/v1/bindings', { exchange: 'a11y-orders', queue, key: 'order.*' });
    const sent = await api.call('POST', '/v1/exchanges/a11y-orders/messages', { orderId: 1 }, { 'hatoba-routing-key': 'order.created' });
    correlationId = sent.correlationId;
    messageId = sent.id;
    await api.failUntilDead(queue, 1, 'boom');
    await api.publishToQueue(queue, 'plain text body', { 'content-type': 'text/plain' });
  });

  const pages: [string, () => string, RegExp | string][] = [
    ['overview', () => '/', 'Totals'],
    ['queues', () => '/queues', 'Queue'],
    ['queue', () => `/queues/${queue}`, 'Depth over time'],
    ['dead-letters', () => `/dead-letters?queue=${queue}.dlq`, 'boom'],
    ['traces', () => '/traces', 'Recent traces'],
    ['trace', () => `/traces/${correlationId}`, 'max deliveries: boom'],
    ['messages', () => '/messages', 'Latest messages'],
    ['message', () => `/messages/${messageId}`, 'Where it waits now'],
    ['topology', () => '/topology', 'a11y-orders'],
    ['exchanges', () => '/exchanges', 'a11y-orders'],
    ['exchange', () => '/exchanges/a11y-orders', 'Publish a message'],
    ['history', () => '/history?exchange=a11y-orders', 'Messages per routing key'],
    ['webhooks', () => '/webhooks', /^Push endpoints/],
    ['nodes', () => '/nodes', 'One node'],
    ['keys', () => '/keys', 'New key'],
    ['audit', () => '/audit', 'Audit log'],
    ['login', () => '/login', 'No sign-in needed'],
  ];

  for (const [name, url, ready] of pages) {
    test(`${name} page`, async ({ page }) => {
      await page.goto(url());
      await expect(page.getByRole('main').getByText(ready, { exact: true }).first()).toBeVisible();
      await page.waitForTimeout(300); // let charts and the graph settle
      await expectNoSeriousViolations(page);
      await snap(page, `a11y-${name}`);
    });
  }

  test('dark theme keeps enough contrast', async ({ browser }) => {
    const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    for (const path of ['/', `/queues/${queue}`, '/exchanges/a11y-orders', `/dead-letters?queue=${queue}.dlq`, `/traces/${correlationId}`]) {
      await page.goto(path);
      await page.waitForTimeout(1500);
      await expectNoSeriousViolations(page);
    }
    await snap(page, 'dark-trace');
    await context.close();
  });
});
