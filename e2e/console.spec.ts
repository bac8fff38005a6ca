import { expect, test } from '@playwright/test';
import { Api, snap, unique } from './api';

test('the topology shows a new queue', async ({ page, request }) => {
  const api = new Api(request);
  const exchange = unique('topo-x');
  const queue = unique('topo-q');
  await api.call('PUT', `/v1/exchanges/${exchange}`, { type: 'topic' });
  await api.queue(queue);
  await api.call('POST', '/v1/bindings', { exchange, queue, key: 'order.*' });
  await api.publishToQueue(queue, { n: 1 });

  await page.goto('/topology');
  const graph = page.getByTestId('topology');
  await expect(graph.getByRole('link', { name: new RegExp(`^Queue ${queue},`) })).toBeVisible();
  await expect(graph.getByRole('link', { name: `Exchange ${exchange}, topic` })).toBeVisible();
  await expect(graph.getByText('order.*').first()).toBeVisible();
  // live depth on the node
  await expect(graph.getByRole('link', { name: new RegExp(`^Queue ${queue}, 1 messages`) })).toBeVisible();
  await snap(page, 'topology');

  await page.getByLabel('Find exchange or queue').fill(queue);
  await expect(graph.getByRole('link', { name: `Queue ${queue}.dlq, 0 messages, 0 consumers` })).toBeVisible();
  // Clicked right after typing: the navigation wins, and the search is kept in the page it left.
  await graph.getByRole('link', { name: new RegExp(`^Queue ${queue},`) }).click();
  await expect(page).toHaveURL(new RegExp(`/queues/${queue}$`));
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/topology\\?q=${queue}$`));
  await expect(page.getByLabel('Find exchange or queue')).toHaveValue(queue);
  await expect(graph.getByRole('link', { name: new RegExp(`^Exchange `) })).toHaveCount(1);
  // The toggles too, and a reload keeps them.
  await page.getByLabel('Dead-letter queues').uncheck();
  await expect(page).toHaveURL(new RegExp(`/topology\\?q=${queue}&dlqs=0$`));
  await page.reload();
  await expect(page.getByLabel('Dead-letter queues')).not.toBeChecked();
  await expect(graph.getByRole('link', { name: new RegExp(`^Queue ${queue},`) })).toBeVisible();
  await expect(graph.getByRole('link', { name: new RegExp(`^Queue ${queue}\\.dlq,`) })).toHaveCount(0);
});

test('a published message appears in the queue browser', async ({ page, request }) => {
  const api = new Api(request);
  const queue = unique('browse');
  await api.queue(queue);
  const sent = await api.publishToQueue(queue, { orderId: 42, note: 'from the API' }, { 'hatoba-header-tenant': 'acme' });

  await page.goto(`/queues/${queue}`);
  await expect(page.getByRole('heading', { level: 1, name: queue })).toBeVisible();
  const browser = page.getByRole('table', { name: `Messages in ${queue}` });
  await expect(browser.getByText('"orderId":42')).toBeVisible();
  await browser.getByRole('button', { name: `…${sent.id.slice(-8)}` }).click();
  await expect(page.getByLabel('Message body')).toContainText('"note": "from the API"');
  await expect(browser.getByRole('cell', { name: 'acme', exact: true })).toBeVisible();

  // The console's own test publish lands in the same browser.
  await page.getByRole('textbox', { name: 'Body' }).fill('{"orderId": 43}');
  await page.getByRole('button', { name: 'Publish test message' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Published' })).toBeVisible();
  await expect(browser.getByText('"orderId":43')).toBeVisible();
  // Browsing took no lease: both are still ready.
  await expect(browser.getByRole('cell', { name: 'ready' })).toHaveCount(2);
  await snap(page, 'queue');
});

test('purge asks for confirmation', async ({ page, request }) => {
  const api = new Api(request);
  const queue = unique('purge');
  await api.queue(queue);
  for (let i = 0; i < 3; i++) await api.publishToQueue(queue, { i });

  await page.goto(`/queues/${queue}`);
  const browser = page.getByRole('table', { name: `Messages in ${queue}` });
  await expect(browser.getByRole('cell', { name: 'ready' })).toHaveCount(3);
  // A test publish from the page: its notice names a message the purge will delete.
  await page.getByRole('textbox', { name: 'Body' }).fill('{"i": 3}');
  await page.getByRole('button', { name: 'Publish test message' }).click();
  const published = page.getByRole('status').filter({ hasText: 'Published' });
  await expect(published).toBeVisible();
  await expect(browser.getByRole('cell', { name: 'ready' })).toHaveCount(4);
  await page.getByRole('button', { name: 'Purge…' }).click();
  const dialog = page.getByRole('dialog', { name: `Purge ${queue}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('cannot be undone');
  await snap(page, 'purge-dialog');

  // Cancel keeps everything.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(browser.getByRole('cell', { name: 'ready' })).toHaveCount(4);
  await expect(published).toBeVisible();

  await page.getByRole('button', { name: 'Purge…' }).click();
  await dialog.getByRole('button', { name: 'Purge queue' }).click();
  await expect(page.getByText('Purged 4 messages.')).toBeVisible();
  await expect(page.getByText('This queue is empty')).toBeVisible();
  await expect(published).toBeHidden();
});

