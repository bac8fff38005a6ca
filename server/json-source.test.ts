import { describe, expect, it } from 'vitest';
import { pathKey, valueTexts } from './json-source';

const texts = (text: string, pattern: string[]) => {
  JSON.parse(text); // the scanner's precondition
  return Object.fromEntries([...valueTexts(text, pattern)].map(([k, v]) => [k.split('\u0000').join('/'), v]));
};

describe('valueTexts', () => {
  it('finds each batch body as written, whatever surrounds it', () => {
    const batch = `{ "messages" : [
      {"routingKey": "a", "body": {"id": 9007199254740993, "price": 1.10}},
      {"body":"text \\" with } and ] inside", "encoding": "text"},
      {"routingKey": "no body"},
      {"headers": {"body": "not this one"}, "body" : [ 1 , {"x": [[]]} ] , "after": {"deep": [1, {"y": "]"}]}}
    ], "extra": {"messages": [{"body": 0}]} }`;
    expect(texts(batch, ['messages', '*', 'body'])).toEqual({
      'messages/0/body': '{"id": 9007199254740993, "price": 1.10}',
      'messages/1/body': '"text \\" with } and ] inside"',
      'messages/3/body': '[ 1 , {"x": [[]]} ]',
    });
  });

  it('takes the last of repeated keys, as JSON.parse does, on every level', () => {
    const text = '{"messages":[{"body":1},{"body":2},{"body":3}],"messages":[{"body":"a","body":"b"},{"routingKey":"x"}]}';
    const parsed = JSON.parse(text);
    const found = valueTexts(text, ['messages', '*', 'body']);
    expect(found.get(pathKey(['messages', 0, 'body']))).toBe('"b"');
    // The second array's element 1 has no body: nothing from the first array may stand in for it.
    expect(found.has(pathKey(['messages', 1, 'body']))).toBe(false);
    expect(parsed.messages[1].body).toBeUndefined();
  });

  it('reads keys written with escapes, and top-level array elements', () => {
    expect(texts('{"bo\\u0064y": 12345678901234567890}', ['body'])).toEqual({ body: '12345678901234567890' });
    expect(texts(' [ {"a":1} , 2e400 , "x\\\\" , null ] ', ['*'])).toEqual({ 0: '{"a":1}', 1: '2e400', 2: '"x\\\\"', 3: 'null' });
    expect(texts('[]', ['*'])).toEqual({});
    expect(texts('{"edit": {"body": -0.0}}', ['edit', 'body'])).toEqual({ 'edit/body': '-0.0' });
  });

  it('skips deep nesting without recursion', () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    expect(texts(`{"body": ${deep}, "other": ${deep}}`, ['body']).body).toHaveLength(100_000);
  });
});
