import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const load = (env: Record<string, string>) => loadConfig(env, ['node', 'main']);

describe('byte sizes in the configuration', () => {
  it('reads bytes, and kb, mb and gb as binary units', () => {
    expect(load({ HATOBA_MEMORY_MAX_BYTES: '1048576' }).memoryMaxBytes).toBe(1048576);
    expect(load({ HATOBA_MEMORY_MAX_BYTES: '512kb' }).memoryMaxBytes).toBe(512 * 1024);
    expect(load({ HATOBA_MEMORY_MAX_BYTES: '1.5MiB' }).memoryMaxBytes).toBe(1.5 * 1024 ** 2);
    expect(load({ HATOBA_MEMORY_MAX_BYTES: '2gb' }).memoryMaxBytes).toBe(2 * 1024 ** 3);
    expect(load({ HATOBA_MAX_BODY_BYTES: '1 GiB' }).maxBodyBytes).toBe(1024 ** 3);
  });

  it('refuses a size it cannot read, naming the variable', () => {
    expect(() => load({ HATOBA_MEMORY_MAX_BYTES: '2tb' })).toThrow(ConfigError);
    expect(() => load({ HATOBA_MEMORY_MAX_BYTES: 'lots' })).toThrow(/HATOBA_MEMORY_MAX_BYTES: expected a size such as 1048576, 512kb, 1mb or 2gb/);
  });
});
