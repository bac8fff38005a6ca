import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import setupDatabases from '../test/global-setup';

/** The PostgreSQL template of the main suite, plus a file the scenarios append their figures to. */
export default async function setup(project: TestProject) {
  const figures = join(mkdtempSync(join(tmpdir(), 'hatoba-faults-')), 'figures.tsv');
  writeFileSync(figures, '');
  project.provide('faultFigures', figures);
  if (!process.env.TEST_DATABASE_URL) {
    console.log('\n[faults] TEST_DATABASE_URL is not set: the multi-node scenarios need PostgreSQL and are skipped.\n');
  }
  const teardown = await setupDatabases(project);
  return async () => {
    const lines = readFileSync(figures, 'utf8').trim();
    console.log(`\n== Fault suite figures\n${lines ? lines.split('\n').map((l) => `  ${l.replace('\t', ': ')}`).join('\n') : '  (none)'}\n`);
    await teardown?.();
  };
}
