import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { changesetBin, tagReleases } from './tags.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('tagReleases (changeset tag)', () => {
  it('tags every private package version not tagged yet, once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'idstack-tags-'));
    temps.push(root);
    for (const [dir, name] of [
      ['a', '@idstack/a'],
      ['b', '@idstack/b'],
    ]) {
      mkdirSync(join(root, 'packages', dir as string), { recursive: true });
      writeFileSync(
        join(root, 'packages', dir as string, 'package.json'),
        JSON.stringify({ name, version: '1.0.0', private: true }),
      );
    }
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'ws', private: true }));
    writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
    mkdirSync(join(root, '.changeset'));
    writeFileSync(
      join(root, '.changeset', 'config.json'),
      JSON.stringify({ baseBranch: 'main', privatePackages: { version: true, tag: true } }),
    );
    const git = (...args: string[]) => execa('git', args, { cwd: root });
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'initial');
    await git('tag', '@idstack/b@1.0.0');
    expect(await tagReleases(root)).toEqual(['@idstack/a@1.0.0']);
    expect((await git('tag', '--list')).stdout.split('\n').sort()).toEqual([
      '@idstack/a@1.0.0',
      '@idstack/b@1.0.0',
    ]);
    expect(await tagReleases(root)).toEqual([]);
  });

  it('fails with changesets’ own error lines outside a workspace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idstack-tags-none-'));
    temps.push(dir);
    await expect(tagReleases(dir)).rejects.toThrow(
      new RegExp(`^changeset tag failed: [\\s\\S]*directory: '${dir}'`),
    );
  });

  it('runs the changeset CLI through its bin.js', () => {
    expect(changesetBin()).toMatch(/[/\\]@changesets[/\\]cli[/\\]bin\.js$/);
    expect(existsSync(changesetBin())).toBe(true);
  });
});
