import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { newWebhookSecret, signStandard } from '../server/webhooks/verify';

type Verify = (secret: string, headers: Record<string, string>, body: Buffer, toleranceS?: number) => boolean;

/** The README's verification example, run as a receiver would copy it. */
async function readmeVerify(): Promise<Verify> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /```js\n([\s\S]*?export function verifyPush[\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README has no verifyPush example');
  const code = block[1]!.replace(/^ {2}/gm, '');
  const file = join(mkdtempSync(join(tmpdir(), 'hatoba-readme-')), 'verify.mjs');
  writeFileSync(file, code);
  return ((await import(pathToFileURL(file).href)) as { verifyPush: Verify }).verifyPush;
}

const signed = (secret: string, body: Buffer, at = Math.floor(Date.now() / 1000)) => ({
  'webhook-id': '01a22952-27f4-72c0-8b65-7670130a1308',
  'webhook-timestamp': String(at),
  'webhook-signature': signStandard(secret, '01a22952-27f4-72c0-8b65-7670130a1308', at, body),
});

describe("README's push signature example", () => {
  let verifyPush: Verify;
  beforeAll(async () => {
    verifyPush = await readmeVerify();
  });
  const secret = newWebhookSecret();
  const bodies = {
    json: Buffer.from('{"orderId":42}'),
    text: Buffer.from('héllo 東京'),
    binary: Buffer.from([0xff, 0xfe, 0x00, 0x62, 0x80]),
    empty: Buffer.alloc(0),
  };

  for (const [kind, body] of Object.entries(bodies)) {
    it(`accepts what push signs: a ${kind} body`, () => {
      expect(verifyPush(secret, signed(secret, body), body)).toBe(true);
    });
  }

  it('accepts a rotation signature list when one of them matches', () => {
    const h = signed(secret, bodies.json);
    h['webhook-signature'] = `${signed(newWebhookSecret(), bodies.json)['webhook-signature']} ${h['webhook-signature']}`;
    expect(verifyPush(secret, h, bodies.json)).toBe(true);
  });

  it('refuses a changed body, another secret, an old timestamp and missing headers', () => {
    const h = signed(secret, bodies.binary);
    expect(verifyPush(secret, h, Buffer.from([0xff, 0xfe, 0x00, 0x62, 0x81]))).toBe(false);
    expect(verifyPush(newWebhookSecret(), h, bodies.binary)).toBe(false);
    const old = signed(secret, bodies.json, Math.floor(Date.now() / 1000) - 3600);
    expect(verifyPush(secret, old, bodies.json)).toBe(false);
    expect(verifyPush(secret, { 'webhook-id': h['webhook-id'] }, bodies.binary)).toBe(false);
  });
});
