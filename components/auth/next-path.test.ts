import { describe, expect, it } from 'vitest';
import { isLoginPath, loginHref, safeNextPath } from './next-path';

describe('safeNextPath', () => {
  it('keeps paths on this site, with their query', () => {
    expect(safeNextPath('/queues/orders')).toBe('/queues/orders');
    expect(safeNextPath('/dead-letters?queue=a.dlq')).toBe('/dead-letters?queue=a.dlq');
  });

  it('refuses anything that could leave the site, and the login page itself', () => {
    for (const bad of [null, undefined, '', 'https://evil.example', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', '/x\nSet-Cookie:a', '/login', '/login?next=/']) {
      expect(safeNextPath(bad), String(bad)).toBe('/');
    }
  });
});

describe('loginHref', () => {
  it('carries where the operator was', () => {
    expect(loginHref('/queues/orders?tab=settings')).toBe('/login?next=%2Fqueues%2Forders%3Ftab%3Dsettings');
    expect(loginHref('/')).toBe('/login');
    expect(isLoginPath('/login?next=%2F')).toBe(true);
    expect(isLoginPath('/logins')).toBe(false);
  });
});
