import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderRoot, run } from './test-support.js';

/**
 * The invalid-config corpus (examples/invalid/*.yaml): each file declares on its first line the error it must
 * produce (`# expect: <key path>: <message fragment>`). `idstack build` and `idstack check` must both refuse it with
 * exit code 2 and a message naming the file and that key, within a second, and leave every file of a previous build
 * untouched.
 */
const corpus = fileURLToPath(new URL('../../../examples/invalid/', import.meta.url));
const cases = readdirSync(corpus)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => {
    const bytes = readFileSync(join(corpus, file));
    // The encoding cases are refused for their encoding, but their first line still says what to expect.
    const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf16le' : 'latin1';
    const first =
      bytes
        .toString(encoding)
        .replace(/^\ufeff/, '')
        .split('\n')[0] ?? '';
    const m = /^# expect: (\S+): (.*)$/.exec(first);
    if (!m) throw new Error(`${file}: the first line must be "# expect: <key path>: <message fragment>"`);
    return { file, path: m[1] as string, fragment: (m[2] as string).trim() };
  });

function hashTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(root, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(root);
  return out;
}

let root: string;
beforeAll(() => {
  root = renderRoot(); // a previous, valid build: charts/, cluster/, stack.schema.json
});

describe('the invalid-config corpus', () => {
  it('has at least 70 cases, each with a key path and a message fragment', () => {
    expect(cases.length).toBeGreaterThanOrEqual(70);
    for (const c of cases) expect(c.fragment, c.file).not.toBe('');
  });

  it.each(cases)('$file: build and check refuse it naming $path', async ({ file, path, fragment }) => {
    const before = hashTree(root);
    expect(Object.keys(before).length).toBeGreaterThan(10);
    for (const command of ['build', 'check']) {
      const { code, err } = await run([command, '--root', root, '--config', join(corpus, file)]);
      expect(code, `${command} ${file}: ${err}`).toBe(2);
      expect(err, `${command} ${file} names the file`).toMatch(
        new RegExp(`^idstack ${command}: \\S*${basename(file).replace('.', '\\.')} is invalid:\n`),
      );
      expect(err, `${command} ${file}: no stack trace`).not.toMatch(/\n\s+at /);
      const line = err.split('\n').find((l) => l.includes(`${path}: `));
      expect(line, `${command} ${file} names ${path}:\n${err}`).toBeDefined();
      expect(err, `${command} ${file}`).toContain(fragment);
    }
    expect(hashTree(root)).toEqual(before);
  });
});
