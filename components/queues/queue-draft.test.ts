import { describe, expect, it } from 'vitest';
import { queueDeclarationSchema } from '../../server/broker/queue-settings';
import { NEW_QUEUE_DRAFT, deadLetterLabel, queueDraftInput, type QueueDraft } from './queue-draft';

const draft = (over: Partial<QueueDraft>): QueueDraft => ({ ...NEW_QUEUE_DRAFT, name: 'jobs', ...over });

describe('queueDraftInput', () => {
  it('sends the defaults on show, and its own .dlq, for a name alone', () => {
    const { problems, input } = queueDraftInput(draft({ name: '  jobs ' }));
    expect(problems).toEqual([]);
    expect(input).toEqual({ name: 'jobs', settings: { durability: 'durable', maxDeliveries: 5, visibilityTimeoutMs: 30_000, deadLetter: {} } });
    expect(queueDeclarationSchema.safeParse(input!.settings).success).toBe(true);
  });

  it('converts seconds to milliseconds and leaves blank fields to the broker', () => {
    const { input } = queueDraftInput(
      draft({ durability: 'memory', maxDeliveries: '', visibilitySeconds: '1.5', retryInitialSeconds: '0.25', retryMaxSeconds: '60', ttlSeconds: '3600', maxLength: '1000' }),
    );
    expect(input!.settings).toEqual({
      durability: 'memory',
      visibilityTimeoutMs: 1500,
      deadLetter: {},
      retry: { initialDelayMs: 250, maxDelayMs: 60_000 },
      messageTtlMs: 3_600_000,
      maxLength: 1000,
    });
    expect(queueDeclarationSchema.safeParse(input!.settings).success).toBe(true);
  });

  it('sends dead letters through an exchange, the key only when given, or drops them', () => {
    expect(queueDraftInput(draft({ deadLetter: 'exchange', dlExchange: 'dead' })).input!.settings.deadLetter).toEqual({ exchange: 'dead' });
    expect(queueDraftInput(draft({ deadLetter: 'exchange', dlExchange: 'dead', dlRoutingKey: ' jobs.failed ' })).input!.settings.deadLetter).toEqual({
      exchange: 'dead',
      routingKey: 'jobs.failed',
    });
    expect(queueDraftInput(draft({ deadLetter: 'drop', dlExchange: 'dead' })).input!.settings.deadLetter).toBe(false);
  });

  it('lists every obvious problem at once and sends nothing', () => {
    const { problems, input } = queueDraftInput(
      draft({ name: '', maxDeliveries: '2.5', visibilitySeconds: 'soon', deadLetter: 'exchange', retryInitialSeconds: '10', retryMaxSeconds: '5', maxLength: '0' }),
    );
    expect(input).toBeNull();
    expect(problems).toEqual([
      'Give the queue a name',
      'Max deliveries must be a whole number',
      'Visibility timeout must be a number of seconds',
      'Choose the exchange that dead letters go through',
      'Retry max delay must not be below the initial delay',
      'Max length must be from 1 to 1,000,000,000',
    ]);
  });

  it('says the ranges the broker states', () => {
    expect(queueDraftInput(draft({ maxDeliveries: '1001' })).problems).toEqual(['Max deliveries must be from 1 to 1,000']);
    expect(queueDraftInput(draft({ visibilitySeconds: '0.05' })).problems).toEqual(['Visibility timeout must be from 0.1 to 43,200 seconds']);
    expect(queueDraftInput(draft({ deadLetter: 'exchange', dlExchange: 'dead', dlRoutingKey: 'a b' })).problems).toEqual([
      'The dead-letter routing key has white space in it: use dots between words (order.created)',
    ]);
  });
});

describe('deadLetterLabel', () => {
  it('names the own queue as it will be created', () => {
    expect(deadLetterLabel('own', ' jobs')).toBe('Own queue jobs.dlq');
    expect(deadLetterLabel('own', '')).toBe('Own queue <name>.dlq');
    expect(deadLetterLabel('exchange', 'jobs')).toBe('Through an exchange');
    expect(deadLetterLabel('drop', 'jobs')).toBe('Dropped');
  });
});
