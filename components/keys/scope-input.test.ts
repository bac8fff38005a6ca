import { describe, expect, it } from 'vitest';
import { parseScopeList, scopeListProblems } from './scope-input';

describe('scope list input', () => {
  it('splits on commas, spaces and new lines, dropping repeats', () => {
    expect(parseScopeList(' publish:orders*, monitoring\nconsume:inv*  monitoring ')).toEqual(['publish:orders*', 'monitoring', 'consume:inv*']);
    expect(parseScopeList('  ')).toEqual([]);
  });

  it('names what is not a scope', () => {
    expect(scopeListProblems([])).toEqual(['Give the key at least one scope.']);
    expect(scopeListProblems(['admin', 'publish:o*', 'consume:q'])).toEqual([]);
    expect(scopeListProblems(['write:all', 'publish:'])).toHaveLength(2);
    expect(scopeListProblems(['write:all'])[0]).toMatch(/'write:all' is not a scope/);
  });
});
