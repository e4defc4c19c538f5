// @ts-nocheck
import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

/**
 * Mutation testing only (`pnpm mutate`): core's own tests plus the CLI's tests that drive core's config loader and
 * plan through the real entry point (the invalid and valid config corpora, the topology), so a mutant of core is
 * judged by every fast test that exercises it. The CLI imports core's TypeScript sources, which Stryker mutates.
 */
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      dir: '..',
      include: [
        'core/src/**/*.test.ts',
        'cli/src/invalid-configs.test.ts',
        'cli/src/valid-configs.test.ts',
        'cli/src/topology.test.ts',
        'cli/src/strict-schema.test.ts',
      ],
    },
  }),
);
