import { defineConfig } from 'vitest/config';

/**
 * The fault suite (npm run test:faults): real processes killed, connections terminated, a
 * private PostgreSQL stopped. Separate from npm test; scenarios run one after another.
 */
export default defineConfig({
  test: {
    include: ['faults/**/*.fault.ts'],
    globalSetup: ['./faults/setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
