import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffWorkingTree } from './diff.js';
import { DiffUsageError } from './errors.js';
import { checkoutOutput } from './git.js';
import { offlineRenderer } from './offline.js';
import { configMap, git, repository, tempDir, treeFiles, writeFiles } from './test-support/trees.js';

const base = treeFiles({ app: { templates: { 'cm.yaml': configMap('settings', { level: 'info' }) } } });

describe('the base revision, read through git (real git)', () => {
  it("copies a revision's charts/ and cluster/ out of git without touching the working tree or the index", async () => {
    const root = await repository(base);
    writeFileSync(join(root, 'charts/app/templates/cm.yaml'), configMap('settings', { level: 'debug' }));
    await git(root, 'add', 'charts/app/templates/cm.yaml');
    writeFileSync(join(root, 'cluster/apps/app.yaml'), 'edited: true\n');
    const before = await git(root, 'status', '--porcelain');

    const revision = await checkoutOutput(root, 'HEAD');
    try {
      expect(revision.commit).toBe(await git(root, 'rev-parse', 'HEAD'));
      expect(readFileSync(join(revision.root, 'charts/app/templates/cm.yaml'), 'utf8')).toContain(
        'level: info',
      );
      expect(readFileSync(join(revision.root, 'cluster/apps/app.yaml'), 'utf8')).toContain(
        'kind: Application',
      );
    } finally {
      rmSync(revision.tempDir, { recursive: true, force: true });
    }
    expect(await git(root, 'status', '--porcelain')).toBe(before);
    expect(readFileSync(join(root, 'cluster/apps/app.yaml'), 'utf8')).toBe('edited: true\n');
  });

  it('reads the output below the repository top (source.path) at any older revision', async () => {
    const top = await repository(new Map([...base].map(([path, text]) => [`deploy/${path}`, text])));
    writeFiles(
      join(top, 'deploy'),
      treeFiles({ app: { templates: { 'cm.yaml': configMap('settings', { level: 'warn' }) } } }),
    );
    await git(top, 'commit', '--quiet', '-am', 'warn');
    const result = await diffWorkingTree({
      root: join(top, 'deploy'),
      base: 'HEAD~1',
      files: treeFiles({ app: { templates: { 'cm.yaml': configMap('settings', { level: 'error' }) } } }),
      renderer: offlineRenderer(),
    });
    expect(result.base).toEqual({ revision: 'HEAD~1', commit: await git(top, 'rev-parse', 'HEAD~1') });
    expect(result.applications.find((a) => a.name === 'app')?.objects[0]?.fields).toEqual([
      { path: 'data.level', op: 'changed', old: 'info', new: 'error' },
    ]);
  });

  it('shows everything as added against a revision that had no output yet', async () => {
    const root = await repository(new Map([['README.md', 'nothing yet\n']]));
    const result = await diffWorkingTree({ root, files: base, renderer: offlineRenderer() });
    expect(result.summary).toMatchObject({ added: 2, removed: 0, changed: 0 });
    expect(result.applications.map((a) => [a.name, a.status])).toEqual([
      ['(bootstrap)', 'added'],
      ['app', 'added'],
    ]);
  });

  it('refuses an unknown revision and a folder outside git, naming what to do instead', async () => {
    const root = await repository(base);
    await expect(checkoutOutput(root, 'no-such-branch')).rejects.toThrow(
      new DiffUsageError(
        '--base no-such-branch: no such commit in this repository (give a branch, tag or commit id, e.g. --base origin/main)',
      ),
    );
    const outside = tempDir();
    await expect(checkoutOutput(outside, 'HEAD')).rejects.toThrow(/is not inside a git repository/);
  });
});
