import { describe, expect, it } from 'vitest';
import { deadLetterSearchAdvice } from './dead-letter-search';

const params = (s: string) => new URLSearchParams(s);

describe('deadLetterSearchAdvice', () => {
  it('says nothing for an ordinary queue, or no queue', () => {
    expect(deadLetterSearchAdvice('notification', params('queue=notification'), ['notification', 'notification.dlq'])).toBeNull();
    expect(deadLetterSearchAdvice(undefined, params('routingKey=a'))).toBeNull();
  });

  it('sends a search for a DLQ to its dead letters and to the same search by the original queue', () => {
    const advice = deadLetterSearchAdvice('notification.dlq', params('queue=notification.dlq&routingKey=mail.sent'), ['notification', 'notification.dlq']);
    expect(advice).toEqual({
      dlq: 'notification.dlq',
      origin: 'notification',
      deadLettersHref: '/dead-letters?queue=notification.dlq',
      originSearchHref: '/messages?queue=notification&routingKey=mail.sent',
    });
  });

  it('goes by the name while the queue list is not known', () => {
    expect(deadLetterSearchAdvice('billing.dlq', params('queue=billing.dlq'))?.origin).toBe('billing');
  });

  it('names no origin for an orphan DLQ (its queue deleted), but still points to its dead letters', () => {
    const advice = deadLetterSearchAdvice('gone.dlq', params('queue=gone.dlq'), ['gone.dlq', 'other']);
    expect(advice).toMatchObject({ origin: null, originSearchHref: null, deadLettersHref: '/dead-letters?queue=gone.dlq' });
  });

  it('encodes the DLQ in the link', () => {
    expect(deadLetterSearchAdvice('a b.dlq', params(''), ['a b'])?.deadLettersHref).toBe('/dead-letters?queue=a%20b.dlq');
  });
});
