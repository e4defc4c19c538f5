// @ts-nocheck
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

/**
 * Mutation testing only (`pnpm mutate`): the rules' own tests, which build a check context in memory (no helm), so
 * each mutant of a rule is judged in milliseconds. The helm-backed suites (testing.test.ts, network-flows.test.ts)
 * stay out: each would rerun whole renders for every mutant they cover.
 */
export default mergeConfig(
  shared,
  defineConfig({
    // network-flows.test.ts renders the real components with helm; network-flows.simulation.test.ts drives the
    // same rule over synthetic objects in memory.
    // Each file in its own module graph (vitest's default): with one graph per run (isolate: false), as release
    // uses, Stryker saw 30 of the first 37 mutants of the rules survive, and each took seconds.
    test: { include: ['src/rules/*.test.ts'], exclude: ['src/rules/network-flows.test.ts'] },
  }),
);
