import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { Api, snap, unique } from './api';

async function expectNoSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`)).toEqual([]);
}

/** A dialog's shot: the viewport only, as the operator sees it (a full page would stretch the backdrop over a long list). */
const snapDialog = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png` });

const stat = (page: Page, label: string) => page.locator('.stat').filter({ has: page.getByText(label, { exact: true }) }).locator('dd').first();

test('an operator declares, binds, unbinds and deletes from the console', async ({ page }) => {
  const exchange = unique('edit-x');
  const queue = unique('edit-q');

  // A topic exchange, from the list's "New exchange".
  await page.goto('/exchanges');
  await page.getByRole('button', { name: 'New exchange' }).click();
  const newExchange = page.getByRole('dialog', { name: 'New exchange' });
  await newExchange.getByLabel('Name', { exact: true }).fill(exchange);
  await newExchange.getByRole('radio', { name: 'topic', exact: true }).check();
  await snapDialog(page, 'exchange-new');
  await newExchange.getByRole('button', { name: 'Create exchange' }).click();
  await expect(page).toHaveURL(new RegExp(`/exchanges/${exchange}$`));
  await expect(page.getByRole('heading', { level: 1, name: exchange })).toBeVisible();
  await expect(page.getByText('No queue is bound to this exchange')).toBeVisible();

  // A queue, from the list's "New queue": an obvious mistake is caught before sending.
  await page.goto('/queues');
  await page.getByRole('button', { name: 'New queue' }).click();
  const newQueue = page.getByRole('dialog', { name: 'New queue' });
  await newQueue.getByLabel('Name', { exact: true }).fill(queue);
  await page.setViewportSize({ width: 1280, height: 1100 });
  await snapDialog(page, 'queue-new');
  await page.setViewportSize({ width: 1280, height: 800 });
  await newQueue.getByLabel('Name', { exact: true }).fill('');
  await newQueue.getByLabel('Max deliveries').fill('0');
  await newQueue.getByRole('button', { name: 'Create queue' }).click();
  await expect(newQueue.getByRole('alert')).toContainText('Give the queue a name');
  await expect(newQueue.getByRole('alert')).toContainText('Max deliveries must be from 1 to 1,000');
  await newQueue.getByLabel('Name', { exact: true }).fill(queue);
  await newQueue.getByLabel('Max deliveries').fill('3');
  await expect(newQueue.getByRole('radio', { name: `Own queue ${queue}.dlq` })).toBeChecked();
  await newQueue.getByText('More settings').click();
  await newQueue.getByLabel('Max length (messages)').fill('1000');
  await expectNoSeriousViolations(page);
  await snapDialog(page, 'queue-new-more');
  await newQueue.getByRole('button', { name: 'Create queue' }).click();
  await expect(page).toHaveURL(new RegExp(`/queues/${queue}$`));
  await expect(page.getByRole('heading', { level: 1, name: queue })).toBeVisible();
  const settings = page.locator('.kv');
  await expect(settings).toContainText('Max deliveries3');
  await expect(settings).toContainText('Max length1,000');

  // The same name again: the server's refusal is shown beside the form, and nothing is replaced.
  await page.goto('/queues');
  await page.getByRole('button', { name: 'New queue' }).click();
  await newQueue.getByLabel('Name', { exact: true }).fill(queue);
  await newQueue.getByRole('button', { name: 'Create queue' }).click();
  await expect(newQueue.getByRole('alert')).toHaveText(`Queue '${queue}' already exists`);
  await page.setViewportSize({ width: 390, height: 844 });
  await snapDialog(page, 'queue-new-conflict-390');
  await page.setViewportSize({ width: 1280, height: 800 });
  await newQueue.getByRole('button', { name: 'Cancel' }).click();
  await expect(newQueue).toHaveCount(0);

  // Bind it with a pattern, then publish through the exchange page's form.
  await page.goto(`/exchanges/${exchange}`);
  await page.getByLabel('Queue', { exact: true }).selectOption(queue);
  await page.getByLabel('Binding pattern').fill('order.*');
  await page.getByRole('button', { name: 'Bind queue' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Bound' })).toContainText(`Bound ${queue} (order.*)`);
  const bindings = page.getByRole('table', { name: `Bindings from ${exchange}` });
  await expect(bindings.getByRole('row').filter({ hasText: 'order.*' }).getByRole('link', { name: queue })).toBeVisible();
  await expectNoSeriousViolations(page);
  await snap(page, 'exchange-bind');
  await page.getByLabel('Routing key').fill('order.created');
  await page.getByRole('button', { name: 'Publish message' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Published' })).toContainText(`to ${queue}`);

  // Unbind, after a small confirm: the table empties and says where to bind again.
  await bindings.getByRole('row').filter({ hasText: 'order.*' }).getByRole('button', { name: `Unbind ${queue}` }).click();
  await page.getByRole('dialog', { name: 'Remove this binding?' }).getByRole('button', { name: 'Unbind' }).click();
  await expect(page.getByText('No queue is bound to this exchange')).toBeVisible();
  await expect(page.getByText(/Bind a queue with the form below/)).toBeVisible();

  // The message reached the queue; its .dlq cannot go while the queue dead-letters to it.
  await page.goto(`/queues/${queue}.dlq`);
  await page.getByRole('button', { name: 'Delete queue…' }).click();
  const deleteDlq = page.getByRole('dialog', { name: `Delete ${queue}.dlq?` });
  await deleteDlq.getByLabel(/to confirm/).fill(`${queue}.dlq`);
  await deleteDlq.getByRole('button', { name: 'Delete queue' }).click();
  await expect(deleteDlq.getByRole('alert')).toContainText(queue);
  await deleteDlq.getByRole('button', { name: 'Cancel' }).click();

  await page.goto(`/queues/${queue}`);
  await expect(stat(page, 'Ready')).toHaveText('1');
  await page.getByRole('button', { name: 'Delete queue…' }).click();
  const deleteQueue = page.getByRole('dialog', { name: `Delete ${queue}?` });
  await expect(deleteQueue.getByTestId('delete-losses')).toContainText('Its one message (1 ready) is deleted with it.');
  await expect(deleteQueue.getByTestId('delete-losses')).toContainText(`Its dead-letter queue ${queue}.dlq stays`);
  const confirm = deleteQueue.getByRole('button', { name: 'Delete queue' });
  await expect(confirm).toBeDisabled();
  await deleteQueue.getByLabel(/to confirm/).fill(queue.slice(0, -1));
  await expect(confirm).toBeDisabled();
  await deleteQueue.getByLabel(/to confirm/).fill(queue);
  await snapDialog(page, 'queue-delete-dialog');
  await confirm.click();
  await expect(page).toHaveURL(/\/queues$/);
  await page.getByLabel('Show dead-letter queues').check();
  await expect(page.getByRole('link', { name: `${queue}.dlq`, exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: queue, exact: true })).toHaveCount(0);

  // The exchange last; the default exchange offers no delete.
  await page.goto(`/exchanges/${exchange}`);
  await page.getByRole('button', { name: 'Delete exchange…' }).click();
  await page.getByRole('dialog', { name: `Delete ${exchange}?` }).getByRole('button', { name: 'Delete exchange' }).click();
  await expect(page).toHaveURL(/\/exchanges$/);
  await expect(page.getByRole('table', { name: 'Exchanges' })).toBeVisible();
  await expect(page.getByRole('link', { name: exchange, exact: true })).toHaveCount(0);
  await page.goto('/exchanges/amq.default');
  await expect(page.getByRole('heading', { level: 1, name: 'amq.default' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Delete exchange…' })).toHaveCount(0);
});

test('a headers binding is made from name/value rows', async ({ page, request }) => {
  const api = new Api(request);
  const exchange = unique('edit-h');
  const queue = unique('edit-hq');
  await api.call('PUT', `/v1/exchanges/${exchange}`, { type: 'headers' });
  await api.queue(queue);

  await page.goto(`/exchanges/${exchange}`);
  await page.getByLabel('Queue', { exact: true }).selectOption(queue);
  await page.getByRole('button', { name: 'Match any' }).click();
  await page.getByLabel('Header 1 name').fill('tenant');
  await page.getByLabel('Header 1 value').fill('acme');
  await page.getByRole('button', { name: 'Add header' }).click();
  await page.getByLabel('Header 2 name').fill('region');
  await page.getByLabel('Header 2 value').fill('eu');
  await page.getByRole('button', { name: 'Add header' }).click();
  await page.getByRole('button', { name: 'Remove header 3' }).click();
  await page.getByRole('button', { name: 'Bind queue' }).click();
  const bindings = page.getByRole('table', { name: `Bindings from ${exchange}` });
  await expect(bindings.getByRole('cell', { name: 'any of region = eu, tenant = acme' })).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await snap(page, 'exchange-bind-headers-390');
  await bindings.getByRole('button', { name: `Unbind ${queue}` }).click();
  await snapDialog(page, 'exchange-unbind-390');
});
