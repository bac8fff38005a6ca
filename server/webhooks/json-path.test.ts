import { describe, expect, it } from 'vitest';
import { jsonPath } from './inbound';

describe("jsonPath reads the body's own fields only", () => {
  it('a path through what every object inherits finds nothing, as any missing field', () => {
    expect(jsonPath({}, 'constructor.name')).toBeUndefined();
    expect(jsonPath({ a: {} }, 'a.__proto__.constructor.name')).toBeUndefined();
    expect(jsonPath(['x'], 'length')).toBeUndefined();
    expect(jsonPath({ constructor: { name: 'sent' } }, 'constructor.name')).toBe('sent');
    expect(jsonPath({ items: ['a', 'b'] }, 'items.1')).toBe('b');
  });
});
