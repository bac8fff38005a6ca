import { randomFillSync } from 'node:crypto';

/**
 * UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 12 bits that count up within a
 * millisecond (so ids made by one process sort in the order they were made), then 62 random bits.
 * Random bytes come from a pooled buffer refilled 4 KiB at a time: one getRandomValues call per
 * id (what the uuid package does) cost a tenth of the publish path's CPU.
 */
const POOL = Buffer.alloc(4096);
let offset = POOL.length;
let lastMs = -1;
let counter = 0;
const COUNTER_MAX = 0xfff;

function randomBytes8(): string {
  if (offset + 10 > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const hex = POOL.toString('hex', offset, offset + 8);
  offset += 8;
  return hex;
}

export function uuidv7(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    // Start low in the range, so a burst within one millisecond has room to count up.
    if (offset + 10 > POOL.length) randomBytes8();
    counter = POOL.readUInt16BE(offset) & 0x3ff;
    offset += 2;
  } else if (++counter > COUNTER_MAX) {
    // More ids in one millisecond than the counter holds: borrow the next millisecond.
    lastMs++;
    counter = 0;
  }
  const ms = lastMs.toString(16).padStart(12, '0');
  const rand = randomBytes8();
  const variant = '89ab'[parseInt(rand[0]!, 16) & 3];
  return `${ms.slice(0, 8)}-${ms.slice(8)}-7${counter.toString(16).padStart(3, '0')}-${variant}${rand.slice(1, 4)}-${rand.slice(4)}`;
}
