import { strykerConfig } from '../../stryker.shared.mjs';

// The rules' own tests judge their mutants (vitest.mutation.config.ts): the engine's helm-backed suite would run
// for every mutant without killing more.
export default strykerConfig(['src/rules/*.ts', '!src/rules/*.test.ts'], {
  configFile: 'vitest.mutation.config.ts',
});
