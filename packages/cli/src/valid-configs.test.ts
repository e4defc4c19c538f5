import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTree } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { run, tempRoot } from './test-support.js';

/**
 * The valid-but-unusual corpus (examples/valid/*.yaml): empty files, "---" alone, comments only, blocks with every
 * option commented out, a UTF-8 byte-order mark, CRLF line endings, anchors and flow style, components switched off.
 * Each must build, rebuild byte-identically, and pass `idstack check --offline`.
 */
const corpus = fileURLToPath(new URL('../../../examples/valid/', import.meta.url));
const cases = readdirSync(corpus)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function hashes(root: string): Record<string, string> {
  return Object.fromEntries(
    [...readTree(root)]
      .filter(([path]) => /^(charts|cluster)\/|^stack\.schema\.json$/.test(path))
      .map(([path, content]) => [path, createHash('sha256').update(content).digest('hex')]),
  );
}

describe('the valid-but-unusual corpus', () => {
  it('has the cases it promises', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
    expect(readFileSync(join(corpus, 'empty.yaml')).length).toBe(0);
  });

  it.each(cases)('%s builds, rebuilds identically and passes check', { timeout: 180_000 }, async (file) => {
    const config = join(corpus, file);
    const root = tempRoot();
    const first = await run(['build', '--root', root, '--config', config]);
    expect(first.code, first.err).toBe(0);
    const built = hashes(root);
    expect(Object.keys(built).length).toBeGreaterThan(10);
    const second = await run(['build', '--root', root, '--config', config]);
    expect(second.code, second.err).toBe(0);
    expect(hashes(root)).toEqual(built);
    // --offline: these machines reach no chart repository; the full render is proven in render/full-render.test.ts.
    const checked = await run(['check', '--offline', '--root', root, '--config', config]);
    expect(checked.code, checked.out + checked.err).toBe(0);
  });
});
