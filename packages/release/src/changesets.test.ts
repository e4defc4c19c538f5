import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type Component, changesFor, type FileMap, readPackageInfo } from '@idstack/core';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { release } from './release.js';
import { changesetBin, tagReleases } from './tags.js';
import { allComponents, PACKAGES_DIR, REPO_ROOT, renderInto } from './test-support/fixtures.js';
import { unbumpedCharts } from './version-check.js';

/**
 * The versioning flow in a temp copy of the repository (only what changesets and the renderer read: the root and
 * package manifests, .changeset/, the components' chart/ folders), git-initialised:
 * changeset -> `changeset version` -> render, tags, and the chart-testing-like version check.
 */
// A component no other package depends on: changesets bumps the dependents of a bumped workspace package too.
const BUMPED = 'netbird';
const SUMMARY = 'Route the tunnel through the new ingress entry point';
let repo: string;
let components: Component[];
const render = (config: unknown = {}) =>
  renderInto(components, config, mkdtempSync(join(tmpdir(), 'idstack-cs-'))).files;
const oci = { source: { charts: 'oci', registry: 'oci://registry.example.net/idstack' } };
const git = (...args: string[]) => execa('git', args, { cwd: repo });

const repos: string[] = [];

/**
 * A new copy of the repository for one describe block (its tests share it, in any order); every block makes its own,
 * so blocks never depend on each other's state.
 */
async function freshRepo(): Promise<void> {
  repo = mkdtempSync(join(tmpdir(), 'idstack-changesets-'));
  repos.push(repo);
  for (const f of ['package.json', 'pnpm-workspace.yaml', '.changeset/config.json'])
    cpSync(join(REPO_ROOT, f), join(repo, f), { recursive: true });
  // changesets resolves its changelog generator from the repository's node_modules.
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(repo, 'node_modules'));
  for (const dir of readdirSync(PACKAGES_DIR)) {
    if (!existsSync(join(PACKAGES_DIR, dir, 'package.json'))) continue;
    mkdirSync(join(repo, 'packages', dir), { recursive: true });
    for (const f of ['package.json', 'CHANGELOG.md', 'chart'])
      if (existsSync(join(PACKAGES_DIR, dir, f)))
        cpSync(join(PACKAGES_DIR, dir, f), join(repo, 'packages', dir, f), { recursive: true });
  }
  // The same component declarations, reading their version, changelog and templates from the copy.
  components = (await allComponents()).map((c) => ({
    ...c,
    packageDir: join(repo, 'packages', basename(c.packageDir)),
  }));
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'idstack test');
  renderInto(components, {}, repo);
  await git('add', '-A');
  await git('commit', '-q', '-m', 'initial');
}

afterAll(() => {
  for (const dir of repos) rmSync(dir, { recursive: true, force: true });
});

function changedPaths(before: FileMap, after: FileMap): string[] {
  return [...new Set([...before.keys(), ...after.keys()])]
    .filter((p) => before.get(p) !== after.get(p))
    .sort();
}

function versions(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(join(repo, 'packages')).map((dir) => {
      const pkg = JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8'));
      return [pkg.name, pkg.version];
    }),
  );
}

