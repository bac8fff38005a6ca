import { createServer, maxHeaderSize, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Db } from '../db/driver';
import { migrationsApplied } from '../db/migrate';
import type { Security } from './auth';
import { createAuthHttp } from './auth/http';
import { PAGE_PATH_HEADER } from './auth/runtime';
import { needs } from './auth/scopes';
import type { Logger } from './broker/broker';
import type { Quorum } from './cluster/types';
import { GatewayError, logErrorAnswer, toErrorEnvelope } from './gateway/errors';
import { sendJson } from './gateway/http';
import { parseRequestUrl, type RequestUrl } from './request-url';
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
}

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

  const server: Server = createServer(async (req, res) => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) drained?.();
    });
    const url = parseRequestUrl(req.url ?? '/');
    try {
      if (draining) throw new GatewayError('shutting_down', 'This node is shutting down; retry on another node');
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/readyz') return await ready(o.db, res, o.quorum?.());
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
      const retry: Record<string, string> = status === 429 ? { 'retry-after': String(body.error.details?.retryAfterS ?? 1) } : {};
      if (!res.headersSent) sendJson(res, status, body, { connection: 'close', ...retry });
    }
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerUnparsed(err, socket, maxHeaderSize));
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;

  return {
    server,
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
    /** Stops accepting, answers new requests on open connections 503, and waits for in-flight ones. */
    async drain(timeoutMs: number): Promise<void> {
      draining = true;
      server.close();
      server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([new Promise<void>((r) => (drained = r)), new Promise((r) => setTimeout(r, timeoutMs))]);
      }
      server.closeAllConnections();
    },
  };
}

async function ready(db: Db, res: ServerResponse, quorum?: Quorum): Promise<void> {
  const checks: Record<string, boolean> = { database: false, migrations: false, ...(quorum ? { quorum: quorum.ok } : {}) };
  try {
    await db.query('SELECT 1');
    checks.database = true;
    checks.migrations = await migrationsApplied(db);
  } catch {
    // reported below
  }
  const ok = Object.values(checks).every(Boolean);
  const reason = !checks.database
    ? 'database unreachable'
    : !checks.migrations
      ? 'migrations not applied'
      : quorum && !quorum.ok
        ? `quorum lost: ${quorum.reason}`
        : undefined;
  sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not_ready', checks, ...(reason ? { reason } : {}) });
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
