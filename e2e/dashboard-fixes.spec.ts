import { expect, test, type Locator } from '@playwright/test';
import { Api, snap, unique } from './api';

/** Fixes from an operator walkthrough: advice, narrow tables, DLQ search, delivery counts, wording. */

const overflows = (region: Locator) => region.evaluate((el) => el.scrollWidth > el.clientWidth + 2);

test('a growing queue with no consumers is told to start one, once, and never that its consumers are slow', async ({ page, request }) => {
  const api = new Api(request);
  const queue = unique('advice');
  await api.queue(queue);
  await api.publishToQueue(queue, { n: 0 });

  await page.goto('/');
  const row = page.locator('.attention-table tbody tr').filter({ has: page.getByRole('link', { name: queue, exact: true }) });
  await expect(row).toBeVisible();
  // The depth rises at every poll (2 s): growing, with nobody receiving.
  await expect(async () => {
    await api.publishToQueue(queue, { n: 1 });
    await expect(row.getByText('growing', { exact: true })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000, intervals: [700] });
  await expect(row.getByText('no consumers', { exact: true })).toBeVisible();
  const steps = row.locator('.attention-steps li');
  await expect(steps).toHaveText(['Start a consumer, or give the queue a push endpoint']);
  await expect(row).not.toContainText('slow');
  await expect(row).not.toContainText('keep up');
  await snap(page, 'fix-overview-advice');
});

test.describe('a dead letter', () => {
  let queue: string;
  let messageId: string;

  test.beforeAll(async ({ request }) => {
    const api = new Api(request);
    queue = unique('fixdl');
    await api.queue(queue, { maxDeliveries: 2, retry: { initialDelayMs: 100, jitter: 0 } });
    const sent = await api.publishToQueue(queue, { orderId: 7, note: 'a body to read' });
    messageId = sent.id;
    await api.failUntilDead(queue, 2, 'rejected by the mail relay');
  });

  test('at 390 px the dead-letters table scrolls sideways inside its box and says so', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/dead-letters?queue=${queue}.dlq`);
    const region = page.getByRole('region', { name: 'Dead letters' });
    await expect(region.getByRole('cell', { name: 'rejected by the mail relay' })).toBeAttached();
    expect(await overflows(region)).toBe(true);
    // The page itself does not scroll sideways: the table does, in its box.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const hint = page.getByTestId('scroll-hint').first();
    await expect(hint).toHaveText('more columns: scroll sideways →');
    const replay = page.getByRole('button', { name: `Replay ${messageId}`, exact: true });
    // Down to the table (the page scrolls), not along it.
    await region.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    expect(await region.evaluate((el) => el.scrollLeft)).toBe(0);
    await expect(replay).not.toBeInViewport();
    await snap(page, 'fix-dead-letters-390');

    await region.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await expect(replay).toBeInViewport();
    await expect(hint).toHaveText('← scroll back for the first columns');
    await snap(page, 'fix-dead-letters-390-scrolled');
  });

  test('at 390 px the queue list and the message search scroll sideways with the same cue', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [
      ['/queues', 'Queue table'],
      [`/messages?queue=${queue}`, 'Search results'],
    ] as const) {
      await page.goto(path);
      const region = page.getByRole('region', { name });
      await expect(region.getByRole('table')).toBeVisible();
      await expect.poll(() => overflows(region)).toBe(true);
      await expect(page.getByTestId('scroll-hint').first()).toHaveText('more columns: scroll sideways →');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
    // A table that fits gets no cue.
    await page.setViewportSize({ width: 1600, height: 900 });
    await expect(page.getByTestId('scroll-hint')).toHaveCount(0);
  });

  test('a search by its DLQ explains that dead letters keep their original queue, and links to them', async ({ page }) => {
    await page.goto(`/messages?queue=${queue}.dlq`);
    const results = page.getByRole('region', { name: 'Results' });
    await expect(results.getByText('No message matches')).toBeVisible();
    await expect(results).toContainText(`${queue}.dlq is a dead-letter queue`);
    await expect(results).toContainText('found by its original queue');
    await expect(results).not.toContainText('Loosen the search');
    await snap(page, 'fix-search-dlq');
    await results.getByRole('link', { name: `Search by ${queue} instead` }).click();
    await expect(page).toHaveURL(new RegExp(`/messages\\?queue=${queue}$`));
    await expect(page.getByRole('link', { name: `…${messageId.slice(-8)}` })).toBeVisible();
    await page.goBack();
    await page.getByRole('link', { name: `Open ${queue}.dlq on the Dead letters page` }).click();
    await expect(page).toHaveURL(new RegExp(`/dead-letters\\?queue=${queue}\\.dlq$`));
    await expect(page.getByRole('cell', { name: 'rejected by the mail relay' })).toBeVisible();
  });

  test('each delivery count says where it was counted', async ({ page }) => {
    // Dead-letters table: the deliveries in the queue it died in.
    await page.goto(`/dead-letters?queue=${queue}.dlq`);
    const table = page.getByRole('region', { name: 'Dead letters' }).getByRole('table');
    await expect(table.getByRole('columnheader', { name: 'Delivered before death' })).toBeVisible();
    await expect(table.getByRole('cell', { name: `2 in ${queue}`, exact: true })).toBeVisible();

    // Message page: 0 deliveries from the DLQ, 2 in its queue before it died.
    await page.goto(`/messages/${messageId}`);
    const where = page.getByRole('region', { name: 'Queues it waits in' });
    await expect(where.getByRole('columnheader', { name: 'Delivered here' })).toBeVisible();
    const row = where.getByRole('row').filter({ hasText: `${queue}.dlq` });
    await expect(row.getByRole('cell', { name: '0', exact: true })).toHaveAttribute('title', `delivered 0 times from ${queue}.dlq`);
    await expect(row).toContainText(`max deliveries in ${queue} after it was delivered 2 times there`);
    await expect(row).not.toContainText('Attempt');
    // The body is readable: at least 13 px.
    const size = await page.getByLabel('Message body').locator('code').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(13);
    await snap(page, 'fix-message-deliveries');

    // The DLQ's queue page: delivered 0 times here, and the 2 of its origin queue said apart.
    await page.goto(`/queues/${queue}.dlq`);
    const browser = page.getByRole('table', { name: `Messages in ${queue}.dlq` });
    await expect(browser.getByRole('columnheader', { name: 'Delivered here' })).toBeVisible();
    await expect(browser.getByRole('row').filter({ hasText: `2 in ${queue} before it died` })).toBeVisible();
    await snap(page, 'fix-dlq-queue-deliveries');
  });

  test('the discard dialog speaks of one dead letter in the singular', async ({ page }) => {
    await page.goto(`/dead-letters?queue=${queue}.dlq`);
    await page.getByRole('checkbox', { name: `Select ${messageId}` }).check();
    await page.getByRole('button', { name: 'Discard selected (1)…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Discard 1 dead letter?' });
    await expect(dialog).toContainText(`It is removed from ${queue}.dlq and will not be delivered again.`);
    await expect(dialog).toContainText('The message stays in the message store');
    await expect(dialog).not.toContainText('They are');
    await snap(page, 'fix-discard-one');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
  });
});

test('at 390 px the sections are one sideways row, and the current one is in view', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/audit');
  const nav = page.getByRole('navigation', { name: 'Main' });
  const row = nav.locator('ul');
  const first = nav.getByRole('link', { name: 'Overview' });
  const current = nav.getByRole('link', { name: 'Audit' });
  await expect(current).toHaveAttribute('aria-current', 'page');
  // One line: every link sits at the height of the first.
  const top = (await first.boundingBox())!.y;
  expect((await current.boundingBox())!.y).toBe(top);
  expect(await overflows(row)).toBe(true);
  // The last section, on its own page, was scrolled to: wholly inside the screen.
  await expect(async () => {
    const box = (await current.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
  }).toPass({ timeout: 5_000 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await snap(page, 'fix-nav-390');
});
