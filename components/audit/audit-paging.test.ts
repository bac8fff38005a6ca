import { describe, expect, it } from 'vitest';
import { currentCursor, detailText, firstPage, newer, older, pageNumber } from './audit-paging';

describe('audit paging', () => {
  it('walks older and back to newer pages by cursor', () => {
    let p = firstPage();
    expect(currentCursor(p)).toBeUndefined();
    p = older(p, 120);
    p = older(p, 70);
    expect([currentCursor(p), pageNumber(p)]).toEqual([70, 3]);
    expect(older(p, null)).toBe(p);
    p = newer(p);
    expect([currentCursor(p), pageNumber(p)]).toEqual([120, 2]);
    expect(newer(newer(newer(p)))).toEqual(firstPage());
  });

  it('shows details on one line', () => {
    expect(detailText(null)).toBe('');
    expect(detailText({ name: 'ci', scopes: ['monitoring'], purged: 3 })).toBe('name: ci, scopes: ["monitoring"], purged: 3');
  });
});
