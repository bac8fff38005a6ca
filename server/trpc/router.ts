import { router } from './init';
import { auditRouter } from './routers/audit';
import { deadLettersRouter } from './routers/dead-letters';
import { exchangesRouter } from './routers/exchanges';
import { historyRouter } from './routers/history';
import { keysRouter } from './routers/keys';
import { messagesRouter } from './routers/messages';
import { queuesRouter } from './routers/queues';
import { systemRouter } from './routers/system';
import { topologyRouter } from './routers/topology';
import { tracesRouter } from './routers/traces';
import { webhooksRouter } from './routers/webhooks';

/** The dashboard's API (served at /trpc). Procedures validate, call the broker, and shape the answer. */
export const appRouter = router({
  system: systemRouter,
  queues: queuesRouter,
  topology: topologyRouter,
  exchanges: exchangesRouter,
  deadLetters: deadLettersRouter,
  traces: tracesRouter,
  messages: messagesRouter,
  history: historyRouter,
  keys: keysRouter,
  audit: auditRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;
