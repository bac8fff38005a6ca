import { hostname } from 'node:os';
import { z } from 'zod';

/** Byte sizes: a number of bytes, or with a unit (`512kb`, `1mb`). */
const bytes = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib)?\s*$/i.exec(String(v));
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'expected a size such as 1048576, 512kb or 1mb' });
    return z.NEVER;
  }
  const unit = (m[2] ?? 'b').toLowerCase();
  const factor = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1;
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
  HATOBA_DEDUP_WINDOW: duration.default(86_400_000),
  HATOBA_RETENTION: duration.default(7 * 86_400_000),
  HATOBA_SAMPLE_INTERVAL: duration.default(5000),
  HATOBA_MEMORY_MAX_ENTRIES: z.coerce.number().int().min(1).default(200_000),
  HATOBA_DB_POOL: z.coerce.number().int().min(2).max(100).default(10),
  HATOBA_DASHBOARD: flag.default(true),
  HATOBA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().optional(),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  maxBodyBytes: number;
  nodeId: string;
  dedupWindowMs: number;
  retentionMs: number;
  sampleIntervalMs: number;
  dbPool: number;
  memoryLimit: number;
  dashboard: boolean;
  dev: boolean;
  logLevel: z.infer<typeof schema>['HATOBA_LOG_LEVEL'];
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
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.HATOBA_DATA_DIR,
    maxBodyBytes: e.HATOBA_MAX_BODY_BYTES,
    nodeId: e.HATOBA_NODE_ID ?? `${hostname()}:${e.PORT}`,
    dedupWindowMs: e.HATOBA_DEDUP_WINDOW,
    retentionMs: e.HATOBA_RETENTION,
    sampleIntervalMs: e.HATOBA_SAMPLE_INTERVAL,
    dbPool: e.HATOBA_DB_POOL,
    memoryLimit: e.HATOBA_MEMORY_MAX_ENTRIES,
    dashboard: e.HATOBA_DASHBOARD,
    dev: argv.includes('--dev'),
    logLevel: e.HATOBA_LOG_LEVEL,
  };
}
