export * from './exchanges';
export * from './queues';
export * from './bindings';
export * from './messages';
export * from './queue-entries';
export * from './events';
export * from './idempotency-keys';
