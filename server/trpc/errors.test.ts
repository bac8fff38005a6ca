import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { BrokerError } from '../broker/errors';
import { brokerCode, toTrpcError } from './errors';

describe('toTrpcError', () => {
  it('keeps a broker error message and maps its code', () => {
    const e = toTrpcError(new BrokerError('queue_not_found', "Queue 'x' does not exist"));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe("Queue 'x' does not exist");
    expect(brokerCode(e)).toBe('queue_not_found');
  });

  it('maps conflicts and bad input', () => {
    expect(toTrpcError(new BrokerError('queue_settings_mismatch', 'm')).code).toBe('CONFLICT');
    expect(toTrpcError(new BrokerError('invalid_name', 'm')).code).toBe('BAD_REQUEST');
  });

  it('hides the message of an unknown error', () => {
    const e = toTrpcError(new Error('password=hunter2 in connection string'));
    expect(e.code).toBe('INTERNAL_SERVER_ERROR');
    expect(e.message).not.toContain('hunter2');
    expect(brokerCode(e)).toBeNull();
  });

  it('passes TRPCErrors through', () => {
    const original = new TRPCError({ code: 'BAD_REQUEST', message: 'nope' });
    expect(toTrpcError(original)).toBe(original);
  });
});
