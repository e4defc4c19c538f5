import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutputs } from './write.js';

const managed = ['charts', 'cluster', 'stack.schema.json'];

function seeded(): string {
  const root = mkdtempSync(join(tmpdir(), 'idstack-write-'));
  writeOutputs(
    root,
    new Map([
      ['charts/a/Chart.yaml', 'name: a\n'],
      ['charts/b/Chart.yaml', 'name: b\n'],
      ['cluster/root.yaml', 'root\n'],
      ['stack.schema.json', '{}\n'],
    ]),
    managed,
  );
  return root;
}

describe('atomic, exact output', () => {
  it('replaces the managed outputs exactly: files not rendered any more disappear', () => {
    const root = seeded();
    writeFileSync(join(root, 'charts', 'stray.txt'), 'hand-made');
    writeOutputs(root, new Map([['charts/a/Chart.yaml', 'name: a\nversion: 2\n']]), managed);
    expect(readFileSync(join(root, 'charts/a/Chart.yaml'), 'utf8')).toBe('name: a\nversion: 2\n');
    expect(existsSync(join(root, 'charts/b'))).toBe(false);
    expect(existsSync(join(root, 'charts/stray.txt'))).toBe(false);
    expect(existsSync(join(root, 'cluster'))).toBe(false);
    expect(existsSync(join(root, 'stack.schema.json'))).toBe(false);
  });

  it('leaves the previous output untouched when writing fails midway', () => {
    const root = seeded();
    // A file where the staging area needs a folder makes the write fail after some files were written.
    const files = new Map([
      ['charts/a/Chart.yaml', 'new\n'],
      ['cluster/x', 'file\n'],
      ['cluster/x/y.yaml', 'cannot exist\n'],
    ]);
    expect(() => writeOutputs(root, files, managed)).toThrow();
    expect(readFileSync(join(root, 'charts/a/Chart.yaml'), 'utf8')).toBe('name: a\n');
    expect(readFileSync(join(root, 'cluster/root.yaml'), 'utf8')).toBe('root\n');
    expect(readFileSync(join(root, 'stack.schema.json'), 'utf8')).toBe('{}\n');
  });

  it('refuses paths outside the managed outputs before touching anything', () => {
    const root = seeded();
    const files = new Map([
      ['charts/a/Chart.yaml', 'new\n'],
      ['cluster/root.yaml', 'new\n'],
    ]);
    expect(() => writeOutputs(root, new Map([...files, ['elsewhere/x', 'no']]), managed)).toThrow(
      /outside the managed/,
    );
    expect(readFileSync(join(root, 'charts/a/Chart.yaml'), 'utf8')).toBe('name: a\n');
    expect(() => writeOutputs(root, new Map([['../escape', 'no']]), managed)).toThrow(/outside the managed/);
  });

  it('puts every previous output back when a rename fails in the middle of the swap', () => {
    const root = seeded();
    // charts/ is swapped first; then moving cluster/ aside fails for real: root ignores permissions, so the folder
    // is made immutable (chattr +i); anyone else cannot move a folder they may not write (its `..` entry changes).
    const cluster = join(root, 'cluster');
    const lock = (on: boolean) =>
      process.getuid?.() === 0
        ? execFileSync('chattr', [on ? '+i' : '-i', cluster])
        : chmodSync(cluster, on ? 0o555 : 0o755);
    lock(true);
    try {
      expect(() =>
        writeOutputs(
          root,
          new Map([
            ['charts/a/Chart.yaml', 'new\n'],
            ['cluster/root.yaml', 'new\n'],
            ['stack.schema.json', 'new\n'],
          ]),
          managed,
        ),
      ).toThrow();
    } finally {
      lock(false);
    }
    expect(readFileSync(join(root, 'charts/a/Chart.yaml'), 'utf8')).toBe('name: a\n');
    expect(readFileSync(join(root, 'charts/b/Chart.yaml'), 'utf8')).toBe('name: b\n');
    expect(readFileSync(join(root, 'cluster/root.yaml'), 'utf8')).toBe('root\n');
    expect(readFileSync(join(root, 'stack.schema.json'), 'utf8')).toBe('{}\n');
    expect(readdirSync(root).sort()).toEqual(['charts', 'cluster', 'stack.schema.json']);
  });

  it('refuses a managed path that climbs out with ..', () => {
    const root = join(mkdtempSync(join(tmpdir(), 'idstack-write-')), 'out');
    expect(() => writeOutputs(root, new Map([['charts/../../../../escape', 'no']]), managed)).toThrow(
      /outside the managed/,
    );
    expect(existsSync(join(root, '..', 'escape'))).toBe(false);
    expect(existsSync(root)).toBe(false);
  });

  it('leaves no staging folder behind', () => {
    const root = seeded();
    expect(readdirSync(root).sort()).toEqual(['charts', 'cluster', 'stack.schema.json']);
  });
});
