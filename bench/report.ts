import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTargets, targetsTable } from './targets';
import type { BenchContext, CaseGroup, MeasurementResult } from './types';

interface Report {
  quick: boolean;
  ctx: BenchContext;
  facts: Record<string, string>;
  groups: CaseGroup[];
  results: MeasurementResult[];
  figures: Record<string, Record<string, number | string>>;
  warnings: string[];
}

const fmt = (x: number | undefined, digits = 1): string =>
  x === undefined ? '' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits);

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').slice(0, 240);

function notes(r: MeasurementResult): string {
  if (r.status !== 'ok') return `${r.status}: ${r.reason ?? ''}`;
  const parts: string[] = [];
  const extras = r.samples.map((s) => s.extra ?? {});
  const med = (k: string) => {
    const xs = extras.map((e) => e[k]).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
    return xs.length ? xs[xs.length >> 1] : undefined;
  };
  const pr = med('publishRate');
  if (pr !== undefined) parts.push(`publish ${fmt(pr)}/s`);
  const und = Math.max(0, ...extras.map((e) => (typeof e.undelivered === 'number' ? e.undelivered : 0)));
  if (extras.some((e) => 'undelivered' in e)) parts.push(und ? `undelivered after drain: up to ${und}` : 'all delivered');
  const written = med('diskBytesPerMessage');
  if (written !== undefined) parts.push(`${fmt(written)} B written per message`);
  const rps = med('requestsPerSecond');
  if (rps !== undefined && r.median && Math.abs(rps - r.median.value) > 1) parts.push(`${fmt(rps)} req/s`);
  if (r.median?.errors) parts.push(`${r.median.errors} errors`);
  return parts.join('; ');
}

function table(g: CaseGroup, rows: MeasurementResult[]): string[] {
  const ref = rows.find((r) => r.id === g.reference)?.median?.value;
  const lines = [
    `| case | median | runs | p50 ms | p99 ms | max ms |${ref ? ' vs ceiling |' : ''} notes |`,
    `|---|---:|---|---:|---:|---:|${ref ? '---:|' : ''}---|`,
  ];
  for (const r of rows) {
    const m = r.median;
    const runs = r.samples.map((s) => fmt(s.value)).join(' / ');
    const value = r.status === 'ok' && m ? `${fmt(m.value)} ${m.unit}` : r.status;
    const ratio = ref ? ` ${m && r.status === 'ok' && m.unit === 'msg/s' ? `${((m.value / ref) * 100).toFixed(0)}%` : ''} |` : '';
    const l = m?.latency;
    lines.push(`| ${cell(`**${r.subject}** ${r.label}`)} | ${value} | ${runs} | ${fmt(l?.p50, 2)} | ${fmt(l?.p99, 2)} | ${fmt(l?.max, 2)} |${ratio} ${cell(notes(r))} |`);
  }
  return lines;
}

/** bench/LIMITS.md (what limits the missed targets, written by hand after profiling), one heading level down. */
function limitsSection(): string[] {
  const file = fileURLToPath(new URL('./LIMITS.md', import.meta.url));
  if (!existsSync(file)) return [];
  return [...readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => (l.startsWith('#') ? `#${l}` : l)), ''];
}

export function writeReport(dir: string, rep: Report): string[] {
  const { ctx } = rep;
  const md: string[] = [
    '# Hatoba benchmark results',
    '',
    `Written by \`npm run bench${rep.quick ? ' -- --quick' : ''}\` on ${rep.facts.date}. Medians of ${ctx.runs} run(s) of ` +
      `${ctx.durationMs / 1000} s each after a ${ctx.warmupMs / 1000} s warm-up; the runs of all subjects are interleaved, so ` +
      'their ratios hold on a noisy machine. See bench/README.md for what each case means.',
    '',
  ];
  if (rep.quick) md.push('**Quick run (CI smoke test): Hatoba only, short runs; these figures are not for comparison.**', '');
  md.push('## Machine and versions', '', '| fact | value |', '|---|---|');
  for (const [k, v] of Object.entries(rep.facts)) md.push(`| ${k} | ${cell(v)} |`);
  md.push(
    '',
    'Unless a row says otherwise: 1 KiB JSON bodies; keep-alive HTTP clients (undici, one socket per client); durable ' +
      'queues on PostgreSQL with fsync on; latencies in milliseconds (publish rows: request round trip; end-to-end rows: ' +
      'publish to delivery).',
    '',
  );
  for (const g of rep.groups) {
    const rows = rep.results.filter((r) => r.group === g.name);
    if (rows.length === 0) continue;
    md.push(`## ${g.title}`, '', ...table(g, rows), '');
    const fig = rep.figures[g.name] ?? {};
    for (const [k, v] of Object.entries(fig)) md.push(`- ${k}: ${typeof v === 'number' ? fmt(v) : v}`);
    if (Object.keys(fig).length) md.push('');
  }
  md.push(
    '## Targets',
    '',
    'The targets of the performance issue, judged from the medians above (bench/targets.ts).',
    '',
    ...targetsTable(checkTargets(rep.results, rep.figures)),
    '',
    ...limitsSection(),
  );
  if (rep.warnings.length) md.push('## Warnings', '', ...rep.warnings.map((w) => `- ${w}`), '');
  const mdFile = join(dir, 'RESULTS.md');
  const jsonFile = join(dir, 'results.json');
  writeFileSync(mdFile, md.join('\n'));
  const config = { quick: rep.quick, warmupMs: ctx.warmupMs, durationMs: ctx.durationMs, runs: ctx.runs, scaleSize: ctx.scaleSize };
  writeFileSync(jsonFile, `${JSON.stringify({ config, facts: rep.facts, figures: rep.figures, warnings: rep.warnings, results: rep.results }, null, 2)}\n`);
  return [mdFile, jsonFile];
}
