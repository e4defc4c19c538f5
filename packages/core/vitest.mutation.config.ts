// @ts-nocheck
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

/**
 * Mutation testing only (`pnpm mutate`): core's own fast tests, which drive every branch of the mutated files in
 * memory. Left out: helm.test.ts (runs helm, covers none of them) and build.determinism.test.ts (builds in child
 * processes, which a mutant of this process never reaches).
 */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      dir: '..',
      include: ['core/src/**/*.test.ts'],
      exclude: ['core/src/helm.test.ts', 'core/src/build.determinism.test.ts'],
    },
  }),
);
