import { describe, expect, it } from 'vitest';
import { base64ToBytes, bodyPreview, formatBody, hexDump, layoutJson } from './body-format';

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

describe('layoutJson', () => {
  it('lays JSON out as JSON.stringify does, indented or on one line', () => {
    const samples = [
      '{"a":1,"b":[2]}',
      ' { "a" : [ ] , "b" : { } , "c" : [ { } , [ ] , null ] } ',
      '[true,false,null,-0.5,1e-7,"x"]',
      '{"s":"quote \\" backslash \\\\ brace } bracket ] comma , colon :","t":"é 日本"}',
      '"just a string"',
      '42',
      '{"deep":{"deeper":{"deepest":[1,[2,[3,{"k":"v"}]]]}}}',
      '[\n\t1,\r\n 2 ]',
    ];
    for (const text of samples) {
      expect(layoutJson(text.trim(), '  '), text).toBe(JSON.stringify(JSON.parse(text), null, 2));
      expect(layoutJson(text.trim(), ''), text).toBe(JSON.stringify(JSON.parse(text)));
    }
  });

  it('keeps numbers and keys as they were written, where parsing would change them', () => {
    expect(layoutJson('{"id": 9007199254740993, "price": 1.10, "k": 1, "k": 2, "big": 1e400}', '')).toBe(
      '{"id":9007199254740993,"price":1.10,"k":1,"k":2,"big":1e400}',
    );
    expect(layoutJson('["\\u00e9\\n"]', '')).toBe('["\\u00e9\\n"]');
    expect(formatBody(bytes('{"id":12345678901234567890}'), 'application/json').text).toBe('{\n  "id": 12345678901234567890\n}');
    expect(bodyPreview(bytes('{ "id" : 9007199254740993 }'), 'application/json')).toBe('{"id":9007199254740993}');
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
