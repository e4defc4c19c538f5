// @ts-nocheck
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

/**
 * Mutation testing only (`pnpm mutate`): the rules' own tests, which build a check context in memory (no helm), so
 * each mutant of a rule is judged in milliseconds. The helm-backed suites (testing.test.ts) stay out: each would
 * rerun whole renders for every mutant they cover.
 */
export default mergeConfig(shared, defineConfig({ test: { include: ['src/rules/*.test.ts'] } }));
