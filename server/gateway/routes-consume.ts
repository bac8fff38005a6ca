import type { Socket } from 'node:net';
import { z } from 'zod';
import { needs } from '../auth/scopes';
import type { Broker } from '../broker/api';
import type { Delivery } from '../broker/types';
import { headerValue } from './header-text';
import type { Request, Route } from './router';
import { GatewayError } from './errors';
import { ackSchema, deliverySchema, errorSchema, extendSchema, nackSchema, receiveSchema } from './schemas';
import { deliveryView } from './views';

const tag = 'Consume';
const staleList = z.array(z.string());
/** Present only when some stale receipts hold a current lease on another queue: each with that queue. */
const otherQueue = z.array(z.object({ receipt: z.string(), queue: z.string() })).optional();

/**
 * A key revoked while its long poll waited (on any node) gets nothing: the leases the poll took go
 * back unsettled, their attempts uncounted, and the answer is 401. The check reads the key cache,
 * which a revocation clears on every node.
 */
async function refuseIfRevoked(r: Request, deliveries: Delivery[]): Promise<void> {
  const { security, broker } = r.ctx;
  if (deliveries.length === 0 || !security.enabled || (await security.authenticate(r.req))) return;
  await broker.release(r.params.name!, deliveries.map((d) => d.receipt));
  throw new GatewayError('unauthenticated', 'This API key was revoked while the receive waited: nothing was taken, and its messages stay in the queue');
}

export const consumeRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/queues/{name}/receive',
    access: (r) => needs.consume(r.params.name!),
    tag,
    summary: 'Lease up to max messages; with waitMs, long-poll until one is ready',
    request: receiveSchema,
    responses: { 200: z.object({ messages: z.array(deliverySchema) }), 404: errorSchema },
    async handle(r) {
      const o = await r.json(receiveSchema);
      // A client that hangs up ends its long poll: no lease is taken for nobody.
      const consumer = consumerName(r) ?? connectionConsumer(r.req.socket, r.ctx.broker);
      const deliveries = await r.ctx.broker.receive(r.params.name!, { ...o, consumer, signal: r.gone });
      await refuseIfRevoked(r, deliveries);
      return { status: 200, body: { messages: deliveries.map(deliveryView) } };
    },
  },
  {
    method: 'POST',
    path: '/v1/queues/{name}/ack',
    access: (r) => needs.consume(r.params.name!),
    tag,
    summary: 'Acknowledge: delete the entries whose leases the receipts name; stale receipts ack nothing',
    request: ackSchema,
    responses: { 200: z.object({ acked: z.number().int(), stale: staleList, otherQueue }), 404: errorSchema },
    async handle(r) {
      const { receipts } = await r.json(ackSchema);
      return { status: 200, body: await r.ctx.broker.ack(r.params.name!, receipts) };
    },
  },
  {
    method: 'POST',
    path: '/v1/queues/{name}/nack',
    access: (r) => needs.consume(r.params.name!),
    tag,
    summary: "Reject: retry after the queue's backoff, or dead-letter on the last attempt or with requeue: false",
    request: nackSchema,
    responses: { 200: z.object({ nacked: z.number().int(), stale: staleList, otherQueue }), 404: errorSchema },
    async handle(r) {
      const { receipts, ...options } = await r.json(nackSchema);
      return { status: 200, body: await r.ctx.broker.nack(r.params.name!, receipts, options) };
    },
  },
  {
    method: 'POST',
    path: '/v1/queues/{name}/extend',
    access: (r) => needs.consume(r.params.name!),
    tag,
    summary: 'Extend leases: the messages stay invisible for visibilityMs from now',
    request: extendSchema,
    responses: { 200: z.object({ extended: z.number().int(), stale: staleList, otherQueue }), 404: errorSchema },
    async handle(r) {
      const { receipts, visibilityMs } = await r.json(extendSchema);
      return { status: 200, body: await r.ctx.broker.extend(r.params.name!, receipts, visibilityMs) };
    },
  },
];

/** The longest `Hatoba-Consumer`: as long as a queue name, which it often is built from. */
const MAX_CONSUMER_NAME = 200;

/** The name a consumer gives itself (`Hatoba-Consumer`), listed as it is: 1–200 characters, else (empty too) 400 naming the header. */
function consumerName(r: Request): string | undefined {
  const name = headerValue(r.req.headers, 'hatoba-consumer');
  if (name === undefined || (name.length > 0 && name.length <= MAX_CONSUMER_NAME)) return name;
  const without = name.length === 0 ? ': give a name, or leave the header out (the connection is the consumer then)' : ` (${name.length} given)`;
  throw new GatewayError('validation_failed', `Header Hatoba-Consumer must be 1–${MAX_CONSUMER_NAME} characters${without}`, {
    header: 'Hatoba-Consumer',
    length: name.length,
  });
}

const watched = new WeakSet<Socket>();

/**
 * A consumer that does not name itself (`Hatoba-Consumer`) is its connection, counted while the
 * connection is open: a client that opens a connection per request (curl in a loop) is one
 * consumer at a time, not one per request for the next 30 s.
 */
function connectionConsumer(socket: Socket, broker: Pick<Broker, 'forgetConsumer'>): string {
  const key = `${socket.remoteAddress}:${socket.remotePort}`;
  if (!watched.has(socket)) {
    watched.add(socket);
    socket.once('close', () => broker.forgetConsumer(key));
  }
  return key;
}
