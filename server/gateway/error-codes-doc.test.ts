import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STATUS } from './errors';

/** README's list of error codes is the one a client codes against: it names every code the API can answer with, under its status. */
describe('the error codes README lists', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('Errors always look like');
  const list = readme.slice(start, readme.indexOf('\n\n', start));

  it('names every code under its status, and no code that does not exist', () => {
    const byStatus = new Map<string, number>();
    for (const line of list.split(/\n(?=- )/)) {
      // "- 404: `a`, `b`; 405: `c`": each status applies to the codes after it up to the next status.
      let status = 0;
      for (const part of line.split(/(\b\d{3}\b:)/)) {
        const s = /^(\d{3}):$/.exec(part);
        if (s) status = Number(s[1]);
        else for (const m of part.matchAll(/`([a-z_]+)`/g)) if (status) byStatus.set(m[1]!, status);
      }
    }
    expect(Object.fromEntries(byStatus)).toEqual(STATUS);
  });
});
