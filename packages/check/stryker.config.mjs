import { strykerConfig } from '../../stryker.shared.mjs';

export default {
  // The rules' own tests judge their mutants (vitest.mutation.config.ts): the engine's helm-backed suite would run
  // for every mutant without killing more.
  ...strykerConfig(['src/rules/*.ts', '!src/rules/*.test.ts'], { configFile: 'vitest.mutation.config.ts' }),
  // Each covering test runs in milliseconds: a mutant that loops (the tar walk of secrets, a $ref chain) is declared
  // a timeout after seconds, not the shared minute.
  timeoutMS: 10_000,
};
