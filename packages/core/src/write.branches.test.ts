import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOutputs } from './write.js';

// The failure paths of the atomic write, each forced for real (write.test.ts has the main cases).

const managed = ['charts', 'cluster', 'stack.schema.json'];

/** Makes renaming `dir` away fail: root ignores permissions, so it is made immutable; anyone else loses write. */
function locked<T>(dir: string, fn: () => T): T {
  const lock = (on: boolean) =>
    process.getuid?.() === 0
      ? execFileSync('chattr', [on ? '+i' : '-i', dir])
      : chmodSync(dir, on ? 0o555 : 0o755);
  lock(true);
  try {
    return fn();
  } finally {
    lock(false);
  }
}

/** The error `fn` throws. */
function thrown(fn: () => unknown): NodeJS.ErrnoException {
  try {
    fn();
  } catch (error) {
    return error as NodeJS.ErrnoException;
  }
  throw new Error('expected an error');
}

describe('writeOutputs failures', () => {
  it('names the refused path and every managed output', () => {
    const root = mkdtempSync(join(tmpdir(), 'idstack-write-'));
    for (const path of ['elsewhere/x', 'charts/../x', '/charts/x']) {
      expect(thrown(() => writeOutputs(root, new Map([[path, 'no']]), managed)).message).toBe(
        `refusing to write ${path}: outside the managed outputs (charts, cluster, stack.schema.json)`,
      );
    }
    expect(readdirSync(root)).toEqual([]);
  });

  it('restores an output that had no successor, and throws the rename failure itself', () => {
    const root = mkdtempSync(join(tmpdir(), 'idstack-write-'));
    writeOutputs(
      root,
      new Map([
        ['charts/a/Chart.yaml', 'old\n'],
        ['cluster/root.yaml', 'old\n'],
      ]),
      managed,
    );
    // The new output has no charts/: charts/ is moved aside with nothing to take its place, then cluster/ cannot move.
    const error = locked(join(root, 'cluster'), () =>
      thrown(() => writeOutputs(root, new Map([['cluster/root.yaml', 'new\n']]), managed)),
    );
    expect(error.syscall).toBe('rename');
    expect(error.path).toBe(join(root, 'cluster'));
    expect(readFileSync(join(root, 'charts/a/Chart.yaml'), 'utf8')).toBe('old\n');
    expect(readFileSync(join(root, 'cluster/root.yaml'), 'utf8')).toBe('old\n');
    expect(readdirSync(root).sort()).toEqual(['charts', 'cluster']);
  });

  it('removes an output that did not exist before when the swap fails after it', () => {
    const root = mkdtempSync(join(tmpdir(), 'idstack-write-'));
    mkdirSync(join(root, 'cluster'));
    writeFileSync(join(root, 'cluster', 'root.yaml'), 'old\n');
    const error = locked(join(root, 'cluster'), () =>
      thrown(() =>
        writeOutputs(
          root,
          new Map([
            ['charts/a/Chart.yaml', 'new\n'],
            ['cluster/root.yaml', 'new\n'],
          ]),
          managed,
        ),
      ),
    );
    expect(error.syscall).toBe('rename');
    expect(error.path).toBe(join(root, 'cluster'));
    expect(existsSync(join(root, 'charts'))).toBe(false);
    expect(readFileSync(join(root, 'cluster/root.yaml'), 'utf8')).toBe('old\n');
    expect(readdirSync(root)).toEqual(['cluster']);
  });

  it('leaves no staging folder behind when writing the staged files fails', () => {
    const root = mkdtempSync(join(tmpdir(), 'idstack-write-'));
    expect(() =>
      writeOutputs(
        root,
        new Map([
          ['cluster/x', 'file\n'],
          ['cluster/x/y.yaml', 'cannot exist\n'],
        ]),
        managed,
      ),
    ).toThrow();
    expect(readdirSync(root)).toEqual([]);
  });

  it('stages inside the root, touching nothing beside it (its parent may be read-only)', () => {
    const parent = mkdtempSync(join(tmpdir(), 'idstack-write-'));
    const root = join(parent, 'out');
    mkdirSync(root);
    locked(parent, () => writeOutputs(root, new Map([['stack.schema.json', '{}\n']]), managed));
    expect(readdirSync(parent)).toEqual(['out']);
    expect(readdirSync(root)).toEqual(['stack.schema.json']);
  });

  it('creates a missing root and writes into it', () => {
    const root = join(mkdtempSync(join(tmpdir(), 'idstack-write-')), 'deep', 'out');
    writeOutputs(root, new Map([['stack.schema.json', '{}\n']]), managed);
    expect(readdirSync(root)).toEqual(['stack.schema.json']);
  });
});
