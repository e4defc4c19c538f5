// @ts-nocheck
import { strykerConfig } from '../../stryker.shared.mjs';

export default {
  ...strykerConfig(
    [
      'src/waves.ts',
      'src/write.ts',
      'src/plan.ts',
      'src/build.ts',
      'src/config/load.ts',
      'src/config/schema.ts',
      'src/config/names.ts',
    ],
    { configFile: 'vitest.mutation.config.ts', dir: '..' },
  ),
  // Every covering test runs in milliseconds: a mutant that loops (objectShape's for(;;), the disabled-need walk)
  // is declared a timeout after seconds, not the shared minute.
  timeoutMS: 10_000,
};