test('a trace shows the events of a retried and dead-lettered message', async ({ page, request }) => {
  const api = new Api(request);
  const queue = unique('trace');
  await api.queue(queue, { maxDeliveries: 2, retry: { initialDelayMs: 100, jitter: 0 } });
  const sent = await api.publishToQueue(queue, { orderId: 7 }, { 'hatoba-correlation-id': `corr-${queue}` });
  await api.failUntilDead(queue, 2, 'SMTP timeout');

  await page.goto(`/traces/${sent.correlationId}`);
  const events = page.getByTestId('trace-events');
  await expect(events.getByRole('row')).toHaveCount(1 + 8); // header + published, routed, 2×(delivered, nacked), retry scheduled, dead-lettered
  for (const label of ['published', 'routed', 'delivered #1', 'nacked #1', 'retry scheduled', 'delivered #2', 'nacked #2', 'dead-lettered']) {
    await expect(events.getByRole('cell', { name: label, exact: true })).toBeVisible();
  }
  await expect(events.getByRole('cell', { name: 'max deliveries: SMTP timeout' })).toBeVisible();
  // The timeline has a lane for the queue and one for its DLQ, where the message ended.
  const timeline = page.getByRole('img', { name: /Timeline: .* 3 lanes, 3 errors/ });
  await expect(timeline).toBeVisible();
  await expect(timeline.getByText('in DLQ', { exact: true })).toBeVisible();
  await snap(page, 'trace');
});

test('replay by click moves a dead letter back and the DLQ count drops', async ({ page, request }) => {
  const api = new Api(request);
  const queue = unique('replay');
  await api.queue(queue, { maxDeliveries: 1 });
  const keep = await api.publishToQueue(queue, { keep: true });
  await api.failUntilDead(queue, 1, 'first failure');
  const back = await api.publishToQueue(queue, { back: true });
  await api.failUntilDead(queue, 1, 'second failure');

  await page.goto(`/dead-letters?queue=${queue}.dlq`);
  await expect(page.getByTestId('dlq-count')).toContainText('2 dead letters');
  await expect(page.getByRole('cell', { name: 'first failure' })).toBeVisible();

  // The filter previews how many a replay would move.
  await page.getByLabel('Last error contains').fill('SECOND');
  await page.getByRole('button', { name: 'Apply filter' }).click();
  await expect(page.getByTestId('replay-preview')).toContainText('1 of 2 match this filter');
  await expect(page).toHaveURL(/error=SECOND/);
  await snap(page, 'dead-letters');

  await page.getByRole('button', { name: `Replay ${back.id}`, exact: true }).click();
  const replayed = page.getByRole('status').filter({ hasText: 'Replayed 1 message' });
  await expect(replayed).toContainText(`back in ${queue}`);
  await expect(page.getByTestId('dlq-count')).toContainText('1 dead letter');
  await expect(page.getByRole('cell', { name: 'second failure' })).toBeHidden();
  await expect(replayed).toBeFocused(); // the row's button went with its row

  await expect(page.getByTestId('origin-depth')).toContainText(`${queue} now has 1 ready`);

  // It is back in its queue, ready, attempts reset.
  await page.getByRole('link', { name: `Open ${queue}` }).click();
  const browser = page.getByRole('table', { name: `Messages in ${queue}` });
  await expect(browser.getByText('"back":true')).toBeVisible();
  expect(keep.id).not.toBe(back.id);
});

