import { Suspense } from 'react';
import { headers } from 'next/headers';
import { connection } from 'next/server';
import { CodeBlock } from '@/components/code-block';
import { Notice } from '@/components/notice';
import { StatList } from '@/components/stat-list';
import { OverviewLive } from '@/components/overview/overview-live';
import {
  gettingStartedScript,
  loadOverview,
  overviewStats,
  requestOrigin,
} from '@/components/overview/overview-data';
// Only this small file: it imports the broker's types, never its code (drizzle, PGlite, postgres).
import { getRuntime } from '@/server/runtime';

export default function OverviewPage() {
  return (
    <>
      <div className="page-heading">
        <h1>Overview</h1>
        <p className="lede">This process: a broker with its HTTP gateway and this console.</p>
      </div>

      <OverviewLive />

      <section aria-labelledby="server-heading" className="section">
        <h2 id="server-heading">Server</h2>
        <Suspense fallback={<p className="muted">Reading the broker…</p>}>
          <ServerSummary />
        </Suspense>
      </section>

      <section aria-labelledby="api-heading" className="section">
        <h2 id="api-heading">API</h2>
        <ul className="link-list">
          <li>
            <a href="/v1/openapi.json">
              <code>/v1/openapi.json</code>
            </a>{' '}
            — the HTTP API v1 as OpenAPI, generated from the server&apos;s own schemas
          </li>
          <li>
            <a href="/healthz">
              <code>/healthz</code>
            </a>{' '}
            — liveness; <a href="/readyz"><code>/readyz</code></a> — database reachable and migrated
          </li>
          <li>
            <code>/metrics</code> — Prometheus metrics (needs a <code>monitoring</code> key when auth is on)
          </li>
        </ul>
      </section>

      <section aria-labelledby="start-heading" className="section">
        <h2 id="start-heading">Getting started</h2>
        <Suspense fallback={null}>
          <GettingStarted />
        </Suspense>
        <p className="muted small">
          When auth is on (<code>HATOBA_ADMIN_TOKEN</code> or <code>HATOBA_ADMIN_PASSWORD</code> is set, or the server listens beyond loopback),
          add <code>-H &quot;Authorization: Bearer $HATOBA_KEY&quot;</code> to each request.
        </p>
      </section>
    </>
  );
}

async function ServerSummary() {
  // The broker is registered at run time by server/main.ts: never read it while prerendering.
  await connection();
  const runtime = getRuntime();
  if (!runtime) {
    return (
      <Notice title="No broker is registered in this process">
        <p>
          The console is being served without Hatoba&apos;s server (for example by <code>next dev</code> or{' '}
          <code>next start</code>). Start it with <code>npm run dev</code> or <code>npm start</code>, which run{' '}
          <code>server/main.ts</code> and register the broker before serving pages.
        </p>
      </Notice>
    );
  }
  return <StatList stats={overviewStats(await loadOverview(runtime))} />;
}

async function GettingStarted() {
  const requestHeaders = await headers();
  const origin = requestOrigin(requestHeaders.get('host'), requestHeaders.get('x-forwarded-proto'));
  return <CodeBlock label="Declare a queue, publish, receive" code={gettingStartedScript(origin)} />;
}
