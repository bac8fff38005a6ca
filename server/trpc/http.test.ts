import { describe, expect, it } from 'vitest';
import { isCrossSite } from '../auth/sessions';
import { isLoopback } from './http';

describe('isCrossSite', () => {
  it('lets same-origin and non-browser requests through', () => {
    expect(isCrossSite({ headers: { host: '127.0.0.1:3000' } })).toBe(false);
    expect(isCrossSite({ headers: { host: '127.0.0.1:3000', origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' } })).toBe(false);
  });

  it('refuses what a browser marks as another site', () => {
    expect(isCrossSite({ headers: { host: '127.0.0.1:3000', 'sec-fetch-site': 'cross-site' } })).toBe(true);
    expect(isCrossSite({ headers: { host: '127.0.0.1:3000', origin: 'http://evil.example' } })).toBe(true);
    expect(isCrossSite({ headers: { host: '127.0.0.1:3000', origin: 'null' } })).toBe(true);
  });
});

describe('isLoopback', () => {
  it('accepts this machine only', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('10.0.0.5')).toBe(false);
    expect(isLoopback('::ffff:192.168.1.2')).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
    expect(isLoopback('127.45.6.7')).toBe(true);
    // not an address at all: the old prefix test let this through
    expect(isLoopback('127.attacker.example')).toBe(false);
  });
});
