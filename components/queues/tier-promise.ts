export type Durability = 'durable' | 'replicated' | 'memory';

/**
 * What a queue's persistence tier promises, in one line, in the words of the README's
 * "Persistence tiers" table (where entries live, what an answer means, what loses them).
 */
export function tierPromise(durability: Durability): string {
  switch (durability) {
    case 'memory':
      return "Held in this node's memory only: lost on any restart or crash of the node, never written to the database (not even its idempotency keys).";
    case 'durable':
      return 'Stored in the database: a publish is answered after its commit; survives restarts.';
    case 'replicated':
      return 'Stored in the database, and each write waits until a synchronous standby has applied it: lost only by losing the primary and every synchronous standby.';
  }
}
