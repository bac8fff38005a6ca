import { describe, expect, it } from 'vitest';
import { ConfigError, LIMITS, loadConfig, readFlag } from './config';

const load = (env: Record<string, string>) => loadConfig(env, ['node', 'main']);

/** The message loadConfig fails with, or '' when it accepts the environment. */
const refusal = (env: Record<string, string>) => {
  try {
    load(env);
    return '';
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
};

describe('byte sizes in the configuration', () => {
  it('reads bytes, and kb, mb and gb as binary units', () => {
    expect(load({ HATOBA_MEMORY_MAX_BYTES: '1048576' }).memoryMaxBytes).toBe(1048576);
    expect(load({ HATOBA_MEMORY_MAX_BYTES: '512kb' }).memoryMaxBytes).toBe(512 * 1024);
    expect(load({ HATOBA_MEMORY_MAX_BYTES: '1.5MiB' }).memoryMaxBytes).toBe(1.5 * 1024 ** 2);
    expect(load({ HATOBA_MEMORY_MAX_BYTES: '2gb' }).memoryMaxBytes).toBe(2 * 1024 ** 3);
    expect(load({ HATOBA_MAX_BODY_BYTES: '128 MiB' }).maxBodyBytes).toBe(128 * 1024 ** 2);
  });

  it('refuses a size it cannot read, naming the variable', () => {
    expect(() => load({ HATOBA_MEMORY_MAX_BYTES: '2tb' })).toThrow(ConfigError);
    expect(() => load({ HATOBA_MEMORY_MAX_BYTES: 'lots' })).toThrow(/HATOBA_MEMORY_MAX_BYTES: expected a size such as 1048576, 512kb, 1mb or 2gb/);
  });
});

describe('numbers in the configuration', () => {
  it('reads an empty or blank value as not set: the default applies', () => {
    const c = load({
      PORT: '',
      HATOBA_KEY_RATE_LIMIT: '',
      HATOBA_SOURCE_RATE_LIMIT: '  ',
      HATOBA_MIN_NODES: ' ',
      HATOBA_DB_POOL: '',
      HATOBA_MEMORY_MAX_ENTRIES: '',
      HATOBA_MEMORY_MAX_BYTES: '',
      HATOBA_MAX_BODY_BYTES: '\t',
      HATOBA_DEDUP_WINDOW: '',
      HATOBA_RETENTION: '',
      HATOBA_SAMPLE_INTERVAL: ' ',
      HATOBA_SESSION_TTL: '',
      HATOBA_DASHBOARD: '',
      HATOBA_DEMO: ' ',
    });
    expect(c).toMatchObject({
      port: 3000,
      keyRateLimit: 1000,
      sourceRateLimit: 100,
      minNodes: 1,
      dbPool: 10,
      memoryLimit: 200_000,
      memoryMaxBytes: 256 * 1024 ** 2,
      maxBodyBytes: 1024 ** 2,
      dedupWindowMs: 86_400_000,
      retentionMs: 7 * 86_400_000,
      sampleIntervalMs: 5000,
      sessionTtlMs: 12 * 3_600_000,
      dashboard: true,
      demo: false,
    });
    expect(c.nodeId).toMatch(/:3000$/);
  });

  it('reads decimal numbers, with blanks around them', () => {
    expect(load({ PORT: ' 8080 ', HATOBA_MIN_NODES: '3', HATOBA_KEY_RATE_LIMIT: '0', HATOBA_SOURCE_RATE_LIMIT: '2.5' })).toMatchObject({
      port: 8080,
      minNodes: 3,
      keyRateLimit: 0,
      sourceRateLimit: 2.5,
    });
    expect(load({ PORT: '0' }).port).toBe(0); // 0 said explicitly: any free port
  });

  it.each([
    ['PORT', '0x10'],
    ['PORT', '1e3'],
    ['PORT', '-1'],
    ['PORT', '+80'],
    ['PORT', '80.5'],
    ['PORT', '65536'],
    ['HATOBA_MIN_NODES', '1e1'],
    ['HATOBA_MIN_NODES', '0'],
    ['HATOBA_DB_POOL', '10.0'],
    ['HATOBA_MEMORY_MAX_ENTRIES', '0b101'],
    ['HATOBA_MEMORY_MAX_ENTRIES', 'Infinity'],
    ['HATOBA_KEY_RATE_LIMIT', '1e3'],
    ['HATOBA_KEY_RATE_LIMIT', '-5'],
    ['HATOBA_KEY_RATE_LIMIT', '0.2'], // bursts of 0.4: no request would ever pass
    ['HATOBA_SOURCE_RATE_LIMIT', '0x10'],
  ])('refuses %s=%s, naming the variable and what it must be', (name, value) => {
    expect(refusal({ [name]: value })).toMatch(new RegExp(`^  ${name}: must be .*, not "${value.replace(/[.+]/g, '\\$&')}"$`, 'm'));
  });

  it('lists every bad value at once', () => {
    const message = refusal({ PORT: '0x10', HATOBA_MIN_NODES: '1e1', HATOBA_DASHBOARD: 'enabled' });
    expect(message).toMatch(/PORT: .*\n.*HATOBA_MIN_NODES: .*\n.*HATOBA_DASHBOARD: /);
  });
});

describe('the bounds of durations and sizes', () => {
  it('accepts each setting up to its maximum', () => {
    expect(load({ HATOBA_SAMPLE_INTERVAL: '24d' }).sampleIntervalMs).toBe(24 * 86_400_000);
    expect(load({ HATOBA_SAMPLE_INTERVAL: '100ms' }).sampleIntervalMs).toBe(100);
    expect(load({ HATOBA_DEDUP_WINDOW: '3650d' }).dedupWindowMs).toBe(3650 * 86_400_000);
    expect(load({ HATOBA_RETENTION: '3650d' }).retentionMs).toBe(3650 * 86_400_000);
    expect(load({ HATOBA_SESSION_TTL: '365d' }).sessionTtlMs).toBe(365 * 86_400_000);
    expect(load({}).commitTimeoutMs).toBe(15_000);
    expect(load({ HATOBA_COMMIT_TIMEOUT: '60m' }).commitTimeoutMs).toBe(3_600_000);
    expect(load({ HATOBA_MAX_BODY_BYTES: '128mb' }).maxBodyBytes).toBe(128 * 1024 ** 2);
    expect(load({ HATOBA_MEMORY_MAX_BYTES: '1024gb' }).memoryMaxBytes).toBe(1024 ** 4);
    expect(load({ HATOBA_MEMORY_MAX_ENTRIES: '16000000' }).memoryLimit).toBe(16_000_000);
  });

  it('keeps every timer within what setTimeout takes (2^31-1 ms)', () => {
    expect(LIMITS.SAMPLE_INTERVAL.max).toBeLessThanOrEqual(2 ** 31 - 1);
  });

  it.each([
    ['HATOBA_SAMPLE_INTERVAL', '25d', 'from 100ms to 24d'], // setInterval would fire every 1 ms
    ['HATOBA_SAMPLE_INTERVAL', '0', 'from 100ms to 24d'],
    ['HATOBA_DEDUP_WINDOW', '999999999999d', 'from 0ms to 3650d'], // every publish with an Idempotency-Key answered 500
    ['HATOBA_DEDUP_WINDOW', '3651d', 'from 0ms to 3650d'],
    ['HATOBA_RETENTION', '99999999999999999999999d', 'from 0ms to 3650d'],
    ['HATOBA_SESSION_TTL', '366d', 'from 1m to 365d'],
    ['HATOBA_COMMIT_TIMEOUT', '2h', 'from 100ms to 1h'],
    ['HATOBA_COMMIT_TIMEOUT', '0', 'from 100ms to 1h'],
    ['HATOBA_MAX_BODY_BYTES', '1gb', 'from 0 bytes to 128mb'],
    ['HATOBA_MEMORY_MAX_BYTES', '1025gb', 'from 0 bytes to 1024gb'],
    ['HATOBA_MEMORY_MAX_ENTRIES', '16777216', 'from 1 to 16000000'],
  ])('refuses %s=%s, naming the variable and its range', (name, value, range) => {
    expect(refusal({ [name]: value })).toMatch(new RegExp(`^  ${name}: must be .*${range}, not "${value}"$`, 'm'));
  });
});

describe('boolean variables', () => {
  it.each([
    ['1', true],
    ['true', true],
    ['YES', true],
    [' On ', true],
    ['0', false],
    ['False', false],
    ['no', false],
    ['OFF', false],
  ])('reads %j as %s', (value, expected) => {
    expect(load({ HATOBA_DASHBOARD: value }).dashboard).toBe(expected);
    expect(load({ HATOBA_DEMO: value }).demo).toBe(expected);
    expect(readFlag('HATOBA_DASHBOARD', value, !expected)).toBe(expected);
  });

  it('refuses anything else, naming the variable, rather than reading it as off', () => {
    expect(refusal({ HATOBA_DASHBOARD: 'enabled' })).toMatch(/^  HATOBA_DASHBOARD: must be 1, true, yes or on \(on\), or 0, false, no or off \(off\), not "enabled"$/m);
    expect(refusal({ HATOBA_DEMO: 'y' })).toMatch(/^  HATOBA_DEMO: must be /m);
    expect(() => readFlag('HATOBA_DASHBOARD', 'enabled', true)).toThrow(ConfigError);
    expect(() => readFlag('HATOBA_DASHBOARD', 'enabled', true)).toThrow(/HATOBA_DASHBOARD: must be/);
  });

  it('reads absent or blank as the default', () => {
    expect(readFlag('X', undefined, true)).toBe(true);
    expect(readFlag('X', '  ', false)).toBe(false);
  });
});
