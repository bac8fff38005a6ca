import { request as httpRequest } from 'node:http';
import { loadConfig } from '../server/config';
import { startHatoba } from '../server/main';
import { openTestDb, type Driver } from './databases';

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** A real Hatoba HTTP server (no dashboard) on a free port, on its own fresh database. */
export async function startTestServer(driver: Driver, env: Record<string, string> = {}): Promise<TestServer> {
  const db = await openTestDb(driver);
  const config = loadConfig({ PORT: '0', HATOBA_DASHBOARD: '0', HATOBA_LOG_LEVEL: 'silent', ...env }, []);
  const hatoba = await startHatoba(config, { db });
  return {
    url: `http://127.0.0.1:${hatoba.port}`,
    async close() {
      await hatoba.stop();
      await db.close();
    },
  };
}

/** fetch with JSON in and out; returns status, parsed body and headers. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body);
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the raw text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * A POST with raw header lines: fetch would join a repeated header into one line (`a, b`),
 * node:http sends each value of an array on its own line. Answers status and parsed JSON body.
 */
export function postRawHeaders(
  base: string,
  path: string,
  headers: Record<string, string | string[]> | string[],
  body: string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
