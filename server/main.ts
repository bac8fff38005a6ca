import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { openDatabase } from '../db/client';
import type { Db } from '../db/driver';
import { DataDirLockedError } from '../db/lock';
import { createSecurity, setSecurityRuntime } from './auth';
import { createBroker } from './broker';
import { replyQueueName } from './broker/broker';
import { createCluster, NodeIdInUseError } from './cluster';
import { ConfigError, loadConfig, type Config } from './config';
import { createGateway } from './gateway';
import { createHttpServer } from './http-server';
import { logUnhandledRejections } from './process-guards';
import { createMetrics } from './metrics';
import { startDemo } from './demo/demo';
import { setRuntime } from './runtime';
import { withinMs } from './time-limit';
import { createWebhooks } from './webhooks';
import { parseAllowList } from './webhooks/address-guard';

const root = fileURLToPath(new URL('..', import.meta.url));
export const version: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/** `host` as the authority of an http URL: an IPv6 literal goes in brackets (`[::1]`). */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * The URL other nodes and operators reach this node at (/v1/nodes): a wildcard address
 * (`0.0.0.0`, `::`) is replaced by the machine's name, and an IPv6 literal is bracketed.
 */
export function nodeUrl(host: string, port: number, machine: () => string = hostname): string {
  return `http://${urlHost(host === '0.0.0.0' || host === '::' ? machine() : host)}:${port}`;
}

/**
 * How long a graceful stop may take, in all (from SIGTERM): the steps before the database is
 * closed share `totalMs`; the cluster step (marking this node dead, giving up the leader
 * role) gets at most `clusterMs` of it, and waiting for in-flight requests and push deliveries
 * ends `drainMs` after the stop began. Closing the database takes at most 5 s more
 * (db/postgres.ts), and main() exits regardless `exitMs` after the signal.
 */
export const STOP_LIMITS = { clusterMs: 3000, drainMs: 10_000, totalMs: 12_000, databaseMs: 6000, exitMs: 20_000 };

/**
 * Waits for `work` at most `ms`: true when it settled in time (its failure is logged, not
 * thrown), false when it is left behind (the caller logs it and goes on).
 */
export function settleWithin(work: Promise<unknown>, ms: number, onError: (err: unknown) => void): Promise<boolean> {
  const settled = work.then(
    () => true,
    (err) => {
      onError(err);
      return true;
    },
  );
  return withinMs(settled, ms, () => false);
}

/**
 * The composition root: config → database (migrated) → broker (started) → HTTP. Returns a
 * stop function, bounded in time as a whole (STOP_LIMITS): it marks the node stopping
 * (/readyz 503, no new connections, new requests 503), marks it dead in the cluster and gives
 * up the leader role, then waits for in-flight requests and push deliveries, stops the
 * broker, and closes the database. A step that does not finish in its time is logged and
 * left behind (a push delivery so abandoned keeps its lease, which returns as after a crash).
 */
