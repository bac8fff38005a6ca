import { describe, expect, it } from 'vitest';
import { EMPTY_FIELDS, fieldsFromParams, paramsFromFields, parseHeaderFilter, resultsCaption, toSearchInput } from './search-query';

describe('search fields and the URL', () => {
  it('round-trips through URL parameters, headers repeated', () => {
    const f = { ...EMPTY_FIELDS, correlationId: 'c-1', headers: 'tenant:acme\nregion: eu' };
    const params = paramsFromFields(f);
    expect(params.toString()).toBe('correlationId=c-1&header=tenant%3Aacme&header=region%3A+eu');
    expect(fieldsFromParams(params)).toEqual({ ...f, headers: 'tenant:acme\nregion: eu' });
  });
});

describe('parseHeaderFilter', () => {
  it('lowercases names and keeps colons in values', () => {
    expect(parseHeaderFilter('Tenant: acme, url:http://x')).toEqual({ headers: { tenant: 'acme', url: 'http://x' }, errors: [] });
  });

  it('reports lines without a name', () => {
    expect(parseHeaderFilter('acme').errors).toEqual(['"acme" is not name:value']);
  });
});

describe('toSearchInput', () => {
  const utc = (local: string) => new Date(`${local}Z`).toISOString();

  it('leaves out empty fields', () => {
    expect(toSearchInput({ ...EMPTY_FIELDS, routingKey: ' order.created ' }, utc)).toEqual({ input: { routingKey: 'order.created' }, errors: [] });
  });

  it('validates ids and time ranges', () => {
    const { errors } = toSearchInput({ ...EMPTY_FIELDS, id: 'abc', from: '2025-01-02T10:00', to: '2025-01-01T10:00' }, utc);
    expect(errors).toHaveLength(2);
  });

  it('turns local times into instants', () => {
    expect(toSearchInput({ ...EMPTY_FIELDS, from: '2025-01-02T10:00' }, utc).input).toEqual({ from: '2025-01-02T10:00:00.000Z' });
  });
});

describe('resultsCaption', () => {
  it('counts in the singular for one message', () => {
    expect(resultsCaption(1, false)).toBe('1 message');
    expect(resultsCaption(0, false)).toBe('0 messages');
    expect(resultsCaption(50, true)).toBe('50 messages (more below)');
  });
});
