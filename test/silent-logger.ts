import type { Logger } from '../server/broker/broker';

/** A logger that drops everything, for the modules a test builds by hand (cluster, security, webhooks, HTTP server). */
export const silent: Logger = { info() {}, warn() {}, error() {} };
