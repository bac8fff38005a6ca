import type { Broker } from '../server/broker';
import { DEFAULT_EXCHANGE } from '../server/broker/names';
import { str, text } from './broker';

/**
 * A responder loop: receives requests from `queue`, publishes the reply to the request's
 * `replyTo` through the default exchange with the same correlation ID, and acks. Runs until stopped.
 */
export function startResponder(broker: Broker, queue: string, answer: (body: string) => string, { waitMs = 1000 } = {}) {
  const stop = new AbortController();
  const handled: string[] = [];
  const loop = (async () => {
    while (!stop.signal.aborted) {
      const requests = await broker.receive(queue, { max: 10, waitMs, signal: stop.signal });
      for (const r of requests) {
        handled.push(r.correlationId);
        await broker.publish({
          exchange: DEFAULT_EXCHANGE,
          routingKey: r.replyTo!,
          body: text(answer(str(r.body))),
          contentType: 'application/x-reply',
          headers: { responder: 'yes' },
          correlationId: r.correlationId,
        });
        await broker.ack(queue, [r.receipt]);
      }
    }
  })();
  return {
    handled,
    async stop() {
      stop.abort();
      await loop;
    },
  };
}

