import { describe, expect, it } from 'vitest';
import { configErrorOf, fakeComponent } from '../test-support/fixtures.js';
import { MAX_CONFIG_BYTES } from './decode.js';
import { parseStack } from './load.js';

// In a file of its own: it parses the largest files the limit allows (seconds of CPU), so the mutation run leaves it
// out (vitest.mutation.config.ts); load.test.ts drives every branch with small inputs.
const components = [fakeComponent('alpha', 'infra'), fakeComponent('beta', 'security', ['alpha'])];

const problems = (text: string): string[] =>
  configErrorOf(() => parseStack(text, components)).problems.map((p) => `${p.path}: ${p.message}`);

describe('stack.yaml validation', () => {
  it('answers well under a second for the worst files within the size limit, listing 20 problems at most', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}: v`).join('\n');
    const many = Math.floor(MAX_CONFIG_BYTES / 9);
    const worst = [
      `a: ${'['.repeat(MAX_CONFIG_BYTES - 10)}`, // nesting
      `${'- '.repeat(2000)}x`, // block nesting on one line
      keys(many), // unknown keys
      `${keys(many - 10)}\nk0: again\n`, // a duplicate at the end
      `a: &a [x]\n${Array.from({ length: many / 2 }, (_, i) => `b${i}: *a`).join('\n')}`, // aliases
    ];
    for (const text of worst) {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(MAX_CONFIG_BYTES);
      const cpu = process.cpuUsage();
      const found = problems(text);
      const { user, system } = process.cpuUsage(cpu);
      expect((user + system) / 1000, text.slice(0, 20)).toBeLessThan(1000);
      expect(found.length).toBeLessThanOrEqual(21);
    }
  });
});
