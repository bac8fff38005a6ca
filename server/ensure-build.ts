import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** What the dashboard build is made from; a change to any of it makes `npm start` rebuild. */
const SOURCES = ['app', 'components', 'server/trpc', 'server/runtime.ts', 'next.config.ts', 'package-lock.json', 'tsconfig.json', 'tsconfig.next.json'];
const STAMP = path.join('.next', 'hatoba-sources.sha256');

async function files(dir: string, rel: string): Promise<string[]> {
  const full = path.join(dir, rel);
  try {
    const entries = await readdir(full, { withFileTypes: true });
    const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? files(dir, path.join(rel, e.name)) : [path.join(rel, e.name)])));
    return nested.flat();
  } catch {
    return (await access(full).then(() => true, () => false)) ? [rel] : [];
  }
}

/** A hash of the dashboard's sources (paths and contents). */
export async function sourceHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const rel of (await Promise.all(SOURCES.map((s) => files(dir, s)))).flat().sort()) {
    hash.update(rel).update('\0').update(await readFile(path.join(dir, rel))).update('\0');
  }
  return hash.digest('hex');
}

/** A production build exists when Next has written its build id; `next dev` never writes it. */
export async function isBuilt(dir: string): Promise<boolean> {
  try {
    await access(path.join(dir, '.next', 'BUILD_ID'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds the Next.js app when no build exists or its sources changed since the last build made
 * here, so that `npm start` works on a fresh checkout and after a pull.
 */
export async function ensureBuild(dir: string): Promise<void> {
  const wanted = await sourceHash(dir);
  const built = await readFile(path.join(dir, STAMP), 'utf8').catch(() => null);
  if ((await isBuilt(dir)) && built === wanted) return;

  const nextBin = path.join(dir, 'node_modules', 'next', 'dist', 'bin', 'next');
  // The running node binary, not whichever `node` comes first on PATH.
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin, 'build'], { cwd: dir, stdio: 'inherit' });
    child.once('error', (error) =>
      reject(new Error(`could not run "next build" in ${dir}: ${error.message}`, { cause: error })),
    );
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `"next build" in ${dir} failed (${signal ? `killed by ${signal}` : `exit code ${code}`}); ` +
              'see its output above, fix the error and run "npm run build"',
          ),
        );
    });
  });

  if (!(await isBuilt(dir))) {
    throw new Error(`"next build" in ${dir} finished but wrote no .next/BUILD_ID`);
  }
  await writeFile(path.join(dir, STAMP), wanted);
}
