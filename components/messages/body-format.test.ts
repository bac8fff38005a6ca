import { describe, expect, it } from 'vitest';
import { base64ToBytes, bodyPreview, formatBody, hexDump } from './body-format';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('formatBody', () => {
  it('pretty-prints JSON', () => {
    expect(formatBody(bytes('{"a":1,"b":[2]}'), 'application/json')).toEqual({ kind: 'json', text: '{\n  "a": 1,\n  "b": [\n    2\n  ]\n}' });
  });

  it('recognises JSON sent as text or octet-stream', () => {
    expect(formatBody(bytes(' [1, 2] '), 'text/plain').kind).toBe('json');
    expect(formatBody(bytes('{"x":true}'), 'application/octet-stream').kind).toBe('json');
  });

  it('keeps text, including broken JSON', () => {
    expect(formatBody(bytes('hello\nworld'), 'text/plain')).toEqual({ kind: 'text', text: 'hello\nworld' });
    expect(formatBody(bytes('{not json'), 'application/json')).toEqual({ kind: 'text', text: '{not json' });
  });

  it('dumps binary as hex', () => {
    const f = formatBody(new Uint8Array([0, 1, 2, 0xff, 0x41]), 'application/octet-stream');
    expect(f.kind).toBe('hex');
    expect(f.text).toBe('00000000  00 01 02 ff 41' + ' '.repeat(47 - 14) + '  ....A');
  });

  it('treats invalid UTF-8 as binary', () => {
    expect(formatBody(new Uint8Array([0xc3, 0x28]), 'text/plain').kind).toBe('hex');
  });

  it('says when a body is empty', () => {
    expect(formatBody(new Uint8Array(), 'text/plain').kind).toBe('empty');
  });
});

describe('hexDump', () => {
  it('cuts long bodies and says how much is left', () => {
    const dump = hexDump(new Uint8Array(40), 32);
    expect(dump.split('\n')).toHaveLength(3);
    expect(dump).toContain('… 8 more bytes');
  });
});

describe('base64ToBytes and bodyPreview', () => {
  it('decodes base64 and previews on one line', () => {
    expect(Array.from(base64ToBytes('AAEC'))).toEqual([0, 1, 2]);
    expect(bodyPreview(bytes('{\n "orderId": 42\n}'), 'application/json')).toBe('{"orderId":42}');
    expect(bodyPreview(bytes('x'.repeat(100)), 'text/plain', 10)).toBe('xxxxxxxxx…');
    expect(bodyPreview(new Uint8Array([0, 0]), 'application/octet-stream')).toBe('binary, 2 bytes');
  });
});
