import { createServer, maxHeaderSize, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Db } from '../db/driver';
import { migrationsApplied } from '../db/migrate';
import { refuseRebindingHost, type Security } from './auth';
import { createAuthHttp } from './auth/http';
import { PAGE_PATH_HEADER } from './auth/runtime';
import { needs } from './auth/scopes';
import type { Logger } from './broker/broker';
import type { Quorum } from './cluster/types';
import { errorHeaders, GatewayError, logErrorAnswer, toErrorEnvelope } from './gateway/errors';
import { sendJson } from './gateway/http';
import { parseRequestUrl, type RequestUrl } from './request-url';
import { withinMs } from './time-limit';
import { createTrpcHandler } from './trpc/http';

type Handler = (req: IncomingMessage, res: ServerResponse, url: RequestUrl) => Promise<void> | void;

export interface HttpServerOptions {
  db: Db;
  gateway: Handler;
  /** Prometheus text exposition for GET /metrics. */
  metrics?: () => Promise<{ contentType: string; body: string }>;
  /** Everything that is not the API or an ops path (the Next.js app), when the dashboard is on. */
  app?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  logger: Logger;
  /** Cluster quorum, part of readiness (server/cluster). */
  quorum?: () => Quorum;
  /** When auth is on: /metrics needs `monitoring`, the dashboard and /trpc a session (server/auth). */
  security?: Security;
  /** How long /readyz waits for the database before answering 503 database_timeout (default 3000 ms). */
  readyTimeoutMs?: number;
}

/** 405 method_not_allowed for an ops path, in the shape the /v1 router gives (details.allowed, and the Allow header from it). */
function opsMethodNotAllowed(method: string | undefined, path: string): GatewayError {
  const allowed = ['GET', 'HEAD'];
  return new GatewayError('method_not_allowed', `${method} is not allowed on ${path}; use ${allowed.join(', ')}`, { allowed });
}

/** How long /readyz waits for the database's answer by default. */
export const READY_TIMEOUT_MS = 3000;

/** Dashboard paths open without a session: the login page and the assets it needs. */
const openAppPath = (path: string) => path === '/login' || path.startsWith('/_next/') || path === '/favicon.ico';

/**
 * The one HTTP server: /v1 and the ops paths are served here directly (no Next.js on the hot
 * path); every other path goes to Next's handler. Tracks in-flight requests for a clean drain.
 */
export function createHttpServer(o: HttpServerOptions) {
  let inFlight = 0;
  let draining = false;
  let drained: (() => void) | null = null;
  const trpc = createTrpcHandler({ onError: (err, path) => o.logger.error({ err, path }, 'trpc request failed') });
  const auth = o.security ? createAuthHttp(o.security) : undefined;
  const guarded = o.security?.enabled ? o.security : undefined;
  const checkDatabase = databaseCheck(o.db, o.readyTimeoutMs ?? READY_TIMEOUT_MS);

  const server: Server = createServer(async (req, res) => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) drained?.();
    });
    const url = parseRequestUrl(req.url ?? '/');
    try {
      // The ops paths (/metrics when metrics are on) answer GET and HEAD only, before anything else, as /v1 routes do.
      const opsPath = url.pathname === '/healthz' || url.pathname === '/readyz' || (url.pathname === '/metrics' && o.metrics !== undefined);
      if (opsPath && req.method !== 'GET' && req.method !== 'HEAD') throw opsMethodNotAllowed(req.method, url.pathname);
      if (draining && url.pathname === '/readyz') return sendJson(res, 503, notReadyStopping, { connection: 'close' });
      if (draining) throw new GatewayError('shutting_down', 'This node is shutting down; retry on another node');
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/readyz') return await ready(checkDatabase, res, o.quorum?.());
      // Auth off: only requests addressed to this machine (DNS rebinding; server/auth/local-guard.ts).
      if (o.security && !o.security.enabled) refuseRebindingHost(req);
      if (url.pathname === '/metrics' && o.metrics) {
        await guarded?.authorize(req, needs.monitoring);
        const m = await o.metrics();
        res.writeHead(200, { 'content-type': m.contentType }).end(m.body);
        return;
      }
      if (url.pathname === '/v1' || url.pathname.startsWith('/v1/')) return await o.gateway(req, res, url);
      if (url.pathname.startsWith('/auth/') && auth) return await auth(req, res, url);
      // The console API checks its callers itself (server/trpc/http.ts), answering in tRPC's own error shape.
      if (url.pathname.startsWith('/trpc/')) return trpc(req, res);
      if (o.app && guarded && !openAppPath(url.pathname) && !(await guarded.authenticate(req))) {
        const back = url.pathname + url.search;
        res.writeHead(303, { location: back === '/' ? '/login' : `/login?next=${encodeURIComponent(back)}` }).end();
        return;
      }
      if (o.app) {
        // For the pages' own session check (components/auth/console-session.ts): where to come back after signing in.
        req.headers[PAGE_PATH_HEADER] = url.pathname + url.search;
        return await o.app(req, res);
      }
      throw new GatewayError('route_not_found', `No route ${req.method} ${url.pathname}; the dashboard is off (HATOBA_DASHBOARD=0)`);
    } catch (err) {
      const { status, body } = toErrorEnvelope(err);
      logErrorAnswer(o.logger, err, { status, body }, { method: req.method, path: url.pathname });
      if (!res.headersSent) sendJson(res, status, body, { connection: 'close', ...errorHeaders({ status, body }) });
    }
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerUnparsed(err, socket, maxHeaderSize));
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;

  /** Marks the node stopping: /readyz answers 503 and new requests 503 shutting_down; no new connections; idle ones closed. */
  const stopAccepting = () => {
    if (draining) return;
    draining = true;
    server.close();
    server.closeIdleConnections();
  };

  return {
    server,
    stopAccepting,
    /** True once stopAccepting() (or drain()) was called. */
    stopping: () => draining,
    listen(port: number, host: string): Promise<number> {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      });
    },
    /**
     * Stops accepting (stopAccepting), waits up to `timeoutMs` for the requests in flight, then
     * closes every connection: a request still unanswered then is cut off.
     */
    async drain(timeoutMs: number): Promise<void> {
      stopAccepting();
      if (inFlight > 0) {
        await withinMs(new Promise<void>((r) => (drained = r)), timeoutMs, () => undefined);
      }
      server.closeAllConnections();
    },
  };
}

