import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * E2E against a real Hatoba: `next build`, then server/main.ts on a free port with its own PGlite
 * directory. The port and directory are chosen once, in the runner process, and reach the
 * workers through the environment (workers load this file again).
 */
function freePort(): number {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}

process.env.HATOBA_E2E_PORT ??= String(freePort());
process.env.HATOBA_E2E_DATA ??= mkdtempSync(path.join(tmpdir(), 'hatoba-e2e-'));
const port = Number(process.env.HATOBA_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;

// Debian's Chromium when the machine has it (no browser download needed); Playwright's own otherwise.
const debianChromium = '/usr/bin/chromium';
const launchOptions = existsSync(debianChromium)
  ? {
      executablePath: debianChromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    }
  : {};

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: false,
  // One server, one database: tests use their own queue names, but run one at a time so that
  // live polling and screenshots stay predictable on a 2-core machine.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions,
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], viewport: { width: 1280, height: 800 }, launchOptions } }],
  webServer: {
    command: 'npm run build && npx tsx server/main.ts',
    url: `${baseURL}/readyz`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      HATOBA_DATA_DIR: process.env.HATOBA_E2E_DATA,
      HATOBA_LOG_LEVEL: 'warn',
      HATOBA_SAMPLE_INTERVAL: '1s',
      // Push specs deliver to receivers the test itself runs on this machine, never further.
      HATOBA_PUSH_ALLOW_HOSTS: '127.0.0.1',
      NODE_ENV: 'production',
    },
  },
});
