import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from './config';

// server/start.ts runs at import: it decides whether to build the dashboard, then runs main().
// Both are replaced here, so that what it decides can be seen without a build or a server.
const ensureBuild = vi.fn(async () => {});
const main = vi.fn(async () => {});
vi.mock('./ensure-build', () => ({ ensureBuild }));
vi.mock('./main', () => ({ main }));

class Exit extends Error {
  constructor(readonly code: number | string | null | undefined) {
    super(`process.exit(${code})`);
  }
}

const saved = { ...process.env };
let errors: string[];
beforeEach(() => {
  vi.resetModules();
  ensureBuild.mockClear();
  main.mockClear();
  errors = [];
  vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw new Exit(code);
  });
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
  for (const k of Object.keys(process.env)) if (k === 'PORT' || k === 'HOST' || k.startsWith('HATOBA_')) delete process.env[k];
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

/** Runs start.ts under an environment; answers whether it built, ran the server, or exited (and with what). */
async function start(env: Record<string, string>) {
  Object.assign(process.env, env);
  let exit: Exit['code'] | undefined;
  try {
    await import('./start');
  } catch (e) {
    if (!(e instanceof Exit)) throw e;
    exit = e.code;
  }
  return { built: ensureBuild.mock.calls.length > 0, ran: main.mock.calls.length > 0, exit, errors: errors.join('\n') };
}

describe('npm start reads HATOBA_DASHBOARD as the server does', () => {
  it.each(['1', 'true', 'YES', 'on', '', '0', 'false', 'No', 'OFF'])('%j: builds the dashboard exactly when the server will serve it', async (value) => {
    const r = await start({ HATOBA_DASHBOARD: value });
    expect(r).toMatchObject({ built: loadConfig({ HATOBA_DASHBOARD: value }, []).dashboard, ran: true, exit: undefined });
  });

  it('stops on a value it cannot read (enabled), naming the variable, before building or serving', async () => {
    const r = await start({ HATOBA_DASHBOARD: 'enabled' });
    expect(r).toMatchObject({ built: false, ran: false, exit: 2 });
    expect(r.errors).toMatch(/HATOBA_DASHBOARD: must be 1, true, yes or on \(on\), or 0, false, no or off \(off\), not "enabled"/);
  });

  it('stops on any bad value before a build', async () => {
    const r = await start({ PORT: '0x10' });
    expect(r).toMatchObject({ built: false, ran: false, exit: 2 });
    expect(r.errors).toMatch(/PORT: must be a whole number from 0 to 65535, not "0x10"/);
  });
});
