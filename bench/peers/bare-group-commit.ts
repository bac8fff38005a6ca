/**
 * The ceiling of Hatoba's design: bare node:http + postgres.js committing concurrent publishes
 * together. Each flush is one statement (one transaction, one fsync) inserting the messages and
 * their queue entries; every request is answered only after its batch commits. While a flush
 * runs, the next batch collects. Tables mirror Hatoba's messages / queue_entries with their
 * indexes, so the write amplification is the same. Run as its own process (PORT, DATABASE_URL).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import postgres from 'postgres';

const MAX_BATCH = 1000;
const sql = postgres(process.env.DATABASE_URL!, { max: 4, onnotice: () => {} });

interface Pending {
  id: string;
  key: string;
  body: Buffer;
  res: ServerResponse;
}

let pending: Pending[] = [];
let flushing = false;

async function flush(): Promise<void> {
  flushing = true;
  while (pending.length > 0) {
    const batch = pending.slice(0, MAX_BATCH);
    pending = pending.slice(batch.length);
    try {
      await sql`
        WITH m AS (
          INSERT INTO messages (id, exchange, routing_key, content_type, body, correlation_id, routed_to)
          SELECT id, 'bench', rk, 'application/json', decode(b, 'hex'), id::text, ARRAY[rk]
          FROM unnest(${batch.map((p) => p.id)}::uuid[], ${batch.map((p) => p.key)}::text[], ${batch.map((p) => p.body.toString('hex'))}::text[]) AS t(id, rk, b)
          RETURNING id, routing_key)
        INSERT INTO queue_entries (queue, message_id) SELECT routing_key, id FROM m`;
      for (const p of batch) answer(p.res, 201, { id: p.id, queues: [p.key], duplicate: false });
    } catch (e) {
      for (const p of batch) answer(p.res, 500, { error: { code: 'internal', message: String(e) } });
    }
  }
  flushing = false;
}

function answer(res: ServerResponse, status: number, doc: unknown): void {
  const body = JSON.stringify(doc);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const server = createServer((req, res) => {
  if (req.method === 'GET') return answer(res, 200, { status: 'ok' });
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const key = String(req.headers['hatoba-routing-key'] ?? 'bench');
    pending.push({ id: randomUUID(), key, body: Buffer.concat(chunks), res });
    if (!flushing) void flush();
  });
});

await sql.unsafe(`
  CREATE TABLE IF NOT EXISTS messages (
    id uuid PRIMARY KEY, seq bigserial NOT NULL, exchange text NOT NULL, routing_key text NOT NULL,
    headers jsonb NOT NULL DEFAULT '{}'::jsonb, content_type text NOT NULL, body bytea NOT NULL,
    correlation_id text NOT NULL, persistent boolean NOT NULL DEFAULT true, routed_to text[] NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now());
  CREATE INDEX IF NOT EXISTS messages_correlation ON messages (correlation_id);
  CREATE INDEX IF NOT EXISTS messages_exchange_seq ON messages (exchange, seq);
  CREATE INDEX IF NOT EXISTS messages_published_at ON messages (published_at);
  CREATE TABLE IF NOT EXISTS queue_entries (
    id bigserial PRIMARY KEY, queue text NOT NULL, message_id uuid NOT NULL,
    visible_at timestamptz NOT NULL DEFAULT now(), attempt integer NOT NULL DEFAULT 0, lease uuid,
    enqueued_at timestamptz NOT NULL DEFAULT now());
  CREATE INDEX IF NOT EXISTS queue_entries_claim ON queue_entries (queue, visible_at, id);
  CREATE INDEX IF NOT EXISTS queue_entries_message ON queue_entries (message_id);`);

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => console.log(`bare-group-commit listening on ${host}:${port}`));
process.on('SIGTERM', () => server.close(() => void sql.end({ timeout: 5 }).then(() => process.exit(0))));