export async function startHatoba(config: Config, injected: { db?: Db } = {}) {
  const logger = pino({ level: config.logLevel, base: { node: config.nodeId } });
  const db =
    injected.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, maxConnections: config.dbPool }));
  const metrics = createMetrics({ pool: () => db.stats() });
  /** Set once the broker runs: what a node the cluster forgot left behind (its reply queue) goes. */
  let forgetNodes = async (_ids: string[]): Promise<void> => {};
  /** Set once the broker runs: what this node shares with the others at each heartbeat. */
  let liveFigures: () => unknown = () => undefined;
  const cluster = createCluster({
    db,
    logger,
    node: { id: config.nodeId, version },
    minNodes: config.minNodes,
    replyQueue: replyQueueName,
    onPruned: (ids) => forgetNodes(ids),
    liveFigures: () => liveFigures(),
  });
  const urlAt = (port: number) => nodeUrl(config.host, port);
  /** What a failed start undoes, last started first: nothing of it may outlive the failure (no "alive" row, no loops). */
  const undo: { what: string; run: () => Promise<unknown> }[] = [];
  const failedStart = async (e: unknown): Promise<never> => {
    for (const { what, run } of undo.splice(0).reverse()) {
      const done = await settleWithin(Promise.resolve().then(run), STOP_LIMITS.clusterMs, (err) => logger.warn({ err }, `failed start: could not stop the ${what}`));
      if (!done) logger.warn({}, `failed start: the ${what} did not stop within ${STOP_LIMITS.clusterMs / 1000} s`);
    }
    if (!injected.db) await settleWithin(db.close(), STOP_LIMITS.databaseMs, (err) => logger.warn({ err }, 'failed start: could not close the database'));
    throw e;
  };
  // Registered first so that it is released last: the row says "stopped" only once nothing else runs.
  undo.push({ what: 'cluster membership', run: () => cluster.stop() });
  // Before anything consumes or serves: a second process with this node's id would share its row and reply queue.
  await cluster.claim(urlAt(config.port)).catch(failedStart);
  try {
    const broker = createBroker({
      db,
      node: config.nodeId,
      logger,
      dedupWindowMs: config.dedupWindowMs,
      retentionMs: config.retentionMs,
      sampleIntervalMs: config.sampleIntervalMs,
      telemetry: metrics.telemetry,
      isLeader: cluster.isLeader,
      ownsNodeId: () => !cluster.displaced(),
      memoryLimit: config.memoryLimit,
      commitTimeoutMs: config.commitTimeoutMs,
      memoryMaxBytes: config.memoryMaxBytes,
      peerFigures: () => cluster.peerFigures(),
    });
    await broker.start();
    liveFigures = () => broker.liveFigures();
    undo.push({ what: 'broker', run: () => broker.stop() });
    forgetNodes = async (ids) => {
      for (const id of ids) if (await broker.forgetNode(id)) logger.info({ node: id }, 'deleted the reply queue of a node gone for an hour');
    };
    const security = createSecurity({
      db,
      enabled: config.authEnabled,
      adminToken: config.adminToken,
      adminPassword: config.adminPassword,
      keyRateLimit: { perSecond: config.keyRateLimit, burst: config.keyRateLimit * 2 },
      sessionTtlMs: config.sessionTtlMs,
      logger,
      trustProxy: config.trustProxy,
    });
    const webhooks = createWebhooks({
      db,
      broker,
      node: config.nodeId,
      logger,
      allow: parseAllowList(config.pushAllowHosts),
      sourceRateLimit: { perSecond: config.sourceRateLimit, burst: config.sourceRateLimit * 2 },
      userAgent: `Hatoba/${version}`,
      onSourceOutcome: metrics.webhooks.source,
      onPushOutcome: metrics.webhooks.push,
    });
    await security.start();
    undo.push({ what: 'security', run: () => security.stop() });
    undo.push({ what: 'webhooks', run: () => webhooks.stop() });
    await webhooks.start(); // push delivery loops of every stored endpoint
    setSecurityRuntime(security);
    setRuntime({ version, node: config.nodeId, database: db.kind, broker, cluster, push: webhooks.push, sources: webhooks.sources });
    undo.push({
      what: 'runtime',
      run: async () => {
        setSecurityRuntime(undefined);
        setRuntime(undefined);
      },
    });

    let app: ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>) | undefined;
    if (config.dashboard) {
      const next = (await import('next')).default;
      const nextApp = next({ dev: config.dev, dir: root, hostname: config.host, port: config.port });
      await nextApp.prepare();
      app = nextApp.getRequestHandler();
    }
    const http = createHttpServer({
      db,
      logger,
      gateway: createGateway({ broker, maxBodyBytes: config.maxBodyBytes, version, logger, cluster, security, webhooks }),
      security,
      quorum: cluster.quorum,
      metrics: () => metrics.scrape(broker),
      app,
    });
    const port = await http.listen(config.port, config.host);
    undo.push({ what: 'HTTP server', run: () => http.drain(0) });
    await cluster.start(urlAt(port));
    const where = db.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL';
    logger.info({ port, host: config.host, database: db.kind }, `Hatoba ${version} listening on http://${urlHost(config.host)}:${port} (${where})`);
    const stopDemo = config.demo ? await startDemo(broker, logger) : undefined;
    undo.splice(0); // started: stop() takes over

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        logger.info({}, 'shutting down');
        const began = performance.now();
        /** Milliseconds left until `at` ms after the stop began. */
        const until = (at: number) => Math.max(0, at - (performance.now() - began));
        const unfinished: string[] = [];
        const step = async (what: string, work: () => Promise<unknown> | undefined, ms: number) => {
          const done = await settleWithin(Promise.resolve().then(work), ms, (err) => logger.warn({ err }, `shutdown: ${what} failed`));
          if (!done) {
            unfinished.push(what);
            logger.warn({ step: what, waitedMs: Math.round(ms) }, `shutdown: ${what} did not finish in ${(ms / 1000).toFixed(1)} s; going on without it`);
          }
        };
        // At once: /readyz answers 503, no new connections are taken, and new requests on open ones answer 503 shutting_down.
        http.stopAccepting();
        await step('demo', () => stopDemo?.(), until(STOP_LIMITS.clusterMs));
        // Marked dead; the leader role is free for another node at once.
        await step('cluster membership', () => cluster.stop(), Math.min(STOP_LIMITS.clusterMs, until(STOP_LIMITS.totalMs)));
        // Then the work in flight, together: push deliveries finish (those still out at the bound are
        // abandoned: their leases return as after a crash), the broker answers long polls and
        // waiting request-reply calls at once and writes what is pending, requests are answered.
        const drainMs = until(STOP_LIMITS.drainMs);
        await Promise.all([
          step('push deliveries in flight', () => webhooks.push.stop(drainMs).then(() => webhooks.stop()), drainMs + 500),
          step('broker', () => broker.stop(), until(STOP_LIMITS.totalMs)),
          step('requests in flight', () => http.drain(drainMs), drainMs + 500),
        ]);
        await step('security', () => security.stop(), until(STOP_LIMITS.totalMs));
        setSecurityRuntime(undefined);
        setRuntime(undefined);
        // Closing ends connections still stuck on a statement (a database that stopped answering).
        if (!injected.db) await step('database', () => db.close(), STOP_LIMITS.databaseMs);
        if (unfinished.length > 0) logger.warn({ unfinished }, `stopped without waiting for: ${unfinished.join(', ')}`);
        logger.info({ ms: Math.round(performance.now() - began) }, 'stopped');
      })());
    return { port, broker, db, cluster, stop, logger, http };
  } catch (e) {
    return failedStart(e);
  }
}

export async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
  try {
    const hatoba = await startHatoba(config);
    logUnhandledRejections(process, hatoba.logger);
    const onSignal = (signal: string) => {
      hatoba.logger.info({ signal }, 'signal received');
      // However the stop goes, the process ends in bounded time.
      setTimeout(() => {
        hatoba.logger.error({ signal, afterMs: STOP_LIMITS.exitMs }, 'shutdown did not finish in time; exiting');
        process.exit(1);
      }, STOP_LIMITS.exitMs).unref();
      hatoba.stop().then(
        () => process.exit(0),
        (err) => {
          hatoba.logger.error({ err }, 'unclean shutdown');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => onSignal('SIGTERM'));
    process.once('SIGINT', () => onSignal('SIGINT'));
  } catch (e) {
    if (e instanceof DataDirLockedError) {
      console.error(e.message);
      process.exit(3);
    }
    if (e instanceof NodeIdInUseError) {
      console.error(e.message);
      process.exit(4);
    }
    console.error('Hatoba could not start:', e instanceof Error ? e.message : e);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
