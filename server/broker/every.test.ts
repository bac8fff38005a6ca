import { describe, expect, it } from 'vitest';
import { sleep } from '../../test/broker';
import { every } from './housekeeping';

describe('every', () => {
  it('stopping waits for the run in progress to end, and no run starts after it', async () => {
    const log: string[] = [];
    const stop = every(
      10,
      async () => {
        log.push('start');
        await sleep(200);
        log.push('end');
      },
      () => log.push('error'),
    );
    await sleep(40);
    await stop();
    expect(log).toEqual(['start', 'end']);
    await sleep(50);
    expect(log).toEqual(['start', 'end']);
  });

  it('a failed run is reported and the next one still comes', async () => {
    let runs = 0;
    const errors: unknown[] = [];
    const stop = every(10, async () => {
      runs += 1;
      throw new Error(`run ${runs}`);
    }, (e) => errors.push(e));
    await sleep(60);
    await stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(errors).toHaveLength(runs);
  });
});
