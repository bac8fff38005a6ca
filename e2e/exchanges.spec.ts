import { expect, test } from '@playwright/test';
import { Api, snap, unique } from './api';

test('the exchange list shows type, bindings and rate, and opens an exchange', async ({ page, request }) => {
  const api = new Api(request);
  const exchange = unique('list-x');
  const queue = unique('list-q');
  await api.call('PUT', `/v1/exchanges/${exchange}`, { type: 'topic' });
  await api.queue(queue);
  await api.call('POST', '/v1/bindings', { exchange, queue, key: 'order.*' });

  await page.goto('/topology');
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Exchanges' }).click();
  await expect(page).toHaveURL(/\/exchanges$/);
  await expect(nav.getByRole('link', { name: 'Exchanges' })).toHaveAttribute('aria-current', 'page');
  const table = page.getByRole('table', { name: 'Exchanges' });
  const row = table.getByRole('row').filter({ has: page.getByRole('link', { name: exchange, exact: true }) });
  await expect(row.getByRole('cell')).toHaveText(['topic', '1', '0/s']);
  // The default exchange is listed too, and says how it routes instead of a binding count.
  await expect(table.getByRole('row').filter({ hasText: 'amq.default' })).toContainText('by queue name');

  // The filter is kept in the URL, and Back from an exchange keeps it.
  await page.getByLabel('Filter by name').fill(exchange);
  await expect(page).toHaveURL(new RegExp(`/exchanges\\?q=${exchange}$`));
  await expect(table.getByRole('row')).toHaveCount(2);
  await row.getByRole('link', { name: exchange }).click();
  await expect(page).toHaveURL(new RegExp(`/exchanges/${exchange}$`));
  await expect(page.getByRole('heading', { level: 1, name: exchange })).toBeVisible();
  await expect(nav.getByRole('link', { name: 'Exchanges' })).toHaveAttribute('aria-current', 'page');
  await page.goBack();
  await expect(page.getByLabel('Filter by name')).toHaveValue(exchange);

  await page.getByLabel('Filter by name').fill('no-such-exchange-anywhere');
  await expect(page.getByText('No exchange matches this filter')).toBeVisible();
});

test('an exchange page lists its bindings and publishes with a routing key', async ({ page, request }) => {
  const api = new Api(request);
  const exchange = unique('pub-x');
  const shipping = unique('pub-ship');
  const audit = unique('pub-audit');
  await api.call('PUT', `/v1/exchanges/${exchange}`, { type: 'topic' });
  await api.queue(shipping);
  await api.queue(audit);
  await api.call('POST', '/v1/bindings', { exchange, queue: shipping, key: 'order.completed' });
  await api.call('POST', '/v1/bindings', { exchange, queue: audit, key: 'order.#' });

  await page.goto(`/exchanges/${exchange}`);
  await expect(page.getByRole('heading', { level: 1, name: exchange })).toBeVisible();
  await expect(page.getByText(/^A topic exchange routes/)).toBeVisible();
  const bindings = page.getByRole('table', { name: `Bindings from ${exchange}` });
  await expect(bindings.getByRole('row').filter({ hasText: 'order.completed' }).getByRole('link', { name: shipping })).toHaveAttribute('href', `/queues/${shipping}`);
  await expect(bindings.getByRole('row').filter({ hasText: 'order.#' }).getByRole('link', { name: audit })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Message history' })).toHaveAttribute('href', `/history?exchange=${exchange}`);
  await expect(page.getByRole('link', { name: 'On the topology' })).toHaveAttribute('href', `/topology?q=${exchange}`);

  // Routed: the answer names the queues it reached, each a link.
  await page.getByLabel('Routing key').fill('order.completed');
  await page.getByRole('button', { name: 'Publish message' }).click();
  const published = page.getByRole('status').filter({ hasText: 'Published' });
  await expect(published).toContainText(`to ${audit}, ${shipping}`);
  await expect(published.getByRole('link', { name: shipping })).toHaveAttribute('href', `/queues/${shipping}`);
  await expect(published.getByRole('link', { name: 'trace' })).toBeVisible();
  await snap(page, 'exchange');

  // Unroutable: said so, not an error; the message is still there to open.
  await page.getByLabel('Routing key').fill('invoice.paid');
  await page.getByRole('button', { name: 'Publish message' }).click();
  await expect(published).toContainText('no queue: unroutable');
  // A key the broker would refuse is caught before sending.
  await page.getByLabel('Routing key').fill('order created');
  await page.getByRole('button', { name: 'Publish message' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'white space' })).toBeVisible();

  await page.getByLabel('Routing key').fill('invoice.paid');
  await page.getByRole('button', { name: 'Publish message' }).click();
  await published.getByRole('link', { name: /^…/ }).click();
  await expect(page).toHaveURL(/\/messages\/[0-9a-f-]+$/);
});

test('a headers exchange shows its arguments; the default exchange routes by queue name; an unknown one is not found', async ({ page, request }) => {
  const api = new Api(request);
  const exchange = unique('hdr-x');
  const queue = unique('hdr-q');
  await api.call('PUT', `/v1/exchanges/${exchange}`, { type: 'headers' });
  await api.queue(queue);
  await api.call('POST', '/v1/bindings', { exchange, queue, key: '', headers: { match: 'all', values: { tenant: 'acme' } } });

  await page.goto(`/exchanges/${exchange}`);
  const bindings = page.getByRole('table', { name: `Bindings from ${exchange}` });
  await expect(bindings.getByRole('columnheader', { name: 'Header arguments' })).toBeVisible();
  await expect(bindings.getByRole('cell', { name: 'tenant = acme' })).toBeVisible();
  await page.getByLabel('Headers (optional)').fill('Tenant: acme');
  await page.getByRole('button', { name: 'Publish message' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Published' })).toContainText(`to ${queue}`);

  await page.goto('/exchanges/amq.default');
  await expect(page.getByText(/routes by queue name/)).toBeVisible();
  await expect(page.getByRole('link', { name: 'On the topology' })).toHaveAttribute('href', '/topology?q=amq.default&default=1');
  await page.getByLabel('Routing key').fill(queue);
  await page.getByRole('button', { name: 'Publish message' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Published' })).toContainText(`to ${queue}`);

  await page.goto('/exchanges/no-such-exchange');
  await expect(page.getByText('There is no exchange named “no-such-exchange”')).toBeVisible();
  await page.goto('/exchanges/bad%20name');
  await expect(page.getByText('“bad name” is not a valid exchange name')).toBeVisible();
});

test("the topology's exchange node opens the exchange page", async ({ page, request }) => {
  const api = new Api(request);
  const exchange = unique('topo-ex');
  const queue = unique('topo-eq');
  await api.call('PUT', `/v1/exchanges/${exchange}`, { type: 'direct' });
  await api.queue(queue);
  await api.call('POST', '/v1/bindings', { exchange, queue, key: 'k' });

  await page.goto(`/topology?q=${exchange}`);
  await page.getByTestId('topology').getByRole('link', { name: `Exchange ${exchange}, direct` }).click();
  await expect(page).toHaveURL(new RegExp(`/exchanges/${exchange}$`));
  await expect(page.getByRole('heading', { level: 1, name: exchange })).toBeVisible();
});
