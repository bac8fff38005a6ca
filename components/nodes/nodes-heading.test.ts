import { describe, expect, it } from 'vitest';
import { nodesHeading } from './nodes-heading';

describe('nodesHeading', () => {
  it('counts the nodes, and the alive ones when not all are', () => {
    expect(nodesHeading(1, 1, false)).toBe('One node');
    expect(nodesHeading(3, 3, false)).toBe('3 nodes');
    expect(nodesHeading(3, 2, false)).toBe('3 nodes, 2 alive');
  });

  it('while refreshes fail, counts no one as alive from stale statuses', () => {
    expect(nodesHeading(3, 3, true)).toBe('3 nodes, statuses unknown');
    expect(nodesHeading(1, 1, true)).toBe('One node, statuses unknown');
  });
});