test('a dead letter can be edited before it is replayed', async ({ page, request }) => {
  const api = new Api(request);
  const queue = unique('edit');
  await api.queue(queue, { maxDeliveries: 1 });
  await api.publishToQueue(queue, { amount: 'ten' }, { 'hatoba-header-tenant': 'acme' });
  await api.failUntilDead(queue, 1, 'amount must be a number');

  await page.goto(`/dead-letters?queue=${queue}.dlq`);
  await page.getByRole('button', { name: /^Edit and replay / }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit and replay' });
  await expect(dialog.getByRole('textbox', { name: 'Body' })).toHaveValue(/"amount": "ten"/);
  await dialog.getByRole('textbox', { name: 'Body' }).fill('{"amount": 10}');
  await dialog.getByRole('textbox', { name: 'Headers' }).fill('tenant: acme\nfixed-by: ops');
  await snap(page, 'edit-replay-dialog');
  await dialog.getByRole('button', { name: 'Replay edited message' }).click();
  const replayed = page.getByRole('status').filter({ hasText: 'Replayed 1 message' });
  await expect(replayed).toBeVisible();
  await expect(replayed).toBeFocused(); // not lost to <body> with the dialog and its row
  await expect(page.getByTestId('dlq-count')).toContainText('0 dead letters');

  const { messages } = await api.call('POST', `/v1/queues/${queue}/receive`, { max: 1, waitMs: 5000 });
  expect(messages[0].body).toEqual({ amount: 10 });
  expect(messages[0].headers).toEqual({ tenant: 'acme', 'fixed-by': 'ops' });
});

test("the Nodes page shows what this node is doing: its publish rate and consumers", async ({ page, request }) => {
  const api = new Api(request);
  const queue = unique('nodes-load');
  await api.queue(queue);
  await api.publishToQueue(queue, { n: 1 });
  await api.call('POST', `/v1/queues/${queue}/receive`, { max: 1, waitMs: 0 }, { 'hatoba-consumer': 'e2e-nodes-worker' });

  await page.goto('/nodes');
  const row = page.getByRole('table', { name: /node/ }).getByRole('row').filter({ hasText: 'this node' });
  const cells = row.getByRole('cell');
  const header = page.getByRole('table', { name: /node/ }).getByRole('columnheader');
  await expect(header.filter({ hasText: 'Consumers' })).toBeVisible();
  const column = async (name: string) => (await header.allTextContents()).findIndex((t) => t.trim() === name) - 1; // the row's first column is a header cell
  const publishing = cells.nth(await column('Publishing'));
  const consumers = cells.nth(await column('Consumers'));
  // Rates leave out the current second, so the publish shows on a refresh within a few seconds.
  await expect(publishing).not.toHaveText('0/s', { timeout: 10_000 });
  await expect(publishing).toHaveText(/^[<\d.,]+\/s$/);
  await expect(consumers).toHaveText(/^[1-9]\d*$/);
  await snap(page, 'nodes');
});

test('the queue page lists its consumers by name and marks a slow one', async ({ page, request }) => {
  const api = new Api(request);
  const queue = unique('pace');
  await api.queue(queue);
  for (let i = 0; i < 10; i++) await api.publishToQueue(queue, { n: i });
  const take = (consumer: string, max: number) => api.call('POST', `/v1/queues/${queue}/receive`, { max, waitMs: 0 }, { 'hatoba-consumer': consumer });
  expect((await take('e2e-fast', 9)).messages).toHaveLength(9);
  expect((await take('e2e-slow', 1)).messages).toHaveLength(1);

  await page.goto(`/queues/${queue}`);
  const table = page.getByRole('table', { name: 'Consumers' });
  const fast = table.getByRole('row').filter({ hasText: 'e2e-fast' });
  const slow = table.getByRole('row').filter({ hasText: 'e2e-slow' });
  await expect(fast).toBeVisible();
  // Rates leave out the current second: the badge comes with a refresh.
  await expect(slow.getByText('slow', { exact: true })).toBeVisible({ timeout: 10_000 });
  await expect(fast.getByText('slow', { exact: true })).toHaveCount(0);
  await expect(fast.getByRole('cell').nth(1)).toHaveText('0.15/s');
  await snap(page, 'queue-consumers');
});
