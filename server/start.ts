import { fileURLToPath } from 'node:url';
import { ensureBuild } from './ensure-build';

/**
 * `npm start`: build the dashboard first when there is no build (or its sources changed), then
 * run the server. With HATOBA_DASHBOARD=0 nothing is built.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const dashboard = !['0', 'false', 'no', 'off'].includes((process.env.HATOBA_DASHBOARD ?? '').trim().toLowerCase());
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
