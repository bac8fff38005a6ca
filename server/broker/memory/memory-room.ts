import { BrokerError } from '../errors';

/** The memory tier's limits (HATOBA_MEMORY_MAX_ENTRIES, HATOBA_MEMORY_MAX_BYTES). */
export interface MemoryLimits {
  /** Most entries all memory-tier queues may hold together. */
  maxEntries: number;
  /** Most body bytes all memory-tier entries may hold together (counted once per entry). */
  maxBytes: number;
}

/**
 * Refuses, with 507 memory_limit, work that would take the memory tier past either limit, so
 * that the node refuses work instead of running out of memory. `held` is what the tier holds
 * now (MemoryStore's size and bytes); `adds` what the work would add to it: a publish's copies
 * into memory queues, or a replay's copies less the dead letters it takes out. The caller checks
 * before it stores anything, so refused work is refused whole. Work that adds nothing (a replay
 * that moves entries from one memory queue to another unchanged) always passes.
 */
export function checkMemoryRoom(
  held: { size: number; bytes: number },
  limits: MemoryLimits,
  adds: { entries: number; bytes: number },
  what: 'publish' | 'replay' = 'publish',
): void {
  if (adds.entries <= 0 && adds.bytes <= 0) return;
  if (adds.entries > 0 && held.size + adds.entries > limits.maxEntries) {
    throw new BrokerError(
      'memory_limit',
      `Memory-tier queues hold ${held.size} entries, and this ${what} adds ${adds.entries}; the limit is ${limits.maxEntries}: consume them or raise HATOBA_MEMORY_MAX_ENTRIES`,
      { limit: limits.maxEntries, heldEntries: held.size, [`${what}Entries`]: adds.entries },
    );
  }
  // (a replay that frees bytes while adding entries is judged by its entries alone)
  if (adds.bytes >= 0 && held.bytes + adds.bytes > limits.maxBytes) {
    throw new BrokerError(
      'memory_limit',
      `Memory-tier queues hold ${held.bytes} bytes of message bodies, and this ${what} adds ${adds.bytes}; the limit is ${limits.maxBytes}: consume them or raise HATOBA_MEMORY_MAX_BYTES`,
      { limitBytes: limits.maxBytes, heldBytes: held.bytes, [`${what}Bytes`]: adds.bytes },
    );
  }
}
