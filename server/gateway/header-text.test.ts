import { describe, expect, it } from 'vitest';
import { headerBytes, headerText, headerValue, textHeaders } from './header-text';

/** What Node hands over for these UTF-8 bytes: one character per byte. */
const asNodeReadsIt = (s: string) => Buffer.from(s, 'utf8').toString('latin1');

describe('header values', () => {
  it('read UTF-8 bytes as UTF-8, Latin-1 bytes as Latin-1, ASCII as it is', () => {
    expect(headerText(asNodeReadsIt('José'))).toBe('José');
    expect(headerText(asNodeReadsIt('東京 🚢'))).toBe('東京 🚢');
    expect(headerText('caf\u00e9')).toBe('café'); // the single byte 0xE9: not UTF-8
    expect(headerText('acme')).toBe('acme');
  });

  it('write text as UTF-8 bytes, and nothing for a value no header can carry', () => {
    expect(headerBytes('x', 'José')).toBe(asNodeReadsIt('José'));
    expect(Buffer.from(headerBytes('x', '東京')!, 'latin1').toString('utf8')).toBe('東京');
    expect(headerBytes('x', 'acme')).toBe('acme');
    expect(headerBytes('x', 'a\nb')).toBeUndefined();
    expect(headerBytes('hatoba-header-bad name', 'v')).toBeUndefined(); // a name stored before names were checked
    expect(headerText(headerBytes('x', 'José')!)).toBe('José');
  });

  it('read one request header, or all of them, as text; ASCII headers are left as they are', () => {
    const h = { 'ce-subject': asNodeReadsIt('José'), 'set-cookie': ['a=1', asNodeReadsIt('b=東京')], host: 'x' };
    expect(headerValue(h, 'ce-subject')).toBe('José');
    expect(headerValue(h, 'set-cookie')).toBe('a=1');
    expect(headerValue(h, 'missing')).toBeUndefined();
    const text = textHeaders(h);
    expect(text).toEqual({ 'ce-subject': 'José', 'set-cookie': ['a=1', 'b=東京'], host: 'x' });
    expect(h['ce-subject']).toBe(asNodeReadsIt('José')); // a copy: the request's own headers are not changed
    const ascii = { host: 'x', 'ce-id': '1' };
    expect(textHeaders(ascii)).toBe(ascii);
  });
});
