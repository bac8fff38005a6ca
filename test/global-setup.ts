import postgres from 'postgres';
import { migrate } from '../db/migrate';
import { openPostgres } from '../db/postgres';
import type { TestProject } from 'vitest/node';

/** The migrated database every PostgreSQL test copies (CREATE DATABASE … TEMPLATE), made once per run. */
export const TEMPLATE = `hatoba_test_template_${process.pid}`;

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE ${TEMPLATE}`);
  const db = openPostgres({ url: withDatabase(url, TEMPLATE), maxConnections: 1 });
  await migrate(db);
  await db.close();
  project.provide('pgTemplate', TEMPLATE);
  return async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
    await admin.end();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}
