import { strykerConfig } from '../../stryker.shared.mjs';

export default strykerConfig(['src/rules/*.ts', '!src/rules/*.test.ts']);
