import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './config';
import { ensureBuild } from './ensure-build';

/**
 * `npm start`: check the configuration, build the dashboard first when there is no build (or
 * its sources changed), then run the server. With HATOBA_DASHBOARD=0 nothing is built. The
 * configuration is read by the server's own reader (server/config.ts), so that start and server
 * agree on every variable, and a bad value stops here, before a build, with the server's message.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
let dashboard: boolean;
try {
  dashboard = loadConfig().dashboard;
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(2);
}
if (dashboard && !process.argv.includes('--dev')) {
  try {
    await ensureBuild(root);
  } catch (e) {
    console.error((e as Error).message);
    process.exit(1);
  }
}
(process.env as Record<string, string | undefined>).NODE_ENV ??= 'production';
const { main } = await import('./main');
await main();
