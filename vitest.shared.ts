import { defineConfig } from 'vitest/config';

/**
 * Every package tests its TypeScript sources directly (the `source` export condition), so no build is needed first.
 * The timeouts are a safety net for a hung helm or registry, not a speed goal: a busy 2-core machine runs a whole
 * check in a hook in over a minute (speed goals live in `pnpm bench`).
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: { testTimeout: 180_000, hookTimeout: 180_000, pool: 'forks' },
});
