import { describe, expect, it } from 'vitest';
import { EMPTY_FIELDS, fieldsFromParams, paramsFromFields, parseHeaderFilter, resultsCaption, resultsProblem, searchSubmit, toSearchInput } from './search-query';

describe('search fields and the URL', () => {
  it('round-trips through URL parameters, headers repeated', () => {
    const f = { ...EMPTY_FIELDS, correlationId: 'c-1', headers: 'tenant:acme\nregion: eu' };
    const params = paramsFromFields(f);
    expect(params.toString()).toBe('correlationId=c-1&header=tenant%3Aacme&header=region%3A+eu');
    expect(fieldsFromParams(params)).toEqual({ ...f, headers: 'tenant:acme, region: eu' });
  });

  it('restores repeated header parameters with their separator (the field is one line)', () => {
    const params = new URLSearchParams('header=tenant%3At1&header=tenant%3Aacme2');
    expect(fieldsFromParams(params).headers).toBe('tenant:t1, tenant:acme2');
    // and back to the same URL
    expect(paramsFromFields(fieldsFromParams(params)).toString()).toBe('header=tenant%3At1&header=tenant%3Aacme2');
  });
});

describe('parseHeaderFilter', () => {
  it('lowercases names and keeps colons in values', () => {
    expect(parseHeaderFilter('Tenant: acme, url:http://x')).toEqual({ headers: { tenant: 'acme', url: 'http://x' }, errors: [] });
  });

  it('refuses one header name given two different values (a message has one value per name)', () => {
    expect(parseHeaderFilter('tenant:t1, tenant:t2')).toEqual({
      headers: { tenant: 't1' },
      errors: ['"tenant" is given twice, as "t1" and "t2": a message has one value per header, so search for one value at a time'],
    });
    expect(parseHeaderFilter('Tenant:t1, tenant:t2').errors).toHaveLength(1);
    expect(toSearchInput({ ...EMPTY_FIELDS, headers: 'tenant:t1, tenant:t2' }).errors).toEqual([
      'Header "tenant" is given twice, as "t1" and "t2": a message has one value per header, so search for one value at a time',
    ]);
  });

  it('accepts the same name and value twice', () => {
    expect(parseHeaderFilter('tenant:t1, Tenant: t1')).toEqual({ headers: { tenant: 't1' }, errors: [] });
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

describe('searchSubmit', () => {
  it('refreshes the results when the search on show is submitted again, and goes to a new one otherwise', () => {
    expect(searchSubmit('', '')).toBe('refresh');
    expect(searchSubmit('routingKey=order.completed', 'routingKey=order.completed')).toBe('refresh');
    expect(searchSubmit('routingKey=order.paid', 'routingKey=order.completed')).toBe('push');
  });
});

describe('resultsProblem', () => {
  it('says when loading older messages or a refresh failed while results are shown', () => {
    expect(resultsProblem({ isError: false, hasData: true, isFetchNextPageError: false })).toBeNull();
    expect(resultsProblem({ isError: true, hasData: false, isFetchNextPageError: false })).toBe('The search failed');
    expect(resultsProblem({ isError: true, hasData: true, isFetchNextPageError: true })).toMatch(/^Could not load older messages/);
    expect(resultsProblem({ isError: true, hasData: true, isFetchNextPageError: false })).toBe('The last refresh failed; showing older results');
  });
});
