import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { spawnServer, type ServerProcess } from '../test/process';
import { snap } from './api';

/**
 * The console with auth on: a second server of the same build, started by this spec on a free
 * loopback port with its own PGlite directory and HATOBA_ADMIN_PASSWORD set (which turns auth
 * on even on loopback). The suite's main server (auth off) is not involved.
 */
const PASSWORD = 'e2e-operator-password';
let server: ServerProcess;
let dataDir: string;

async function noSeriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious');
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = mkdtempSync(path.join(tmpdir(), 'hatoba-e2e-auth-'));
  server = await spawnServer(
    {
      HATOBA_DASHBOARD: '1',
      HATOBA_DATA_DIR: dataDir,
      HATOBA_ADMIN_PASSWORD: PASSWORD,
      HATOBA_LOG_LEVEL: 'info',
      HATOBA_SAMPLE_INTERVAL: '1s',
      NODE_ENV: 'production',
    },
    { timeoutMs: 150_000 },
  );
});

test.afterAll(async () => {
  if (server) {
    try {
      process.kill(-server.child.pid!, 'SIGTERM'); // the process group this spec started
    } catch {
      // already gone
    }
    await server.exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('sign in, make and revoke a key, read the audit log, sign out', async ({ browser }) => {
  const context = await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  const page = await context.newPage();
  const request = context.request;

  await test.step('without a session every page and the console API send you to /login', async () => {
    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
    await page.goto('/queues?filter=x');
    await expect(page).toHaveURL(/\/login\?next=%2Fqueues%3Ffilter%3Dx$/);
    expect((await request.get('/trpc/queues.list')).status()).toBe(401);
    expect((await request.get('/v1/queues')).status()).toBe(401);
  });

  await test.step('a wrong password says so', async () => {
    await page.goto('/login');
    await noSeriousViolations(page);
    await snap(page, 'login');
    await page.getByLabel('Operator password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('main').getByRole('alert')).toHaveText('Wrong password.');
    await expect(page).toHaveURL(/\/login$/);
  });

  await test.step('the right password reaches the overview, and a sign-in returns to where you were', async () => {
    await page.getByLabel('Operator password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(new RegExp(`^${server.url}/$`));
    await expect(page.getByRole('heading', { level: 1, name: 'Overview' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
    expect((await request.get('/trpc/queues.list')).status()).toBe(200);
  });

  let secret = '';
  await test.step('the keys page makes a key, shows its secret once with a copy button', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Keys' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
    await expect(page.getByText('No API keys yet')).toBeVisible();
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(page.getByRole('main').getByRole('alert')).toContainText('Give the key a name');
    await page.getByLabel('Name').fill('grafana');
    await page.getByLabel('Scopes').fill('monitoring');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByLabel('The new key');
    await expect(shown).toHaveValue(/^hk_/);
    secret = await shown.inputValue();
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect(page.getByText('Copied to the clipboard.')).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    expect((await request.get('/v1/queues', { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(200);
    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByLabel('The new key')).toHaveCount(0);
    await expect(page.getByText(secret)).toHaveCount(0);

    await page.getByLabel('Name').fill('checkout');
    await page.getByLabel('Scopes').fill('publish:orders*, consume:orders.*');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(page.getByLabel('The new key')).toHaveValue(/^hk_/);
    await page.getByRole('button', { name: 'Done' }).click();
    const table = page.getByRole('table');
    await expect(table.getByRole('row', { name: /checkout/ })).toContainText('publish:orders*');
    await expect(table.getByRole('row', { name: /grafana/ })).toContainText(/monitoring/);
    await noSeriousViolations(page);
  });

  await test.step('revoking asks first, then the key is refused at once', async () => {
    await page.getByRole('button', { name: 'Revoke grafana' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke grafana?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    expect((await request.get('/v1/queues', { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(200);
    await page.getByRole('button', { name: 'Revoke grafana' }).click();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await expect(page.getByText('Revoked grafana: it is refused from now on')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Revoke grafana' })).toHaveCount(0);
    expect((await request.get('/v1/queues', { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(401);
    await snap(page, 'keys');
  });

  await test.step('the audit page shows the sign-ins and the key actions, filtered and paged', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
    const rows = page.getByRole('table').getByRole('row');
    const action = (name: string) => rows.filter({ has: page.getByRole('cell', { name, exact: true }) });
    await expect(action('session.login_failed')).toHaveCount(1);
    await expect(action('session.login')).toHaveCount(1);
    await expect(action('key.create')).toHaveCount(2);
    await expect(action('key.revoke')).toContainText('session:operator');
    await expect(action('key.create').first()).toContainText('name: checkout');
    // a key is shown by its name, linked to the key list, not by its id
    await expect(action('key.revoke').getByRole('link', { name: 'grafana', exact: true })).toHaveAttribute('href', '/keys');
    await noSeriousViolations(page);
    await snap(page, 'audit');

    await page.getByLabel('Action').fill('key.create');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(rows).toHaveCount(3); // header + two
    await page.getByLabel('Action').fill('');
    await page.getByLabel('Actor').fill('anonymous');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText('session.login_failed');
    await expect(page.getByRole('button', { name: 'Older →' })).toBeDisabled();
  });

  await test.step('signing out ends the session; signing in again returns to the page asked for', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    expect((await request.get('/trpc/queues.list')).status()).toBe(401);
    await page.goto('/keys');
    await expect(page).toHaveURL(/\/login\?next=%2Fkeys$/);
    await page.getByLabel('Operator password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(new RegExp(`^${server.url}/keys$`));
    await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
  });

  await context.close();
});
