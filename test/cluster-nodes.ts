import { loadConfig } from '../server/config';
import { startHatoba } from '../server/main';
import { sharedPostgres, type SharedPostgres } from './shared-postgres';

/**
 * A cluster over HTTP in one test process: Hatoba nodes on one fresh PostgreSQL database.
 * `open()` makes the database (at the start of a test), `node(id)` starts a node on it, and
 * `close()` (afterEach) stops every node, last started first, and drops the database.
 */
export function clusterOnPostgres() {
  let pg: SharedPostgres | undefined;
  const stops: (() => Promise<void>)[] = [];
  const database = () => {
    if (!pg) throw new Error('clusterOnPostgres: open() first');
    return pg;
  };
  return {
    async open(): Promise<SharedPostgres> {
      pg = await sharedPostgres();
      return pg;
    },
    async node(id: string, env: Record<string, string> = {}) {
      const config = loadConfig({ PORT: '0', HATOBA_DASHBOARD: '0', HATOBA_LOG_LEVEL: 'silent', HATOBA_NODE_ID: id, ...env }, []);
      const hatoba = await startHatoba(config, { db: database().open() });
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
      await pg?.drop();
      pg = undefined;
    },
  };
}
