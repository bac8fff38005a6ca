import { describe, expect, it } from 'vitest';
import { detailText, parseAuditFilter } from './audit-paging';

describe('audit paging', () => {
  it('reads the filter from the URL, trimmed, blank when absent', () => {
    expect(parseAuditFilter(new URLSearchParams(''))).toEqual({ actor: '', action: '' });
    expect(parseAuditFilter(new URLSearchParams('actor=%20session%3Aoperator%20&action=queue.purge&page=2'))).toEqual({
      actor: 'session:operator',
      action: 'queue.purge',
    });
    // Longer than the API accepts is cut, not sent to fail.
    expect(parseAuditFilter(new URLSearchParams(`actor=${'a'.repeat(400)}`)).actor).toHaveLength(300);
  });

  it('shows details on one line', () => {
    expect(detailText(null)).toBe('');
    expect(detailText({ name: 'ci', scopes: ['monitoring'], purged: 3 })).toBe('name: ci, scopes: ["monitoring"], purged: 3');
  });
});
