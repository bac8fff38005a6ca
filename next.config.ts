import type { NextConfig } from 'next';

/**
 * Next.js serves every path the gateway does not own, from inside our own node:http server
 * (server/main.ts calls `next({ dev, dir, hostname, port }).getRequestHandler()`), so there is
 * no `output: 'standalone'`: that mode ships its own server.js and does not trace ours.
 * The `@/*` alias comes from tsconfig.json; Next and Turbopack read it from there.
 */
const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `next build` type-checks the pages and what they import, not bench/, e2e/ or the rest of
  // the server: `npm start` builds on first run and must not fail on a benchmark's types.
  // `npm run typecheck` (tsc over tsconfig.json) still checks the whole project.
  typescript: { tsconfigPath: 'tsconfig.next.json' },
  // Pages reach the broker only through server/runtime.ts, but should a server module ever
  // import the database layer, these must be loaded by Node from node_modules, never bundled:
  // PGlite ships WASM and data files, and prom-client's default registry must stay the one
  // the composition root fills, not a second copy inside a page chunk.
  serverExternalPackages: ['@electric-sql/pglite', 'postgres', 'drizzle-orm', 'prom-client'],
};

export default nextConfig;
