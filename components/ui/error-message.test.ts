import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorMessage } from './error-message';

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

  it("keeps a server's own message, and has words for anything else", () => {
    const refused = TRPCClientError.from({ error: { code: -32004, message: "Queue 'missing' does not exist", data: { code: 'NOT_FOUND' } } });
    expect(errorMessage(refused)).toBe("Queue 'missing' does not exist");
    expect(errorMessage(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe("Cannot read properties of undefined (reading 'x')");
    expect(errorMessage('nope')).toBe('The request failed');
    expect(errorMessage(null)).toBe('The request failed');
  });
});
