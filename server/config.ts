import { hostname } from 'node:os';
import { z } from 'zod';
import { MEMORY_DEFAULT_MAX_BYTES, MEMORY_DEFAULT_MAX_ENTRIES } from './broker/memory/memory-store';
import { AllowListError, classifyAddress, parseAllowList } from './webhooks/address-guard';

/** Byte sizes: a number of bytes, or with a unit (`512kb`, `1mb`, `2gb`; binary units: 1kb is 1024 bytes). */
const bytes = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i.exec(String(v));
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'expected a size such as 1048576, 512kb, 1mb or 2gb' });
    return z.NEVER;
  }
  const unit = (m[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 ** 2 : unit.startsWith('g') ? 1024 ** 3 : 1;
  return Math.floor(Number(m[1]) * factor);
});

/** Durations: milliseconds, or with a unit (`30s`, `24h`, `7d`). */
export const duration = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(String(v));
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'expected a duration such as 500ms, 30s, 24h or 7d' });
    return z.NEVER;
  }
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 'ms').toLowerCase() as 'ms'];
  return Math.floor(Number(m[1]) * factor);
});

const flag = z
  .string()
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v.trim().toLowerCase()));

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  HATOBA_DATA_DIR: z.string().min(1).default('./.hatoba'),
  HATOBA_MAX_BODY_BYTES: bytes.default(1024 * 1024),
  HATOBA_NODE_ID: z.string().min(1).optional(),
  HATOBA_MIN_NODES: z.coerce.number().int().min(1).max(1000).default(1),
  HATOBA_DEDUP_WINDOW: duration.default(86_400_000),
  HATOBA_RETENTION: duration.default(7 * 86_400_000),
  HATOBA_SAMPLE_INTERVAL: duration.default(5000),
  HATOBA_MEMORY_MAX_ENTRIES: z.coerce.number().int().min(1).default(MEMORY_DEFAULT_MAX_ENTRIES),
  HATOBA_MEMORY_MAX_BYTES: bytes.default(MEMORY_DEFAULT_MAX_BYTES),
  HATOBA_DB_POOL: z.coerce.number().int().min(2).max(100).default(10),
  HATOBA_DASHBOARD: flag.default(true),
  HATOBA_DEMO: flag.default(false),
  HATOBA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().optional(),
  // security and webhooks (README, "Security and production deployment")
  HATOBA_ADMIN_TOKEN: z.string().min(16, 'use at least 16 characters (openssl rand -base64 32)').optional().or(z.literal('').transform(() => undefined)),
  HATOBA_ADMIN_PASSWORD: z.string().min(8, 'use at least 8 characters').optional().or(z.literal('').transform(() => undefined)),
  HATOBA_SESSION_TTL: duration.default(12 * 3_600_000),
  HATOBA_KEY_RATE_LIMIT: z.coerce.number().min(0).default(1000),
  HATOBA_SOURCE_RATE_LIMIT: z.coerce.number().min(0).default(100),
  HATOBA_PUSH_ALLOW_HOSTS: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        parseAllowList(v);
      } catch (e) {
        if (!(e instanceof AllowListError)) throw e;
        ctx.addIssue({ code: 'custom', message: e.message });
      }
    }),
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
}

export class ConfigError extends Error {}

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
  };
}
