import { defineConfig } from 'vitest/config';

/** Every package tests its TypeScript sources directly (the `source` export condition), so no build is needed first. */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: { testTimeout: 60_000, hookTimeout: 60_000, pool: 'forks' },
});
