import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Serial, broker and browser suites bind ports and spawn processes; two workers fit a 2-core box.
    maxWorkers: 2,
  },
});
