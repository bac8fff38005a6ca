import type { Logger } from './broker/broker';

/**
 * A promise that fails with nobody to handle it would end the process (Node's default since
 * v15), taking every connection and request with it: a library that drops a promise of its own
 * (postgres.js did, on a connection lost while it fetched the array types) is enough. The server
 * logs it as the defect it is and goes on; the work that promise stood for is already lost
 * either way. Thrown exceptions (uncaughtException) still end the process: those may leave
 * state half changed.
 */
export function logUnhandledRejections(proc: NodeJS.EventEmitter, logger: Logger): () => void {
  const onRejection = (reason: unknown) => {
    logger.error({ err: reason }, 'a promise failed and nothing handled it (a defect: please report it with this log); the server goes on');
  };
  proc.on('unhandledRejection', onRejection);
  return () => proc.off('unhandledRejection', onRejection);
}
