import { hostname } from 'node:os';
import { z } from 'zod';
import { bytes, checkedText, ConfigError, duration, flag, integer, rate } from './config-values';
import { DEFAULT_COMMIT_TIMEOUT_MS } from './broker/errors';
import { MEMORY_DEFAULT_MAX_BYTES, MEMORY_DEFAULT_MAX_ENTRIES } from './broker/memory/memory-store';
import { AllowListError, classifyAddress, parseAllowList } from './webhooks/address-guard';
import { parseTrustProxy, TrustProxyError } from './auth/client-address';

// ConfigError and readFlag are with the value readers (./config-values); other modules import them from here.
export { ConfigError, readFlag } from './config-values';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 86_400_000;
const MB = 1024 ** 2;
const GB = 1024 ** 3;

/**
 * Bounds of the settings, chosen so that every accepted value works at run time:
 * - a value used as a timer fits setTimeout's 2^31-1 ms (about 24.8 days; larger ones fire at once, every 1 ms);
 * - windows are at most 10 years (PostgreSQL computes `now() - window`; a millisecond count beyond int8 made every publish with an Idempotency-Key fail);
 * - a request body is at most 128mb: the whole body becomes one bytea parameter, sent hex-encoded as one
 *   string, and V8 strings stop at 2^29-24 characters (about 256 MB of body);
 * - one memory-tier queue keeps its entries in a Map, whose size V8 caps at 2^24.
 */
export const LIMITS = {
  SAMPLE_INTERVAL: { min: 100, max: 24 * DAY },
  DEDUP_WINDOW: { min: 0, max: 3650 * DAY },
  RETENTION: { min: 0, max: 3650 * DAY },
  SESSION_TTL: { min: MINUTE, max: 365 * DAY },
  COMMIT_TIMEOUT: { min: 100, max: 60 * MINUTE },
  MAX_BODY_BYTES: { min: 0, max: 128 * MB },
  MEMORY_MAX_BYTES: { min: 0, max: 1024 * GB },
  MEMORY_MAX_ENTRIES: { min: 1, max: 16_000_000 },
} as const;

