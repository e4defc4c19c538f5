// @ts-nocheck
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

/**
 * Mutation testing only (`pnpm mutate`): the fast tests of the mutated files, which drive every branch in memory.
 * Left out, because every mutant run repeats each test that merely passes through the code: helm.test.ts (runs
 * helm), build.determinism.test.ts (builds in child processes, which a mutant of this process never reaches),
 * load.limits.test.ts (parses the largest files the limit allows), and the tests of other files that build a stack
 * on the way (network policies, identities).
 */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // One module graph for every file of a run: Stryker reruns them per mutant.
      isolate: false,
      dir: '..',
      include: ['core/src/**/*.test.ts'],
      exclude: [
        'core/src/helm.test.ts',
        'core/src/build.determinism.test.ts',
        'core/src/config/load.limits.test.ts',
        'core/src/network-policy.test.ts',
        'core/src/identity.test.ts',
      ],
    },
  }),
);
