import { describe, expect, it } from 'vitest';
import { addRow, bindingDraftInput, headerValues, NEW_BINDING_DRAFT, removeRow, type BindingDraft } from './binding-draft';

const draft = (over: Partial<BindingDraft>): BindingDraft => ({ ...NEW_BINDING_DRAFT, queue: 'jobs', ...over });

describe('header rows', () => {
  it('adds rows with fresh ids and always keeps one to type in', () => {
    const rows = addRow(addRow(NEW_BINDING_DRAFT.rows));
    expect(rows.map((r) => r.id)).toEqual([0, 1, 2]);
    expect(removeRow(rows, 1).map((r) => r.id)).toEqual([0, 2]);
    expect(addRow(removeRow(rows, 1)).map((r) => r.id)).toEqual([0, 2, 3]);
    expect(removeRow([{ id: 4, name: 'tenant', value: 'acme' }], 4)).toEqual([{ id: 5, name: '', value: '' }]);
  });

  it('turns rows into values, skipping blank rows', () => {
    expect(
      headerValues([
        { id: 0, name: ' tenant ', value: 'acme' },
        { id: 1, name: '', value: '' },
        { id: 2, name: 'region', value: '' },
      ]),
    ).toEqual({ values: { tenant: 'acme', region: '' }, problems: [] });
  });

  it('says a value without a name and a name given twice', () => {
    expect(
      headerValues([
        { id: 0, name: 'Tenant', value: 'a' },
        { id: 1, name: 'tenant', value: 'b' },
        { id: 2, name: ' ', value: 'eu' },
      ]).problems,
    ).toEqual(['The header tenant is given twice', 'The header value “eu” has no name']);
  });
});

describe('bindingDraftInput', () => {
  it('sends the key or pattern for direct and topic exchanges', () => {
    expect(bindingDraftInput('orders', 'topic', draft({ key: ' order.* ' })).input).toEqual({ exchange: 'orders', queue: 'jobs', key: 'order.*' });
    expect(bindingDraftInput('orders', 'direct', draft({ key: '' })).input).toEqual({ exchange: 'orders', queue: 'jobs', key: '' });
  });

  it('sends no key to a fanout exchange, and arguments to a headers exchange', () => {
    expect(bindingDraftInput('all', 'fanout', draft({ key: 'ignored' })).input).toEqual({ exchange: 'all', queue: 'jobs', key: '' });
    const rows = [{ id: 0, name: 'tenant', value: 'acme' }];
    expect(bindingDraftInput('h', 'headers', draft({ key: 'x', match: 'any', rows })).input).toEqual({
      exchange: 'h',
      queue: 'jobs',
      key: '',
      headers: { match: 'any', values: { tenant: 'acme' } },
    });
  });

  it('refuses a missing queue, a key with white space and bad rows', () => {
    expect(bindingDraftInput('orders', 'topic', draft({ queue: '', key: 'order created' }))).toEqual({
      problems: ['Choose the queue to bind', 'The binding pattern has white space in it: use dots between words (order.created)'],
      input: null,
    });
    expect(bindingDraftInput('h', 'headers', draft({ rows: [{ id: 0, name: '', value: 'x' }] })).problems).toEqual(['The header value “x” has no name']);
  });
});
