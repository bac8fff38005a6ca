import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const guards = fileURLToPath(new URL('./process-guards.ts', import.meta.url));

/** Runs a process that drops a failed promise, with or without the guard; what it printed and how it ended. */
function dropAPromise(guarded: boolean) {
  const script = `
    import { logUnhandledRejections } from ${JSON.stringify(guards)};
    const logger = { info() {}, warn() {}, error: (o, msg) => console.log(JSON.stringify({ level: 'error', err: String(o.err), msg })) };
    if (${guarded}) logUnhandledRejections(process, logger);
    Promise.reject(new Error('dropped by a library'));
    setTimeout(() => console.log('still serving'), 50);
  `;
  const r = spawnSync(process.execPath, [tsx, '--eval', script], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe('logUnhandledRejections', () => {
  it('keeps the process running and logs the failure as an error', () => {
    const { status, out } = dropAPromise(true);
    expect(status).toBe(0);
    expect(out).toContain('still serving');
    const logged = JSON.parse(out.split('\n').find((l) => l.startsWith('{'))!);
    expect(logged).toEqual({ level: 'error', err: 'Error: dropped by a library', msg: expect.stringContaining('nothing handled it') });
  });

  it('without it, Node ends the process (what the guard is for)', () => {
    const { status, out } = dropAPromise(false);
    expect(status).not.toBe(0);
    expect(out).not.toContain('still serving');
    expect(out).toContain('dropped by a library');
  });
});
