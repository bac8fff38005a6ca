import { createCluster, type Cluster, type ClusterOptions } from '../server/cluster';
import { loadConfig } from '../server/config';
import { startHatoba } from '../server/main';
import { sharedPostgres, type SharedPostgres } from './shared-postgres';
import { silent } from './silent-logger';

/** The fresh database of one test: `open()` makes it, `current()` is it (once opened), `drop()` drops it. */
function oneDatabase(helper: string) {
  let pg: SharedPostgres | undefined;
  return {
    async open(): Promise<SharedPostgres> {
      pg = await sharedPostgres();
      return pg;
    },
    current(): SharedPostgres {
      if (!pg) throw new Error(`${helper}: open() first`);
      return pg;
    },
    async drop(): Promise<void> {
      await pg?.drop();
      pg = undefined;
    },
  };
}

/**
 * A cluster over HTTP in one test process: Hatoba nodes on one fresh PostgreSQL database.
 * `open()` makes the database (at the start of a test), `node(id)` starts a node on it, and
 * `close()` (afterEach) stops every node, last started first, and drops the database.
 */
export function clusterOnPostgres() {
  const database = oneDatabase('clusterOnPostgres');
  const stops: (() => Promise<void>)[] = [];
  return {
    open: database.open,
    async node(id: string, env: Record<string, string> = {}) {
      const config = loadConfig({ PORT: '0', HATOBA_DASHBOARD: '0', HATOBA_LOG_LEVEL: 'silent', HATOBA_NODE_ID: id, ...env }, []);
      const hatoba = await startHatoba(config, { db: database.current().open() });
      let stopped = false;
      const stop = async () => {
        if (stopped) return;
        stopped = true;
        await hatoba.stop();
      };
      stops.push(stop);
      return { url: `http://127.0.0.1:${hatoba.port}`, stop, hatoba };
    },
    /** Something else the test started (a child process, a responder), stopped with the nodes. */
    onClose(stop: () => Promise<void>): void {
      stops.push(stop);
    },
    async close(): Promise<void> {
      for (const stop of stops.splice(0).reverse()) await stop();
      await database.drop();
    },
  };
}

/** What a membership of membersOnPostgres may set: its database pool is its own unless `db` is given. */
type MemberOptions = Partial<Omit<ClusterOptions, 'node' | 'logger'>>;

/**
 * Cluster memberships alone (createCluster, no broker or HTTP server) on one fresh PostgreSQL
 * database, one a node. `open()` makes the database (at the start of a test), `member(id)`
 * makes a node's membership on a pool of its own, not started (heartbeating every 100 ms, dead
 * after 1 s of silence, then `defaults`, then `options`), and `close()` (afterEach) stops every
 * membership, first made first, and drops the database.
 */
export function membersOnPostgres(defaults: MemberOptions = {}) {
  const database = oneDatabase('membersOnPostgres');
  const clusters: Cluster[] = [];
  return {
    open: database.open,
    member(id: string, options: MemberOptions = {}): Cluster {
      const settings = { heartbeatMs: 100, deadAfterMs: 1000, ...defaults, ...options };
      const c = createCluster({ ...settings, db: settings.db ?? database.current().open(), logger: silent, node: { id, version: 't' } });
      clusters.push(c);
      return c;
    },
    async close(): Promise<void> {
      for (const c of clusters.splice(0)) await c.stop();
      await database.drop();
    },
  };
}
