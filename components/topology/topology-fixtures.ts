import type { TopologyInput } from './graph-layout';

/** Topologies for the tests. */

export const queue = (name: string, deadLetter: false | { exchange?: string } = name.endsWith('.dlq') ? false : {}) => ({
  name, ready: 0, inFlight: 0, delayed: 0, consumers: 0, settings: { deadLetter },
});

/** 8 exchanges and 18 queues with their DLQs (44 nodes): several keys on one link, header
 * bindings, a long key, a queue bound to two exchanges and one dead-lettering through an exchange. */
export function fortyNodes(): TopologyInput {
  const exchanges = ['audit', 'billing', 'emails', 'events', 'orders', 'payments', 'pricing', 'users'];
  const names = Array.from({ length: 18 }, (_, i) => `${exchanges[i % 8]}-worker-${i}`);
  return {
    exchanges: [{ name: 'amq.default', type: 'direct', publishRate: 0 }, ...exchanges.map((name) => ({ name, type: 'topic', publishRate: 1 }))],
    queues: [
      ...names.map((n, i) => queue(n, i === 5 ? { exchange: 'audit' } : {})),
      ...names.map((n) => queue(`${n}.dlq`)),
    ],
    bindings: [
      ...names.map((n, i) => ({ exchange: exchanges[i % 8]!, queue: n, key: `${exchanges[i % 8]}.event-${i}.*` })),
      { exchange: 'orders', queue: 'orders-worker-4', key: 'order.created' },
      { exchange: 'orders', queue: 'orders-worker-4', key: 'order.cancelled.#' },
      { exchange: 'orders', queue: 'orders-worker-4', key: 'order.refunded' },
      { exchange: 'orders', queue: 'orders-worker-4', key: 'order.shipped' },
      { exchange: 'events', queue: 'audit-worker-0', key: 'security.login.failed.because-of-a-very-long-reason' },
      { exchange: 'billing', queue: 'billing-worker-1', key: '', headers: { match: 'all', values: { region: 'eu', kind: 'invoice' } } },
    ],
  };
}


/** One exchange fanning out to `n` queues and their DLQs: a part far taller than a screen. */
export function fanOut(n: number): TopologyInput {
  const names = Array.from({ length: n }, (_, i) => `orders-${String(i).padStart(2, '0')}`);
  return {
    exchanges: [{ name: 'orders', type: 'topic', publishRate: 1 }],
    queues: [...names.map((q) => queue(q)), ...names.map((q) => queue(`${q}.dlq`))],
    bindings: names.map((q) => ({ exchange: 'orders', queue: q, key: `order.${q}` })),
  };
}

/** `x` exchanges, each bound to `n` queues with their DLQs: many parts side by side (8 × 6 is 104 nodes). */
export function manyParts(x: number, n: number): TopologyInput {
  const exchanges = Array.from({ length: x }, (_, i) => `svc-${i + 1}`);
  const names = exchanges.flatMap((e) => Array.from({ length: n }, (_, j) => `${e}-${j + 1}`));
  return {
    exchanges: exchanges.map((name) => ({ name, type: 'topic', publishRate: 1 })),
    queues: [...names.map((q) => queue(q)), ...names.map((q) => queue(`${q}.dlq`))],
    bindings: names.map((q) => ({ exchange: q.replace(/-\d+$/, ''), queue: q, key: `${q}.*` })),
  };
}
