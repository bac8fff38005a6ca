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
import { createMetrics } from './metrics';
import { startDemo } from './demo/demo';
import { setRuntime } from './runtime';
import { createWebhooks } from './webhooks';
import { parseAllowList } from './webhooks/address-guard';

const root = fileURLToPath(new URL('..', import.meta.url));
export const version: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/**
 * The composition root: config → database (migrated) → broker (started) → HTTP. Returns a
 * stop function that drains in order: stop accepting, finish in-flight requests, stop the
 * broker's loops and pending writes, close the database.
 */
export async function startHatoba(config: Config, injected: { db?: Db } = {}) {
  const logger = pino({ level: config.logLevel, base: { node: config.nodeId } });
  const db =
    injected.db ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, maxConnections: config.dbPool }));
  const metrics = createMetrics({ pool: () => db.stats() });
  const cluster = createCluster({ db, logger, node: { id: config.nodeId, version }, minNodes: config.minNodes, replyQueue: replyQueueName });
  const urlAt = (port: number) => `http://${config.host === '0.0.0.0' || config.host === '::' ? hostname() : config.host}:${port}`;
  try {
    // Before anything consumes or serves: a second process with this node's id would share its row and reply queue.
    await cluster.claim(urlAt(config.port));
  } catch (e) {
    await cluster.stop();
    if (!injected.db) await db.close();
    throw e;
  }
  const broker = createBroker({
    db,
    node: config.nodeId,
    logger,
    dedupWindowMs: config.dedupWindowMs,
    retentionMs: config.retentionMs,
    sampleIntervalMs: config.sampleIntervalMs,
    telemetry: metrics.telemetry,
    isLeader: cluster.isLeader,
    memoryLimit: config.memoryLimit,
    memoryMaxBytes: config.memoryMaxBytes,
  });
  await broker.start();
  const security = createSecurity({
    db,
    enabled: config.authEnabled,
    adminToken: config.adminToken,
    adminPassword: config.adminPassword,
    keyRateLimit: { perSecond: config.keyRateLimit, burst: config.keyRateLimit * 2 },
    sessionTtlMs: config.sessionTtlMs,
    logger,
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
  await webhooks.start(); // push delivery loops of every stored endpoint
  setSecurityRuntime(security);
  setRuntime({ version, node: config.nodeId, database: db.kind, broker, cluster, push: webhooks.push });

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
  await cluster.start(urlAt(port));
  const where = db.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL';
  logger.info({ port, host: config.host, database: db.kind }, `Hatoba ${version} listening on http://${config.host}:${port} (${where})`);
  const stopDemo = config.demo ? await startDemo(broker, logger) : undefined;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info({}, 'shutting down');
      await stopDemo?.();
      await webhooks.stop(); // push loops end their long polls and finish the deliveries in flight
      await broker.stop(); // answers long polls at once so the drain does not wait for them
      await cluster.stop(); // marked stopped; the leader role is free for another node at once
      await http.drain(10_000);
      await security.stop();
      setSecurityRuntime(undefined);
      setRuntime(undefined);
      if (!injected.db) await db.close();
      logger.info({}, 'stopped');
    })());
  return { port, broker, db, cluster, stop, logger };
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
    const onSignal = (signal: string) => {
      hatoba.logger.info({ signal }, 'signal received');
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