describe('a changeset on one component', () => {
  let before: { git: FileMap; oci: FileMap };
  let after: { git: FileMap; oci: FileMap };
  let versionsBefore: Record<string, string>;

  beforeAll(async () => {
    await freshRepo();
    const initialTags = await tagReleases(repo);
    expect(initialTags).toContain(`${packageOf(BUMPED)}@0.1.0`);
    before = { git: render(), oci: render(oci) };
    versionsBefore = versions();
    writeFileSync(
      join(repo, '.changeset', 'bump-one.md'),
      `---\n"${packageOf(BUMPED)}": patch\n---\n\n${SUMMARY}\n`,
    );
    const result = await execa(process.execPath, [changesetBin(), 'version'], {
      cwd: repo,
      reject: false,
      all: true,
    });
    expect(result.exitCode, result.all).toBe(0);
    after = { git: render(), oci: render(oci) };
  });

  it('bumps only that component package (and the CLI, which bundles every component)', () => {
    const now = versions();
    const bumped = Object.keys(now).filter((name) => now[name] !== versionsBefore[name]);
    expect(bumped.filter((name) => componentPackages().has(name))).toEqual([packageOf(BUMPED)]);
    expect(bumped.filter((name) => !componentPackages().has(name))).toEqual(['@idstack/cli']);
    expect(now[packageOf(BUMPED)]).toBe('0.1.1');
  });

  it('changes only that chart in git mode, its Chart.yaml version following the package', () => {
    const changed = changedPaths(before.git, after.git);
    expect(changed).toContain(`charts/${BUMPED}/Chart.yaml`);
    for (const path of changed) expect(path.startsWith(`charts/${BUMPED}/`), path).toBe(true);
    const chart = parse(after.git.get(`charts/${BUMPED}/Chart.yaml`) as string);
    expect(chart.version).toBe('0.1.1');
  });

  it('feeds the CHANGELOG entry into artifacthub.io/changes', () => {
    const chart = parse(after.git.get(`charts/${BUMPED}/Chart.yaml`) as string);
    const changes = parse(chart.annotations['artifacthub.io/changes']);
    expect(changes).toEqual([{ kind: 'fixed', description: SUMMARY }]);
    const changelog = readFileSync(join(repo, 'packages', BUMPED, 'CHANGELOG.md'), 'utf8');
    expect(changesFor(changelog, '0.1.1')).toEqual(changes);
  });

  it('in oci mode changes that chart and the Application referencing it, nothing else', () => {
    const changed = changedPaths(before.oci, after.oci);
    expect(changed).toContain(`cluster/apps/${BUMPED}.yaml`);
    for (const path of changed)
      expect(
        path.startsWith(`charts/${BUMPED}/`) ||
          path === `cluster/apps/${BUMPED}.yaml` ||
          path === 'cluster/README.md',
        path,
      ).toBe(true);
    const app = parse(after.oci.get(`cluster/apps/${BUMPED}.yaml`) as string);
    expect(app.spec.source).toMatchObject({
      repoURL: `oci://registry.example.net/idstack/${BUMPED}`,
      targetRevision: '0.1.1',
      path: '.',
    });
    const wasApp = parse(before.oci.get(`cluster/apps/${BUMPED}.yaml`) as string);
    expect({
      ...app,
      spec: { ...app.spec, source: { ...app.spec.source, targetRevision: '0.1.0' } },
    }).toEqual(wasApp);
  });

  it('tags the new version (changeset tag), and only that one', async () => {
    renderInto(components, {}, repo);
    await git('add', '-A');
    await git('commit', '-q', '-m', 'version packages');
    const tags = await tagReleases(repo);
    expect(tags.filter((t) => componentPackages().has(t.slice(0, t.lastIndexOf('@'))))).toEqual([
      `${packageOf(BUMPED)}@0.1.1`,
    ]);
    expect(await tagReleases(repo)).toEqual([]);
  });
});

describe('the version check (chart-testing style, against release tags)', () => {
  beforeAll(async () => {
    await freshRepo();
    await tagReleases(repo);
  });

  it('passes while every released chart equals its tag', async () => {
    renderInto(components, {}, repo);
    expect(await unbumpedCharts(repo, chartsOf(repo))).toEqual([]);
  });

  it('flags a chart whose content changed (e.g. through core) without a version bump, and release refuses', async () => {
    const other = components.find((c) => c.name !== BUMPED)?.name as string;
    const values = join(repo, 'charts', other, 'values.yaml');
    writeFileSync(values, `${readFileSync(values, 'utf8')}# a core change altered this chart\n`);
    const offenders = await unbumpedCharts(repo, chartsOf(repo));
    expect(offenders).toEqual([
      { name: other, version: '0.1.0', tag: `${packageOf(other)}@0.1.0`, changed: ['values.yaml'] },
    ]);
    // Refused before anything is packaged or pushed (the registry here does not even exist).
    await expect(release({ root: repo, registry: 'oci://127.0.0.1:9/nowhere' })).rejects.toThrow(
      new RegExp(
        `refusing to release:\\n  charts/${other} differs from its release ${packageOf(other)}@0\\.1\\.0 \\(values\\.yaml\\)`,
      ),
    );
    renderInto(components, {}, repo);
  });
});

describe('a changeset on @idstack/core', () => {
  beforeAll(freshRepo);

  it('bumps every component (changesets bumps the dependents of a workspace dependency), so every chart follows', async () => {
    const was = versions();
    writeFileSync(
      join(repo, '.changeset', 'core.md'),
      '---\n"@idstack/core": minor\n---\n\nRender charts differently\n',
    );
    const result = await execa(process.execPath, [changesetBin(), 'version'], {
      cwd: repo,
      reject: false,
      all: true,
    });
    expect(result.exitCode, result.all).toBe(0);
    const now = versions();
    const files = render();
    for (const name of componentPackages()) {
      expect(now[name], name).not.toBe(was[name]);
      const component = components.find(
        (c) => readPackageInfo(c.packageDir).packageName === name,
      ) as Component;
      expect(parse(files.get(`charts/${component.name}/Chart.yaml`) as string).version).toBe(now[name]);
    }
  });
});

function packageOf(component: string): string {
  return readPackageInfo((components.find((c) => c.name === component) as Component).packageDir).packageName;
}

/** npm names of the component packages (each one chart). */
function componentPackages(): Set<string> {
  return new Set(components.map((c) => readPackageInfo(c.packageDir).packageName));
}

function chartsOf(root: string) {
  return components.map((c) => ({
    name: c.name,
    packageName: readPackageInfo(c.packageDir).packageName,
    version: parse(readFileSync(join(root, 'charts', c.name, 'Chart.yaml'), 'utf8')).version as string,
    dir: join(root, 'charts', c.name),
  }));
}
