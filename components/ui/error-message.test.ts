import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorMessage, inputIssues } from './error-message';

describe('errorMessage', () => {
  it('says the server did not answer when a proxy answered /trpc with something that is not JSON', () => {
    // What the tRPC client hands over for a 503 "down" from a proxy: only JSON.parse's complaint.
    const proxied = TRPCClientError.from(new SyntaxError(`Unexpected token 'd', "down" is not valid JSON`));
    expect(errorMessage(proxied)).toMatch(/^The Hatoba server did not answer: something in between/);
    expect(errorMessage(proxied)).not.toMatch(/JSON|token/);
    expect(errorMessage(new Error('Unexpected end of JSON input'))).toMatch(/^The Hatoba server did not answer/);
  });

  it('says the server cannot be reached when the request never got an answer', () => {
    expect(errorMessage(TRPCClientError.from(new TypeError('Failed to fetch')))).toMatch(/^Cannot reach the Hatoba server/);
    expect(errorMessage(TRPCClientError.from(new TypeError('NetworkError when attempting to fetch resource.')))).toMatch(/^Cannot reach the Hatoba server/);
  });

  it('promises a retry only for what the page polls; an action is not repeated, and may have happened', () => {
    const down = TRPCClientError.from(new TypeError('Failed to fetch'));
    expect(errorMessage(down)).toMatch(/the page keeps retrying\.$/);
    expect(errorMessage(down, 'action')).toMatch(/it was not repeated: check whether it took effect before trying again\.$/);
    expect(errorMessage(down, 'action')).not.toMatch(/retrying/);
    expect(errorMessage(TRPCClientError.from(new SyntaxError('Unexpected end of JSON input')), 'action')).not.toMatch(/retrying/);
  });

  it('promises no retry for a read the page makes once and does not poll (a search, an audit page, the key list)', () => {
    const down = TRPCClientError.from(new TypeError('Failed to fetch'));
    expect(errorMessage(down, 'once')).toMatch(/this is not retried by itself: try again once it is back \(or reload the page\)\.$/);
    expect(errorMessage(down, 'once')).not.toMatch(/keeps retrying/);
  });

  it("keeps a server's own message, and has words for anything else", () => {
    const refused = TRPCClientError.from({ error: { code: -32004, message: "Queue 'missing' does not exist", data: { code: 'NOT_FOUND' } } });
    expect(errorMessage(refused)).toBe("Queue 'missing' does not exist");
    expect(errorMessage(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe("Cannot read properties of undefined (reading 'x')");
    expect(errorMessage('nope')).toBe('The request failed');
    expect(errorMessage(null)).toBe('The request failed');
  });
});

describe('input validation errors', () => {
  // What tRPC sends when a procedure's input fails its zod schema: the issues as JSON text.
  const issues = [
    { origin: 'string', code: 'invalid_format', format: 'regex', pattern: '/^[A-Za-z0-9_.:-]{1,200}$/', path: ['name'], message: 'use 1–200 characters of A-Z a-z 0-9 _ . : -' },
  ];
  const refused = (list: unknown[]) =>
    TRPCClientError.from({ error: { code: -32600, message: JSON.stringify(list, null, 2), data: { code: 'BAD_REQUEST', httpStatus: 400, path: 'queues.get' } } });

  it('turns the issues into words instead of showing their JSON', () => {
    const text = errorMessage(refused(issues));
    expect(text).toBe('Invalid name: use 1–200 characters of A-Z a-z 0-9 _ . : -');
    expect(text).not.toMatch(/[[{"]|invalid_format/);
  });

  it('names nested fields and lists every issue', () => {
    const text = errorMessage(
      refused([
        { code: 'too_big', path: ['filter', 'routingKey'], message: 'Too big: expected string to have <=255 characters' },
        { code: 'custom', path: [], message: 'one of ids, all or filter is required' },
      ]),
    );
    expect(text).toBe('Invalid filter.routingKey: Too big: expected string to have <=255 characters; one of ids, all or filter is required');
  });

  it('gives the issues to a page that has its own words for them', () => {
    expect(inputIssues(refused(issues))).toEqual([{ path: 'name', message: 'use 1–200 characters of A-Z a-z 0-9 _ . : -' }]);
    expect(inputIssues(TRPCClientError.from({ error: { code: -32004, message: "Queue 'x' does not exist", data: { code: 'NOT_FOUND' } } }))).toBeNull();
    expect(inputIssues(TRPCClientError.from({ error: { code: -32600, message: '[1, 2]', data: { code: 'BAD_REQUEST' } } }))).toBeNull();
    expect(inputIssues(new Error('[oops'))).toBeNull();
  });
});
