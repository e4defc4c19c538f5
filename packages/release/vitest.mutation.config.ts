// @ts-nocheck
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

/**
 * Mutation testing only (`pnpm mutate`): the release package's focused tests (pure logic, plus one loopback registry
 * and Helm repository per file with tiny charts), not the end-to-end suites that render and publish every component
 * (release.test.ts, changesets.test.ts, renovate.test.ts: minutes each, the same code paths).
 */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // One module graph for every file of a run (core is imported once, not per file): Stryker reruns them per mutant.
      isolate: false,
      include: [
        'src/errors.test.ts',
        'src/upstream.test.ts',
        'src/registry.test.ts',
        'src/version-check.test.ts',
        'src/chart-cache.test.ts',
        'src/tags.test.ts',
        'src/mirror.test.ts',
        'src/package.test.ts',
        'src/release-registry.test.ts',
        'src/commands.test.ts',
      ],
    },
  }),
);
