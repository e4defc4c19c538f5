import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { changesetBin, tagReleases } from './tags.js';
import { changesetsWorkspace } from './test-support/charts.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('tagReleases (changeset tag)', () => {
  it('tags every private package version not tagged yet, once', async () => {
    const root = mkdtempSync(join(tmpdir(), 'idstack-tags-'));
    temps.push(root);
    const git = await changesetsWorkspace(root, { a: '@idstack/a', b: '@idstack/b' });
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
