import { describe, expect, it } from 'vitest';
import { RawJson, rawJson, stringifyJson } from './raw-json';

describe('raw JSON in responses', () => {
  it('writes each raw value as its own text, in place, and everything else as JSON.stringify does', () => {
    const big = '{"id": 9007199254740993, "price": 1.10, "k": 1, "k": 2}';
    const value = {
      messages: [
        { id: 'a', body: rawJson(big), encoding: 'json', n: 1 },
        { id: 'b', body: rawJson('[1, 2.50, "x"]'), encoding: 'json', n: null },
        { id: 'c', body: 'plain "text"', encoding: 'text' },
        { id: 'd', body: rawJson('"a string"') },
      ],
      next: 5,
    };
    const text = stringifyJson(value);
    expect(text).toBe(
      `{"messages":[{"id":"a","body":${big},"encoding":"json","n":1},{"id":"b","body":[1, 2.50, "x"],"encoding":"json","n":null},` +
        `{"id":"c","body":"plain \\"text\\"","encoding":"text"},{"id":"d","body":"a string"}],"next":5}`,
    );
    expect(JSON.parse(text).messages[1].body).toEqual([1, 2.5, 'x']);
  });

  it('leaves strings that look like its placeholder alone', () => {
    const lookalike = 'hatoba-raw-json:00000000-0000-0000-0000-000000000000:0';
    const text = stringifyJson({ a: lookalike, b: rawJson('{"x":1}'), c: `"${lookalike}"` });
    expect(JSON.parse(text)).toEqual({ a: lookalike, b: { x: 1 }, c: `"${lookalike}"` });
  });

  it('accepts only one valid JSON value', () => {
    for (const bad of ['{"id": ', '', '1 2', "{'a':1}", 'NaN', '[1,]']) expect(rawJson(bad), bad).toBeUndefined();
    for (const good of ['0', 'null', ' {"a":[]} ', '"\\ud800"', '1e400']) expect(rawJson(good), good).toBeInstanceOf(RawJson);
  });

  it('is the parsed value when something other than stringifyJson serialises it', () => {
    expect(JSON.stringify({ body: rawJson('{"a": [1, 2]}') })).toBe('{"body":{"a":[1,2]}}');
    expect(stringifyJson({ plain: 1 })).toBe('{"plain":1}');
  });
});
