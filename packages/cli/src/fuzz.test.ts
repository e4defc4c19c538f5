import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempRoot } from './test-support.js';

/**
 * Fuzzing stack.yaml: mutated copies of real configs (truncated, bytes flipped, lines swapped, YAML punctuation and
 * huge values dropped in) go through `idstack build`. Whatever the input, the answer is exit 0 or 2 and never a
 * JavaScript stack trace or an "unexpected error". Fixed seed and count: the same cases on every run (a longer hunt:
IDSTACK_FUZZ_SEED=<n> IDSTACK_FUZZ_CASES=<n>).
 */
const SEED = Number(process.env.IDSTACK_FUZZ_SEED ?? 12);
const CASES = Number(process.env.IDSTACK_FUZZ_CASES ?? 60);

const seeds = ['examples/full/stack.yaml', 'examples/valid/anchors-and-flow-style.yaml', 'stack.yaml'].map(
  (f) => readFileSync(new URL(`../../../${f}`, import.meta.url)),
);

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SPECIAL = [
  '&a ',
  '*a',
  '!tag ',
  '[',
  ']',
  '{',
  '}',
  ': ',
  '- ',
  '\n---\n',
  '\t',
  '"',
  "'",
  '#',
  '|',
  '>',
  '%',
  '@',
  '`',
  '\0',
  '\r',
  '\\',
  '\u00e9',
  '\ufffd',
  '<<: ',
];

function mutate(source: Buffer, random: () => number): Buffer {
  const pick = (n: number) => Math.floor(random() * n);
  let bytes = Buffer.from(source);
  const lines = () => bytes.toString('latin1').split('\n');
  const fromLines = (l: string[]) => Buffer.from(l.join('\n'), 'latin1');
  const steps = 1 + pick(3);
  for (let s = 0; s < steps; s++) {
    switch (pick(8)) {
      case 0: // truncate anywhere
        bytes = bytes.subarray(0, pick(bytes.length + 1));
        break;
      case 1: // flip a byte
        if (bytes.length) bytes[pick(bytes.length)] = pick(256);
        break;
      case 2: {
        // swap two lines (keys change places and indentation)
        const l = lines();
        const [i, j] = [pick(l.length), pick(l.length)];
        [l[i], l[j]] = [l[j] as string, l[i] as string];
        bytes = fromLines(l);
        break;
      }
      case 3: {
        // YAML punctuation dropped in
        const at = pick(bytes.length + 1);
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(SPECIAL[pick(SPECIAL.length)] as string),
          bytes.subarray(at),
        ]);
        break;
      }
      case 4: {
        // a huge value after a key
        const l = lines();
        const i = pick(l.length);
        const huge = [
          `x${'y'.repeat(20_000)}`,
          '9'.repeat(400),
          '1e400',
          `[${'1,'.repeat(5000)}1]`,
          '-.inf',
          '0x7FFFFFFFFFFFFFFFFF',
        ][pick(6)];
        l[i] = `${(l[i] ?? '').replace(/:.*$/, '')}: ${huge}`;
        bytes = fromLines(l);
        break;
      }
      case 5: {
        // duplicate a line (duplicate keys)
        const l = lines();
        const i = pick(l.length);
        l.splice(i, 0, l[i] as string);
        bytes = fromLines(l);
        break;
      }
      case 6: {
        // re-indent a line
        const l = lines();
        const i = pick(l.length);
        l[i] = ' '.repeat(pick(9)) + (l[i] ?? '').trimStart();
        bytes = fromLines(l);
        break;
      }
      default: {
        // drop a line
        const l = lines();
        l.splice(pick(l.length), 1);
        bytes = fromLines(l);
      }
    }
  }
  return bytes;
}

describe('fuzzing stack.yaml', () => {
  it(`answers ${CASES} mutated configs with exit 0 or 2, never a stack trace`, {
    timeout: 300_000,
  }, async () => {
    const random = prng(SEED);
    const root = tempRoot();
    const config = join(root, 'fuzzed.yaml');
    const outcomes = { ok: 0, refused: 0 };
    for (let i = 0; i < CASES; i++) {
      const input = mutate(seeds[i % seeds.length] as Buffer, random);
      writeFileSync(config, input);
      const { code, err } = await run(['build', '--root', join(root, 'out'), '--config', config]);
      const what = `case ${i}: exit ${code}\n${err.slice(0, 2000)}\n--- input (first 300 bytes):\n${input.subarray(0, 300).toString('latin1')}`;
      expect([0, 2], what).toContain(code);
      expect(err, what).not.toMatch(/\n\s+at |unexpected error/);
      if (code === 0) outcomes.ok++;
      else {
        outcomes.refused++;
        expect(err, what).toMatch(/^idstack build: \S*fuzzed\.yaml is invalid:\n {2}- \S/);
      }
    }
    // Both kinds of answer occur: the mutations neither all break the file nor all miss.
    expect(outcomes.ok).toBeGreaterThan(5);
    expect(outcomes.refused).toBeGreaterThan(CASES / 4);
  });
});