const schema = z.object({
  PORT: integer(3000, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  HATOBA_DATA_DIR: z.string().min(1).default('./.hatoba'),
  HATOBA_MAX_BODY_BYTES: bytes(1024 * 1024, LIMITS.MAX_BODY_BYTES.min, LIMITS.MAX_BODY_BYTES.max),
  HATOBA_NODE_ID: z.string().min(1).optional(),
  HATOBA_MIN_NODES: integer(1, 1, 1000),
  HATOBA_DEDUP_WINDOW: duration(86_400_000, LIMITS.DEDUP_WINDOW.min, LIMITS.DEDUP_WINDOW.max),
  HATOBA_RETENTION: duration(7 * DAY, LIMITS.RETENTION.min, LIMITS.RETENTION.max),
  HATOBA_SAMPLE_INTERVAL: duration(5000, LIMITS.SAMPLE_INTERVAL.min, LIMITS.SAMPLE_INTERVAL.max),
  HATOBA_MEMORY_MAX_ENTRIES: integer(MEMORY_DEFAULT_MAX_ENTRIES, LIMITS.MEMORY_MAX_ENTRIES.min, LIMITS.MEMORY_MAX_ENTRIES.max),
  HATOBA_MEMORY_MAX_BYTES: bytes(MEMORY_DEFAULT_MAX_BYTES, LIMITS.MEMORY_MAX_BYTES.min, LIMITS.MEMORY_MAX_BYTES.max),
  HATOBA_DB_POOL: integer(10, 2, 100),
  HATOBA_COMMIT_TIMEOUT: duration(DEFAULT_COMMIT_TIMEOUT_MS, LIMITS.COMMIT_TIMEOUT.min, LIMITS.COMMIT_TIMEOUT.max),
  HATOBA_DASHBOARD: flag(true),
  HATOBA_DEMO: flag(false),
  HATOBA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().optional(),
  // security and webhooks (README, "Security and production deployment")
  HATOBA_ADMIN_TOKEN: z.string().min(16, 'use at least 16 characters (openssl rand -base64 32)').optional().or(z.literal('').transform(() => undefined)),
  HATOBA_ADMIN_PASSWORD: z.string().min(8, 'use at least 8 characters').optional().or(z.literal('').transform(() => undefined)),
  HATOBA_SESSION_TTL: duration(12 * 3_600_000, LIMITS.SESSION_TTL.min, LIMITS.SESSION_TTL.max),
  HATOBA_KEY_RATE_LIMIT: rate(1000),
  HATOBA_SOURCE_RATE_LIMIT: rate(100),
  HATOBA_PUSH_ALLOW_HOSTS: checkedText(parseAllowList, AllowListError),
  HATOBA_TRUST_PROXY: checkedText(parseTrustProxy, TrustProxyError),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  maxBodyBytes: number;
  nodeId: string;
  /** Fewer nodes alive than this: /readyz fails and publishes are refused (503 quorum_lost). */
  minNodes: number;
  dedupWindowMs: number;
  retentionMs: number;
  sampleIntervalMs: number;
  dbPool: number;
  /** A publish or ack waits this long for its commit, then is answered 503 database_timeout. */
  commitTimeoutMs: number;
  memoryLimit: number;
  /** Most body bytes the memory-tier entries hold together; past it publishes to them get 507 memory_limit. */
  memoryMaxBytes: number;
  dashboard: boolean;
  dev: boolean;
  /** Runs the order example's simulated services in this process (`--demo` or HATOBA_DEMO=1). */
  demo: boolean;
  logLevel: z.infer<typeof schema>['HATOBA_LOG_LEVEL'];
  /** On unless the server listens on loopback with neither HATOBA_ADMIN_TOKEN nor HATOBA_ADMIN_PASSWORD. */
  authEnabled: boolean;
  adminToken: string | undefined;
  adminPassword: string | undefined;
  sessionTtlMs: number;
  /** Requests per second per API key and per webhook source (bursts of twice that); 0: no limit. */
  keyRateLimit: number;
  sourceRateLimit: number;
  /** HATOBA_PUSH_ALLOW_HOSTS: hosts and CIDRs push delivery may reach although private or loopback. */
  pushAllowHosts: string;
  /** HATOBA_TRUST_PROXY: addresses or CIDRs of the proxies in front (nginx); only from them is X-Forwarded-For believed. */
  trustProxy: string[];
}

/** The only reader of the environment. Fails with every problem listed, never half-configured. */
export function loadConfig(env: Record<string, string | undefined> = process.env, argv: string[] = process.argv): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const loopback = e.HOST === 'localhost' || classifyAddress(e.HOST).range === 'loopback';
  if (!loopback && !e.HATOBA_ADMIN_TOKEN) {
    throw new ConfigError(
      `Refusing to listen on ${e.HOST} without authentication: set HATOBA_ADMIN_TOKEN to a long random secret ` +
        `(e.g. HATOBA_ADMIN_TOKEN=$(openssl rand -base64 32)), or listen on loopback (HOST=127.0.0.1).`,
    );
  }
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.HATOBA_DATA_DIR,
    maxBodyBytes: e.HATOBA_MAX_BODY_BYTES,
    nodeId: e.HATOBA_NODE_ID ?? `${hostname()}:${e.PORT}`,
    minNodes: e.HATOBA_MIN_NODES,
    dedupWindowMs: e.HATOBA_DEDUP_WINDOW,
    retentionMs: e.HATOBA_RETENTION,
    sampleIntervalMs: e.HATOBA_SAMPLE_INTERVAL,
    dbPool: e.HATOBA_DB_POOL,
    commitTimeoutMs: e.HATOBA_COMMIT_TIMEOUT,
    memoryLimit: e.HATOBA_MEMORY_MAX_ENTRIES,
    memoryMaxBytes: e.HATOBA_MEMORY_MAX_BYTES,
    dashboard: e.HATOBA_DASHBOARD,
    dev: argv.includes('--dev'),
    demo: e.HATOBA_DEMO || argv.includes('--demo'),
    logLevel: e.HATOBA_LOG_LEVEL,
    // Setting a credential asks for auth: a password alone (on loopback) turns on the dashboard's login.
    authEnabled: !loopback || e.HATOBA_ADMIN_TOKEN !== undefined || e.HATOBA_ADMIN_PASSWORD !== undefined,
    adminToken: e.HATOBA_ADMIN_TOKEN,
    adminPassword: e.HATOBA_ADMIN_PASSWORD,
    sessionTtlMs: e.HATOBA_SESSION_TTL,
    keyRateLimit: e.HATOBA_KEY_RATE_LIMIT,
    sourceRateLimit: e.HATOBA_SOURCE_RATE_LIMIT,
    pushAllowHosts: e.HATOBA_PUSH_ALLOW_HOSTS,
    trustProxy: e.HATOBA_TRUST_PROXY.split(',').map((s) => s.trim()).filter(Boolean),
  };
}
