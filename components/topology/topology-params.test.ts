import { describe, expect, it } from 'vitest';
import { readTopologyParams, writeTopologyParams } from './topology-params';

describe('topology params', () => {
  it('reads the defaults from an empty query', () => {
    expect(readTopologyParams(new URLSearchParams(''))).toEqual({ filter: '', showDlq: true, showDefault: false });
  });

  it('round-trips every option, leaving defaults out of the URL', () => {
    const query = writeTopologyParams('', { filter: ' orders ', showDlq: false, showDefault: true });
    expect(query).toBe('q=orders&dlqs=0&default=1');
    expect(readTopologyParams(new URLSearchParams(query))).toEqual({ filter: 'orders', showDlq: false, showDefault: true });
    expect(writeTopologyParams(query, { filter: '', showDlq: true, showDefault: false })).toBe('');
  });

  it('changes only what it is given and keeps other parameters', () => {
    expect(writeTopologyParams('?q=pay&utm=x', { showDlq: false })).toBe('q=pay&utm=x&dlqs=0');
  });
});
