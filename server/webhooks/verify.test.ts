import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signStandard, standardSecretKey, verifyWebhook, type VerifyConfig } from './verify';

const secret = newWebhookSecret();
const body = Buffer.from('{"event":"order.completed","orderId":42}');

function signed(id: string, at: Date, payload: Buffer = body, key = secret) {
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(key).sign(id, at, payload) };
}

describe('standard-webhooks verification', () => {
  const config: VerifyConfig = { scheme: 'standard-webhooks', secrets: [secret] };

  it('accepts what the standardwebhooks package signs, and refuses the rest with its own code', () => {
    const now = new Date();
    expect(verifyWebhook(config, signed('msg_1', now), body)).toEqual({ ok: true });
    expect(verifyWebhook(config, signed('msg_1', now), Buffer.from('{"event":"order.completed","orderId":43}'))).toMatchObject({ ok: false, code: 'signature_invalid' });
    expect(verifyWebhook(config, signed('msg_1', now, body, newWebhookSecret()), body)).toMatchObject({ ok: false, code: 'signature_invalid' });
    const { 'webhook-signature': _, ...unsigned } = signed('msg_1', now);
    expect(verifyWebhook(config, unsigned, body)).toMatchObject({ ok: false, code: 'signature_missing' });
    expect(verifyWebhook(config, { ...signed('msg_1', now), 'webhook-timestamp': 'soon' }, body)).toMatchObject({ ok: false, code: 'signature_invalid' });
  });

  it('refuses a timestamp outside the tolerance (5 minutes unless configured) either way', () => {
    const now = Date.now();
    expect(verifyWebhook(config, signed('a', new Date(now - 301_000)), body, now)).toMatchObject({ code: 'timestamp_out_of_tolerance' });
    expect(verifyWebhook(config, signed('a', new Date(now + 301_000)), body, now)).toMatchObject({ code: 'timestamp_out_of_tolerance' });
    expect(verifyWebhook(config, signed('a', new Date(now - 299_000)), body, now)).toEqual({ ok: true });
    const wide = { ...config, timestampToleranceS: 3600 };
    expect(verifyWebhook(wide, signed('a', new Date(now - 1800_000)), body, now)).toEqual({ ok: true });
    const narrow = { ...config, timestampToleranceS: 10 };
    expect(verifyWebhook(narrow, signed('a', new Date(now - 20_000)), body, now)).toMatchObject({ code: 'timestamp_out_of_tolerance' });
  });

  it('rotation: a sender signing with old and new secret passes either receiver; a receiver may hold both', () => {
    const older = newWebhookSecret();
    const at = new Date();
    const both = `${new Webhook(older).sign('r', at, body)} ${new Webhook(secret).sign('r', at, body)}`;
    const headers = { ...signed('r', at), 'webhook-signature': both };
    expect(verifyWebhook({ scheme: 'standard-webhooks', secrets: [older] }, headers, body)).toEqual({ ok: true });
    expect(verifyWebhook({ scheme: 'standard-webhooks', secrets: [secret] }, headers, body)).toEqual({ ok: true });
    expect(verifyWebhook({ scheme: 'standard-webhooks', secrets: [secret, older] }, signed('r', at, body, older), body)).toEqual({ ok: true });
  });

  it('signs exactly like the package, and the package verifies what it signs', () => {
    const at = new Date();
    const ts = Math.floor(at.getTime() / 1000);
    expect(signStandard(secret, 'msg_2', ts, body)).toBe(new Webhook(secret).sign('msg_2', at, body));
    const headers = { 'webhook-id': 'msg_2', 'webhook-timestamp': String(ts), 'webhook-signature': signStandard(secret, 'msg_2', ts, body) };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body.toString()));
  });

  it('knows a Standard Webhooks secret from something else', () => {
    expect(standardSecretKey(secret)?.length).toBe(32);
    expect(standardSecretKey(secret.slice(6))?.length).toBe(32);
    expect(standardSecretKey('whsec_short')).toBeNull();
    expect(standardSecretKey('not base64 at all, not at all!')).toBeNull();
  });
});

describe('hmac-sha256 verification', () => {
  const config: VerifyConfig = { scheme: 'hmac-sha256', secrets: ['It’s a Secret to Everybody'], header: 'X-Hub-Signature-256' };
  const hex = createHmac('sha256', 'It’s a Secret to Everybody').update(body).digest('hex');

  it('accepts hex with or without sha256=, in the named header', () => {
    expect(verifyWebhook(config, { 'x-hub-signature-256': `sha256=${hex}` }, body)).toEqual({ ok: true });
    expect(verifyWebhook(config, { 'x-hub-signature-256': hex.toUpperCase() }, body)).toEqual({ ok: true });
  });

  it('refuses a missing header, a tampered body, a wrong secret and a malformed value', () => {
    expect(verifyWebhook(config, {}, body)).toMatchObject({ code: 'signature_missing' });
    expect(verifyWebhook(config, { 'x-hub-signature-256': `sha256=${hex}` }, Buffer.from('{}'))).toMatchObject({ code: 'signature_invalid' });
    expect(verifyWebhook({ ...config, secrets: ['other'] }, { 'x-hub-signature-256': hex }, body)).toMatchObject({ code: 'signature_invalid' });
    expect(verifyWebhook(config, { 'x-hub-signature-256': `sha256=${hex.slice(0, 62)}zz` }, body)).toMatchObject({ code: 'signature_invalid' });
    expect(verifyWebhook(config, { 'x-hub-signature-256': 'sha256=' }, body)).toMatchObject({ code: 'signature_invalid' });
  });
});

describe('none', () => {
  it('takes anything', () => {
    expect(verifyWebhook({ scheme: 'none', secrets: [] }, {}, body)).toEqual({ ok: true });
  });
});
