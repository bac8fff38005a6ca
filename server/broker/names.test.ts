import { describe, expect, it } from 'vitest';
import { checkDeclarableName, checkHeaders, checkName, checkRoutingKey, checkStoredText, unstorableText } from './names';

describe('text PostgreSQL cannot store', () => {
  it('finds NUL and lone surrogates, and passes paired ones', () => {
    expect(unstorableText('a\u0000b')).toBe('the NUL character');
    for (const s of ['\ud800', 'x\ud800y', '\udc00', 'a\udfff', '\ud83d\ud83d', '\ude00\ud83d']) expect(unstorableText(s)).toMatch(/lone UTF-16 surrogate/);
    for (const s of ['', 'plain', 'emoji 😀', '\ud83d\ude00\ud83d\ude00', 'é中']) expect(unstorableText(s)).toBeNull();
  });

  it('checkStoredText and checkHeaders refuse both as validation_failed naming the field', () => {
    expect(() => checkStoredText({ error: 'bad \ud800 x' })).toThrow(expect.objectContaining({ code: 'validation_failed', message: expect.stringMatching(/^error must not contain a lone/), details: { field: 'error' } }));
    expect(() => checkStoredText({ correlationId: 'a\u0000' })).toThrow(/^correlationId must not contain the NUL character/);
    expect(() => checkHeaders({ h: '\udc00' })).toThrow(expect.objectContaining({ code: 'validation_failed', details: { field: 'headers', header: 'h' } }));
    expect(() => checkStoredText({ ok: 'fine 😀', none: undefined, nil: null })).not.toThrow();
  });

  it('checkHeaders refuses the header name __proto__ as reserved (a plain object would take it as its prototype)', () => {
    const headers = JSON.parse('{"a":"1","__proto__":"x"}') as Record<string, string>; // an own key, as JSON.parse makes it
    expect(() => checkHeaders(headers)).toThrow(expect.objectContaining({ code: 'validation_failed', message: expect.stringMatching(/'__proto__' is reserved/), details: { field: 'headers', header: '__proto__' } }));
    expect(() => checkHeaders({ constructor: 'c', tostring: 't', proto: 'p' })).not.toThrow();
  });

  it('a routing key with a lone surrogate is invalid, like one with a control character', () => {
    expect(() => checkRoutingKey('nul13\ud800')).toThrow(expect.objectContaining({ code: 'invalid_routing_key' }));
    expect(() => checkRoutingKey('a.\udc00', { pattern: true })).toThrow(expect.objectContaining({ code: 'invalid_routing_key' }));
    expect(() => checkRoutingKey('emoji.😀')).not.toThrow();
  });
});

describe('names a URL cannot carry', () => {
  it("'.' and '..' are invalid_name for every kind, saying why; other names of dots are fine", () => {
    for (const kind of ['queue', 'exchange', 'source'] as const) {
      for (const name of ['.', '..']) {
        expect(() => checkName(kind, name)).toThrow(
          expect.objectContaining({ code: 'invalid_name', message: expect.stringMatching(/URLs resolve them as path segments/), details: { [kind]: name } }),
        );
      }
      for (const name of ['...', '.a', 'a.', 'a..b', '.dlq']) expect(() => checkName(kind, name)).not.toThrow();
    }
    expect(() => checkDeclarableName('queue', '..')).toThrow(expect.objectContaining({ code: 'invalid_name' }));
  });
});
