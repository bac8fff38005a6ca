import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**', 'bench/out/**'],
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most test files wait on PostgreSQL's fsync, timers and child processes rather than the CPU:
    // three at once on this 2-core machine took the suite on both databases from 10 min to 5.6
    // (four: no faster). Vitest's default, cores - 1, would be one here.
    maxWorkers: Math.max(3, availableParallelism() - 1),
  },
});
