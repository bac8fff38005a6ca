import { describe, expect, it } from 'vitest';
import { isJsonContentType, jsonBodyProblem } from './json-body';

describe('jsonBodyProblem', () => {
  it('refuses a body that is not JSON when the content type says it is', () => {
    expect(jsonBodyProblem('{"orderId": 42', 'application/json')).toBe('The body is not valid JSON: fix it or choose text/plain');
    expect(jsonBodyProblem('not json', 'application/json; charset=utf-8')).not.toBeNull();
    expect(jsonBodyProblem('nope', 'application/cloudevents+json')).not.toBeNull();
    expect(jsonBodyProblem('', 'Application/JSON')).not.toBeNull();
  });

  it('accepts valid JSON, and any text under another content type', () => {
    expect(jsonBodyProblem('{"orderId": 9007199254740993}', 'application/json')).toBeNull();
    expect(jsonBodyProblem(' [1, 2] ', 'application/json')).toBeNull();
    expect(jsonBodyProblem('not json', 'text/plain; charset=utf-8')).toBeNull();
    expect(jsonBodyProblem('{"a":', 'application/octet-stream')).toBeNull();
  });

  it('knows the JSON media types', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType(' application/vnd.api+json ; charset=utf-8')).toBe(true);
    expect(isJsonContentType('text/json-ish')).toBe(false);
    expect(isJsonContentType('application/jsonl')).toBe(false);
  });
});
