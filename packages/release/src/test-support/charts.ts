import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helm } from '@idstack/core';
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
