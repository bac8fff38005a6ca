import { describe, expect, it } from 'vitest';
import { processWriteMeter, withDiskWrites } from './disk-writes';
import type { Sample } from './types';

const sample: Sample = { value: 10, unit: 'msg/s', extra: { publishRate: 10 } };

describe('withDiskWrites', () => {
  it('divides the bytes written over the run by the messages its publishes answered', async () => {
    const readings = [1_000, 5_000];
    const meter = async () => readings.shift();
    const s = await withDiskWrites(meter, async (counted) => {
      await counted(Promise.resolve(1));
      await counted(Promise.resolve(3)); // a batch of three
      return sample;
    });
    expect(s.extra).toEqual({ publishRate: 10, diskBytesPerMessage: 1_000, diskMessages: 4 });
  });

  it('leaves the sample as it is when the meter cannot read or nothing was published', async () => {
    expect(await withDiskWrites(async () => undefined, async (counted) => (await counted(Promise.resolve(1)), sample))).toEqual(sample);
    expect(await withDiskWrites(undefined, async () => sample)).toEqual(sample);
    let n = 0;
    expect(await withDiskWrites(async () => (n += 100), async () => sample)).toEqual(sample);
  });

  it('a process meter reads nothing for a process that is not running', async () => {
    expect(await processWriteMeter('no-such-process-hatoba')()).toBeUndefined();
  });
});
