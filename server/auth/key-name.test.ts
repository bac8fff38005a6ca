import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../db/driver';
import { drivers, openTestDb } from '../../test/databases';
import { createKeys, KeyNameTaken } from './keys';

/** Audit entries name a key's actor by its name: one name, one active key, even when created at once. */
describe.each(drivers)('active API key names on %s', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await openTestDb(driver);
  });
  afterAll(async () => db?.close());

  it('of eight creations of one name at once, one makes a key and seven are KeyNameTaken', async () => {
    const keys = createKeys(db);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => keys.create({ name: 'raced', scopes: ['monitoring'], createdBy: 'test' })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(refused).toHaveLength(7);
    for (const o of refused) expect(o.reason).toBeInstanceOf(KeyNameTaken);
    expect((await keys.list()).filter((k) => k.name === 'raced' && !k.revokedAt)).toHaveLength(1);
  });
});
