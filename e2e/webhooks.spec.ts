import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { Api, snap, unique } from './api';

/** A receiver on loopback that answers 410 Gone, so the broker disables the endpoint pushing to it. */
async function goneReceiver(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(410).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A loopback port nobody listens on: an endpoint there stays active while its queue is empty. */
async function closedPort(): Promise<number> {
  const { server, port } = await goneReceiver();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function openViaNav(page: Page) {
  await page.goto('/');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Webhooks' }).click();
  await expect(page).toHaveURL(/\/webhooks$/);
  await expect(nav.getByRole('link', { name: 'Webhooks' })).toHaveAttribute('aria-current', 'page');
}

test('the webhooks page shows sources with their hook URL and refusals, and push endpoints masked, active or disabled with the reason', async ({ page, request }) => {
  const api = new Api(request);
  const exchange = unique('hooks-x');
  const source = unique('gh');
  const pushed = unique('pushed');
  const gone = unique('gone');
  await api.call('PUT', `/v1/exchanges/${exchange}`, { type: 'topic' });
  await api.call('PUT', `/v1/sources/${source}`, {
    exchange,
    verify: { scheme: 'hmac-sha256', secret: 'e2e-secret-never-shown' },
    routingKey: { from: 'header', name: 'x-github-event' },
  });
  // One webhook with a wrong signature: refused, and counted on this node.
  const refused = await request.post(`/v1/hooks/${source}`, { data: '{}', headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=00' } });
  expect(refused.status()).toBe(401);

  await api.queue(pushed);
  await api.call('PUT', `/v1/queues/${pushed}/push`, { url: `http://user:pw@127.0.0.1:${await closedPort()}/hook`, concurrency: 2, timeoutMs: 3000 });
  const receiver = await goneReceiver();
  try {
    await api.queue(gone);
    await api.call('PUT', `/v1/queues/${gone}/push`, { url: `http://127.0.0.1:${receiver.port}/gone` });
    await api.publishToQueue(gone, { n: 1 });
    await expect.poll(async () => (await api.call('GET', `/v1/queues/${gone}/push`)).status, { timeout: 15_000 }).toBe('disabled');
  } finally {
    receiver.server.close();
  }

  await openViaNav(page);
  const sources = page.getByRole('table', { name: /Inbound sources/ });
  const row = sources.getByRole('row').filter({ hasText: source });
  await expect(row.getByRole('link', { name: exchange })).toHaveAttribute('href', `/exchanges/${exchange}`);
  await expect(row).toContainText('HMAC-SHA256');
  await expect(row).toContainText('header x-github-event');
  await expect(row).toContainText('1 refused');
  await expect(row).toContainText('1 bad signature');
  await expect(row.locator('code')).toHaveText(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/v1/hooks/${source}$`));
  await expect(page.getByRole('button', { name: `Copy the hook URL of ${source}` })).toBeVisible();
  await expect(page.getByRole('main')).not.toContainText('e2e-secret-never-shown');

  const push = page.getByRole('table', { name: /Push endpoints/ });
  const active = push.getByRole('row').filter({ has: page.getByRole('link', { name: pushed, exact: true }) });
  await expect(active.getByRole('link', { name: pushed })).toHaveAttribute('href', `/queues/${pushed}`);
  await expect(active).toContainText(/http:\/\/user:\*\*\*@127\.0\.0\.1:\d+\/hook/);
  await expect(active).not.toContainText(':pw@');
  await expect(active).toContainText('active');
  await expect(active).toContainText('delivering');
  const disabled = push.getByRole('row').filter({ has: page.getByRole('link', { name: gone, exact: true }) });
  await expect(disabled).toContainText('disabled');
  await expect(disabled).toContainText('answered 410 Gone');
  await snap(page, 'webhooks');

  await page.setViewportSize({ width: 390, height: 844 });
  await expect(push).toBeVisible();
  await snap(page, 'webhooks-phone');
});
