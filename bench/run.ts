/**
 * npm run bench [-- --quick] [--only a,b] [--out dir] [--runs n] [--duration s] [--warmup s] [--scale-size n] (--help: bench/args.ts)
 *
 * Starts what it measures, runs every selected measurement for a fixed time after a warm-up,
 * repeats (runs interleaved, so every subject sees the same machine noise), reports medians.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseBenchArgs, UsageError, USAGE } from './args';
import { e2eGroup } from './cases/e2e';
import { pgliteGroup } from './cases/pglite';
import { publishGroup } from './cases/publish';
import { scaleGroup } from './cases/scale';
import { machineFacts } from './facts';
import { hatobaWarnings } from './hatoba';
import { writeReport } from './report';
import { repoRoot } from './server';
import { withinMs } from '../server/time-limit';
import { medianSample } from './stats';
import type { BenchContext, CaseGroup, MeasurementResult, Sample } from './types';

const GROUPS: CaseGroup[] = [publishGroup, e2eGroup, scaleGroup, pgliteGroup];

let parsed: ReturnType<typeof parseBenchArgs>;
try {
  parsed = parseBenchArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  process.stderr.write(`bench: ${e.message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (parsed === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const args = parsed;
const { quick, selectors } = args;
const outDir = args.out ?? join(repoRoot, 'bench', ...(quick ? ['out', 'quick'] : []));
const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const ctx: BenchContext = {
  quick,
  warmupMs: args.warmupMs,
  durationMs: args.durationMs,
  runs: args.runs,
  pgBase: process.env.BENCH_PG_BASE ?? 'postgres://postgres@127.0.0.1:5432',
  scaleSize: args.scaleSize,
  wants: (...tags) => selectors.length === 0 || selectors.some((s) => tags.some((t) => s === t || s.startsWith(`${t}.`))),
  log,
};
const selected = (m: { id: string; tags: string[] }) =>
  selectors.length === 0 || selectors.some((s) => m.tags.includes(s) || m.id.startsWith(s));

// Every loop below is bounded; this is the last resort if a subject hangs anyway.
const watchdog = setTimeout(() => {
  log('watchdog: the benchmark took too long; giving up');
  process.exit(3);
}, (quick ? 20 : 180) * 60_000);

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  withinMs(p, ms, () => {
    throw new Error(`${what}: timed out after ${ms / 1000} s`);
  });

async function runGroup(g: CaseGroup, results: MeasurementResult[], figures: Record<string, Record<string, number | string>>, facts: Record<string, string>) {
  log(`group ${g.name}: setting up`);
  let setup;
  try {
    setup = await withTimeout(g.setup(ctx), 15 * 60_000, `${g.name} setup`);
  } catch (e) {
    results.push({ id: `${g.name}.setup`, group: g.name, subject: 'hatoba', label: `${g.name} setup`, status: 'failed', reason: (e as Error).message, samples: [] });
    log(`group ${g.name}: setup failed: ${(e as Error).message}`);
    return;
  }
  Object.assign(facts, setup.facts);
  const ms = setup.measurements.filter(selected);
  const byId = new Map<string, MeasurementResult>();
  for (const m of ms) {
    byId.set(m.id, { id: m.id, group: g.name, subject: m.subject, label: m.label, status: m.skip ? 'skipped' : 'ok', reason: m.skip, samples: [] });
  }
  const limit = ctx.warmupMs + ctx.durationMs + 10 * 60_000;
  for (let rep = 1; rep <= ctx.runs; rep++) {
    for (const m of ms) {
      const r = byId.get(m.id)!;
      if (!m.run || r.status === 'failed') continue;
      log(`${m.id} run ${rep}/${ctx.runs}`);
      try {
        const s: Sample = await withTimeout(m.run(rep), limit, m.id);
        r.samples.push(s);
        log(`  ${s.value} ${s.unit}${s.latency ? ` p50 ${s.latency.p50} ms p99 ${s.latency.p99} ms max ${s.latency.max} ms` : ''}`);
      } catch (e) {
        r.status = 'failed';
        r.reason = (e as Error).message.slice(0, 2000);
        log(`  failed: ${r.reason}`);
      }
    }
  }
  figures[g.name] = { ...setup.figures?.() };
  log(`group ${g.name}: tearing down`);
  await withTimeout(setup.teardown(), 120_000, `${g.name} teardown`).catch((e) => log(String(e)));
  for (const r of byId.values()) {
    r.median = r.status === 'ok' ? medianSample(r.samples) : undefined;
    results.push(r);
  }
}

async function main(): Promise<number> {
  log(`${quick ? 'quick' : 'full'} run: warm-up ${ctx.warmupMs / 1000} s, ${ctx.durationMs / 1000} s per run, ${ctx.runs} run(s); results to ${outDir}`);
  const facts = await machineFacts(ctx.pgBase);
  const results: MeasurementResult[] = [];
  const figures: Record<string, Record<string, number | string>> = {};
  const groups = GROUPS.filter((g) => (!quick || g.quick) && ctx.wants(...g.tags));
  for (const g of groups) await runGroup(g, results, figures, facts);
  mkdirSync(outDir, { recursive: true });
  const warnings = hatobaWarnings.staleTopology
    ? [`${hatobaWarnings.staleTopology} bind(s) answered 404 queue_not_found right after the queue's PUT succeeded (stale topology snapshot in the server); the benchmark retried them.`]
    : [];
  const files = writeReport(outDir, { quick, ctx, facts, groups, results, figures, warnings });
  log(`wrote ${files.join(', ')}`);
  const hatobaFailed = results.filter((r) => r.subject === 'hatoba' && r.status === 'failed');
  for (const r of hatobaFailed) log(`FAILED ${r.id}: ${r.reason}`);
  if (results.length === 0) log('nothing was selected');
  return hatobaFailed.length > 0 || results.length === 0 ? 1 : 0;
}

main().then(
  (code) => {
    clearTimeout(watchdog);
    process.exit(code);
  },
  (e) => {
    log(`bench crashed: ${(e as Error).stack ?? e}`);
    process.exit(2);
  },
);
