import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig(['src/*.ts', '!src/*.test.ts', '!src/index.ts'], {
  configFile: 'vitest.mutation.config.ts',
});