const notReadyStopping = { status: 'not_ready', code: 'shutting_down', checks: { running: false }, reason: 'this node is shutting down' };

/** `timedOutMs`: the database gave no answer in that many ms. */
type DatabaseCheck = { database: boolean; migrations: boolean; timedOutMs?: number };

/**
 * The database part of readiness, answered within `timeoutMs`: a database that keeps the
 * connection open but does not answer (a frozen network, a stalled server) is reported as
 * such instead of holding /readyz. Probes that come while a check is still out share it, so a
 * database that stopped answering does not collect one stuck statement per probe.
 */
function databaseCheck(db: Db, timeoutMs: number): () => Promise<DatabaseCheck> {
  let running: Promise<DatabaseCheck> | undefined;
  const check = async () => {
    try {
      await db.query('SELECT 1');
    } catch {
      return { database: false, migrations: false };
    }
    return { database: true, migrations: await migrationsApplied(db).catch(() => false) };
  };
  return async () => {
    const current = (running ??= check().finally(() => (running = undefined)));
    return withinMs(current, timeoutMs, (): DatabaseCheck => ({ database: false, migrations: false, timedOutMs: timeoutMs }));
  };
}

async function ready(checkDatabase: () => Promise<DatabaseCheck>, res: ServerResponse, quorum?: Quorum): Promise<void> {
  const db = await checkDatabase();
  const checks: Record<string, boolean> = { database: db.database, migrations: db.migrations, ...(quorum ? { quorum: quorum.ok } : {}) };
  const ok = Object.values(checks).every(Boolean);
  const [code, reason] = db.timedOutMs
    ? ['database_timeout', `database did not answer within ${db.timedOutMs / 1000} s`]
    : !checks.database
      ? ['database_unavailable', 'database unreachable']
      : !checks.migrations
        ? ['migrations_not_applied', 'migrations not applied']
        : quorum && !quorum.ok
          ? ['quorum_lost', `quorum lost: ${quorum.reason}`]
          : [undefined, undefined];
  const details = code === 'quorum_lost' ? quorum?.details : undefined;
  sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not_ready', checks, ...(reason ? { code, reason } : {}), ...(details ? { details } : {}) });
}

/**
 * A request Node's parser refuses (headers over `maxHeaderSize`, a line that is not HTTP, a
 * request that took too long to arrive) never reaches the handler; Node would answer it with a
 * bare status line. It gets the API's error envelope too.
 */
export function answerUnparsed(err: NodeJS.ErrnoException, socket: Duplex, maxHeaderSize: number): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const e =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new GatewayError('headers_too_large', `The request's headers are larger than ${maxHeaderSize} bytes, the most this server reads`, { limitBytes: maxHeaderSize })
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new GatewayError('request_timeout', 'The request did not arrive in time')
        : new GatewayError('bad_request', `The request is not valid HTTP (${err.code ?? 'parse error'})`);
  const { status, body } = toErrorEnvelope(e);
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
  );
}
