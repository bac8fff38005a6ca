export type { Broker, ExchangeInfo, MessageDetail, QueueInfo } from './api';
export { createBroker, type BrokerOptions, type Logger } from './broker';
export { BrokerError, errorCodes, type ErrorCode } from './errors';
export { DEFAULT_EXCHANGE } from './names';
export { queueDeclarationSchema, type QueueDeclaration } from './queue-settings';
export * from './types';
