import { describe, expect, it } from 'vitest';
import { configErrorOf, fakeComponent } from '../test-support/fixtures.js';
import { worstConfigFiles } from '../test-support/worst-configs.js';
import { MAX_CONFIG_BYTES } from './decode.js';
import { parseStack } from './load.js';

// In a file of its own: it parses the largest files the limit allows (seconds of CPU), so the mutation run leaves it
// out (vitest.mutation.config.ts); load.test.ts drives every branch with small inputs. How fast these are answered
// is a benchmark (`pnpm bench:config`), not a timed test: a loaded CI machine would make it flaky.
const components = [fakeComponent('alpha', 'infra'), fakeComponent('beta', 'security', ['alpha'])];

describe('stack.yaml validation', () => {
  it.each(worstConfigFiles())(
    'rejects the worst file within the size limit ($name), listing 20 problems at most',
    ({ text }) => {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_CONFIG_BYTES);
      const found = configErrorOf(() => parseStack(text, components)).problems;
      expect(found.length).toBeGreaterThan(0);
      expect(found.length).toBeLessThanOrEqual(21);
    },
  );
});
