import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderedCharts } from './release.js';
import { describeUnbumped, releaseTag, unbumpedCharts } from './version-check.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'idstack-version-check-'));
  temps.push(dir);
  return dir;
}

function writeChart(root: string, name: string, version: string, files: Record<string, string> = {}): void {
  const dir = join(root, 'charts', name);
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${name}\nversion: ${version}\n`);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
}

const chart = (root: string, name: string, version = '1.0.0') => ({
  name,
  packageName: `@idstack/${name}`,
  version,
  dir: join(root, 'charts', name),
});

describe('releaseTag and describeUnbumped', () => {
  it('tag a release the changesets way and name the way out', () => {
    expect(releaseTag('@idstack/argocd', '1.2.3')).toBe('@idstack/argocd@1.2.3');
    expect(
      describeUnbumped([
        {
          name: 'argocd',
          version: '1.2.3',
          tag: '@idstack/argocd@1.2.3',
          changed: ['values.yaml', 'x.yaml'],
        },
        { name: 'b', version: '0.1.0', tag: 'b@0.1.0', changed: ['Chart.yaml'] },
      ]),
    ).toEqual([
      'charts/argocd differs from its release @idstack/argocd@1.2.3 (values.yaml, x.yaml) but its version is still 1.2.3: add a changeset for @idstack/argocd (pnpm changeset) and run `pnpm changeset version && pnpm build`',
      'charts/b differs from its release b@0.1.0 (Chart.yaml) but its version is still 0.1.0: add a changeset for b (pnpm changeset) and run `pnpm changeset version && pnpm build`',
    ]);
    expect(describeUnbumped([])).toEqual([]);
  });
});

describe('unbumpedCharts against a git repository with release tags', () => {
  let root: string;
  const git = (...args: string[]) => execa('git', args, { cwd: root });

  beforeAll(async () => {
    root = temp();
    // `values.yaml` ends in a newline, as every rendered file does: a comparison that strips it would see a change.
    writeChart(root, 'alpha', '1.0.0', { 'values.yaml': 'a: 1\n', 'templates/cm.yaml': 'kind: ConfigMap\n' });
    writeChart(root, 'beta', '2.0.0', { 'values.yaml': 'b: 1\n' });
    writeChart(root, 'gamma', '3.0.0', { 'values.yaml': 'g: 1\n' });
    writeChart(root, 'alphabet', '1.0.0', { 'values.yaml': 'x: 1\n' });
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'release');
    for (const tag of ['@idstack/alpha@1.0.0', '@idstack/beta@2.0.0', '@idstack/alphabet@1.0.0'])
      await git('tag', tag);
  });

  it('passes charts equal to their tags, and charts whose version has no tag yet', async () => {
    const charts = ['alpha', 'beta', 'gamma', 'alphabet'].map((n) => chart(root, n));
    const fixed = charts.map((c) => ({ ...c, version: c.name === 'beta' ? '2.0.0' : c.version }));
    expect(await unbumpedCharts(root, fixed)).toEqual([]);
  });

  it('flags an edited, an added and a removed file, per chart, under the released version', async () => {
    const copy = temp();
    await execa('git', ['clone', '-q', root, copy]);
    await execa('git', ['fetch', '-q', '--tags'], { cwd: copy });
    writeFileSync(join(copy, 'charts', 'alpha', 'values.yaml'), 'a: 2\n');
    writeFileSync(join(copy, 'charts', 'alpha', 'templates', 'new.yaml'), 'kind: Secret\n');
    rmSync(join(copy, 'charts', 'alpha', 'templates', 'cm.yaml'));
    writeFileSync(join(copy, 'charts', 'beta', 'values.yaml'), 'b: 1'); // only the final newline gone
    const charts = [
      chart(copy, 'alpha'),
      { ...chart(copy, 'beta'), version: '2.0.0' },
      chart(copy, 'alphabet'),
    ];
    expect(await unbumpedCharts(copy, charts)).toEqual([
      {
        name: 'alpha',
        version: '1.0.0',
        tag: '@idstack/alpha@1.0.0',
        changed: ['templates/cm.yaml', 'templates/new.yaml', 'values.yaml'],
      },
      { name: 'beta', version: '2.0.0', tag: '@idstack/beta@2.0.0', changed: ['values.yaml'] },
    ]);
    // A bumped version has no tag yet: a new release, fine. From a subfolder of the work tree too.
    expect(
      await unbumpedCharts(join(copy, 'charts'), [{ ...chart(copy, 'alpha'), version: '1.0.1' }]),
    ).toEqual([]);
    // Paths are taken from the work tree's top, not from the folder the check runs in.
    expect((await unbumpedCharts(join(copy, 'charts'), [chart(copy, 'alpha')]))[0]?.changed).toEqual([
      'templates/cm.yaml',
      'templates/new.yaml',
      'values.yaml',
    ]);
    // A released chart whose folder is gone differs in every file.
    rmSync(join(copy, 'charts', 'alphabet'), { recursive: true });
    expect(await unbumpedCharts(copy, [chart(copy, 'alphabet')])).toEqual([
      {
        name: 'alphabet',
        version: '1.0.0',
        tag: '@idstack/alphabet@1.0.0',
        changed: ['Chart.yaml', 'values.yaml'],
      },
    ]);
  });

  it('checks a work tree whose folder name ends in a blank (the path git prints, untrimmed)', async () => {
    const copy = join(temp(), 'home lab ');
    await execa('git', ['clone', '-q', root, copy]);
    await execa('git', ['fetch', '-q', '--tags'], { cwd: copy });
    writeFileSync(join(copy, 'charts', 'alpha', 'values.yaml'), 'a: 2\n');
    expect(await unbumpedCharts(join(copy, 'charts'), [chart(copy, 'alpha')])).toEqual([
      { name: 'alpha', version: '1.0.0', tag: '@idstack/alpha@1.0.0', changed: ['values.yaml'] },
    ]);
  });

  it('flags an added empty file, and every file of a chart its release tag does not hold', async () => {
    const copy = temp();
    await execa('git', ['clone', '-q', root, copy]);
    await execa('git', ['fetch', '-q', '--tags'], { cwd: copy });
    // An empty file is new all the same: the tag has no such file to compare with.
    writeFileSync(join(copy, 'charts', 'beta', 'README.md'), '');
    // delta's version was tagged before its chart was ever committed: the tag holds none of its files.
    writeChart(copy, 'delta', '1.0.0', { 'values.yaml': 'd: 1\n' });
    await execa('git', ['tag', '@idstack/delta@1.0.0'], { cwd: copy });
    expect(
      await unbumpedCharts(copy, [{ ...chart(copy, 'beta'), version: '2.0.0' }, chart(copy, 'delta')]),
    ).toEqual([
      { name: 'beta', version: '2.0.0', tag: '@idstack/beta@2.0.0', changed: ['README.md'] },
      {
        name: 'delta',
        version: '1.0.0',
        tag: '@idstack/delta@1.0.0',
        changed: ['Chart.yaml', 'values.yaml'],
      },
    ]);
  });

  it('checks nothing outside a git work tree', async () => {
    const plain = temp();
    writeChart(plain, 'alpha', '1.0.0', { 'values.yaml': 'changed\n' });
    expect(await unbumpedCharts(plain, [chart(plain, 'alpha')])).toEqual([]);
  });
});

describe('renderedCharts', () => {
  it('lists every chart folder with a Chart.yaml, sorted, with its version and package', () => {
    const root = temp();
    writeChart(root, 'zeta', '0.2.0');
    writeChart(root, 'alpha', '1.0.0');
    mkdirSync(join(root, 'charts', 'not-a-chart'));
    expect(renderedCharts(join(root, 'charts'), { zeta: '@someone/zeta-chart' })).toEqual([
      { name: 'alpha', version: '1.0.0', packageName: '@idstack/alpha', dir: join(root, 'charts', 'alpha') },
      {
        name: 'zeta',
        version: '0.2.0',
        packageName: '@someone/zeta-chart',
        dir: join(root, 'charts', 'zeta'),
      },
    ]);
    expect(renderedCharts(join(root, 'charts'))[1]?.packageName).toBe('@idstack/zeta');
    expect(renderedCharts(join(root, 'nowhere'))).toEqual([]);
  });
});
