// @ts-nocheck
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

/**
 * Mutation testing only (`pnpm mutate`): every test file of the package (a new one takes part by itself) but the
 * end-to-end suites that render and publish every component (release, changesets, renovate: minutes each, the same
 * code paths) and the two that read the repository's own files rather than run src (versions, workflow).
 */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // One module graph for every file of a run (core is imported once, not per file): Stryker reruns them per mutant.
      isolate: false,
      include: ['src/**/*.test.ts'],
      exclude: [
        'src/release.test.ts',
        'src/changesets.test.ts',
        'src/renovate.test.ts',
        'src/versions.test.ts',
        'src/workflow.test.ts',
      ],
    },
  }),
);
