import { MAX_CONFIG_BYTES } from '../config/decode.js';

/**
 * The costliest stack.yaml files the size limit lets through, each named for what makes it costly. The limits test
 * proves each is answered with a short list of problems; `pnpm bench:config` times them.
 */
export function worstConfigFiles(): ReadonlyArray<{ readonly name: string; readonly text: string }> {
  const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${i}: v`).join('\n');
  const many = Math.floor(MAX_CONFIG_BYTES / 9);
  return [
    { name: 'flow nesting', text: `a: ${'['.repeat(MAX_CONFIG_BYTES - 10)}` },
    { name: 'block nesting on one line', text: `${'- '.repeat(2000)}x` },
    { name: 'unknown keys', text: keys(many) },
    { name: 'a duplicate key at the end', text: `${keys(many - 10)}\nk0: again\n` },
    {
      name: 'aliases',
      text: `a: &a [x]\n${Array.from({ length: many / 2 }, (_, i) => `b${i}: *a`).join('\n')}`,
    },
  ];
}
