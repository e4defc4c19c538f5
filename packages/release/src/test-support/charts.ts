import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helm } from '@idstack/core';
import { execa } from 'execa';
import { packageUpstreamStandIn } from './upstream-standin.js';

/** A dependency as an umbrella's Chart.yaml lists it. */
export interface TinyDependency {
  readonly name: string;
  readonly version: string;
  readonly repository: string;
  readonly condition?: string;
}

/**
 * TEST FIXTURE: a tiny umbrella chart `<chartsDir>/<name>` (Chart.yaml with `dependencies`, a values.yaml and one
 * ConfigMap template), as `idstack build` renders one: what package and release handle, without the components.
 */
export function tinyUmbrella(
  chartsDir: string,
  name: string,
  version: string,
  dependencies: readonly TinyDependency[] = [],
): string {
  const dir = join(chartsDir, name);
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(
    join(dir, 'Chart.yaml'),
    [
      'apiVersion: v2',
      `name: ${name}`,
      `version: ${version}`,
      'description: TEST FIXTURE umbrella',
      ...(dependencies.length ? ['dependencies:'] : []),
      ...dependencies.flatMap((d) => [
        `  - name: ${d.name}`,
        `    version: ${d.version}`,
        `    repository: ${d.repository}`,
        ...(d.condition ? [`    condition: ${d.condition}`] : []),
      ]),
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'values.yaml'), 'own: true\n');
  writeFileSync(
    join(dir, 'templates', 'own.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-own\n',
  );
  return dir;
}

/** TEST FIXTURE: a static Helm repository in `dir` (served at `url`) holding stand-ins of `charts`. */
export async function standInRepository(
  dir: string,
  url: string,
  charts: readonly (readonly [string, string])[],
): Promise<Map<string, string>> {
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, string>();
  for (const [name, version] of charts) {
    const file = join(dir, `${name}-${version}.tgz`);
    copyFileSync(await packageUpstreamStandIn(name, version), file);
    files.set(`${name}@${version}`, file);
  }
  const index = await helm(['repo', 'index', dir, '--url', url]);
  if (index.exitCode !== 0) throw new Error(`helm repo index ${dir} failed: ${index.stderr}`);
  return files;
}

/**
 * TEST FIXTURE: makes `root` a committed git repository and a changesets workspace of private packages
 * (`packages/<dir>/package.json`, version 1.0.0 each, from `packages`: dir → package name), as `changeset tag` reads
 * it. Returns a git runner in `root`.
 */
export async function changesetsWorkspace(
  root: string,
  packages: Readonly<Record<string, string>>,
): Promise<(...args: string[]) => Promise<{ stdout: string }>> {
  for (const [dir, name] of Object.entries(packages)) {
    mkdirSync(join(root, 'packages', dir), { recursive: true });
    writeFileSync(
      join(root, 'packages', dir, 'package.json'),
      JSON.stringify({ name, version: '1.0.0', private: true }),
    );
  }
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'ws', private: true }));
  writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages:\n  - packages/*\n');
  writeFileSync(join(root, '.gitignore'), 'dist/\n');
  mkdirSync(join(root, '.changeset'));
  writeFileSync(
    join(root, '.changeset', 'config.json'),
    JSON.stringify({ baseBranch: 'main', privatePackages: { version: true, tag: true } }),
  );
  const git = (...args: string[]) => execa('git', args, { cwd: root });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'initial');
  return git;
}
