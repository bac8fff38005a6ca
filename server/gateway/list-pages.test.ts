import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageByName } from '../broker/list-page';
import { drivers } from '../../test/databases';
import { call, startTestServer, type TestServer } from '../../test/server';

describe('pageByName', () => {
  const sorted = ['a', 'B', 'c', 'd'].map((name) => ({ name })).sort((x, y) => x.name.localeCompare(y.name));
  it('takes the names after the cursor, at most limit, in the list order', () => {
    expect(pageByName(sorted, { limit: 2 }).map((x) => x.name)).toEqual(['a', 'B']);
    expect(pageByName(sorted, { after: 'B', limit: 2 }).map((x) => x.name)).toEqual(['c', 'd']);
    // a cursor that names nothing listed (deleted since) still says where to go on
    expect(pageByName(sorted, { after: 'bb' }).map((x) => x.name)).toEqual(['c', 'd']);
    expect(pageByName(sorted, { after: 'z' })).toEqual([]);
    expect(pageByName(sorted)).toEqual(sorted);
  });
});

/** API.md: lists come wrapped and paginated. `GET /v1/queues` and `/v1/exchanges` take limit and cursor. */
describe.each(drivers)('GET /v1/queues and /v1/exchanges by pages (%s)', (driver) => {
  let s: TestServer;
  const api = (path: string) => call(s.url, 'GET', path);

  beforeAll(async () => {
    s = await startTestServer(driver);
    for (const n of ['pa', 'pb', 'pc', 'pd', 'pe']) {
      await call(s.url, 'PUT', `/v1/queues/${n}`, { deadLetter: false });
      await call(s.url, 'PUT', `/v1/exchanges/x${n}`, { type: 'fanout' });
    }
  });
  afterAll(async () => s.close());

  for (const [list, path] of [
    ['queues', '/v1/queues'],
    ['exchanges', '/v1/exchanges'],
  ] as const) {
    it(`${path}: pages of 2 follow nextCursor to the end and give the whole list once`, async () => {
      const whole = await api(path);
      expect(whole.body.nextCursor).toBeNull();
      const all = whole.body[list].map((x: { name: string }) => x.name);
      expect(all.length).toBeGreaterThanOrEqual(5);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r = await api(`${path}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(r.status).toBe(200);
        expect(r.body[list].length).toBeLessThanOrEqual(2);
        seen.push(...r.body[list].map((x: { name: string }) => x.name));
        cursor = r.body.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      expect(seen).toEqual(all);
      expect(pages).toBe(Math.ceil(all.length / 2));
    });

    it(`${path}: a bad limit or an unknown parameter is 400 naming it`, async () => {
      for (const q of ['limit=0', 'limit=1001', 'limit=', 'cursor=', 'page=2']) {
        const r = await api(`${path}?${q}`);
        expect({ q, status: r.status, code: r.body.error?.code }).toEqual({ q, status: 400, code: 'validation_failed' });
      }
    });
  }
});
