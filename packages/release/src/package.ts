import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type ChartPackageFile, chartCopyWithDependencies, helm } from '@idstack/core';
import { parse } from 'yaml';
import { helmOutput, ReleaseError } from './errors.js';
import { addRepositories, repoConfigFlags } from './helm-repo.js';
import { isLoopback } from './registry.js';

export interface ChartDependency {
  readonly name: string;
  readonly version: string;
  readonly repository: string;
}

/** One packaged umbrella chart in `dist/charts/`. */
export interface PackagedChart {
  readonly name: string;
  readonly version: string;
  /** Absolute path of `<name>-<version>.tgz`. */
  readonly file: string;
  /** sha256 of the package, hex (what `index.yaml` lists as its digest). */
  readonly digest: string;
  readonly dependencies: readonly ChartDependency[];
}

export interface PackageOptions {
  /** Folder holding the rendered umbrella charts (`charts/`). */
  readonly chartsDir: string;
  /**
   * Output folder: its chart packages (`*.tgz`) and `index.yaml` are replaced, anything else in it is left alone.
   * @default `dist/charts` beside `chartsDir`
   */
  readonly outDir?: string;
  /** Only these charts. @default every chart in `chartsDir` */
  readonly only?: readonly string[];
  /** Force `--plain-http` for OCI dependencies (automatic for a registry on loopback). */
  readonly plainHttp?: boolean;
  /** Base URL the packages will be served from, written into `index.yaml`. @default relative URLs */
  readonly indexUrl?: string;
  /**
   * The upstream chart packages by `name@version` (the chart cache, {@link ensureCharts}): each copy gets its
   * dependencies from here instead of `helm dependency build`. @default fetch with `helm dependency build`
   */
  readonly charts?: ReadonlyMap<string, ChartPackageFile>;
  readonly log?: (line: string) => void;
}

/**
 * `idstack package`: for each umbrella chart, in a temp copy (the rendered `charts/` stay as they are), its
 * dependencies from the chart cache (`charts`), else `helm dependency build` (from wherever Chart.yaml points: upstream or the mirror; a committed `Chart.lock` is
 * honoured, and one out of sync with Chart.yaml is an error), `helm package` into `<outDir>/<name>-<version>.tgz`,
 * then `helm repo index` over `outDir` (a Helm repository for a static host such as GitHub Pages).
 */
export async function packageCharts(options: PackageOptions): Promise<PackagedChart[]> {
  const log = options.log ?? (() => {});
  const chartsDir = resolve(options.chartsDir);
  const outDir = resolve(options.outDir ?? join(chartsDir, '..', 'dist', 'charts'));
  const names = readdirSync(chartsDir)
    .filter((n) => existsSync(join(chartsDir, n, 'Chart.yaml')))
    .filter((n) => !options.only || options.only.includes(n))
    .sort();
  if (names.length === 0)
    throw new ReleaseError(`no charts to package in ${chartsDir} (run \`pnpm build\` first)`);
  clearChartRepository(outDir);
  const work = mkdtempSync(join(tmpdir(), 'idstack-package-'));
  try {
    const packaged: PackagedChart[] = [];
    for (const name of names) packaged.push(await packageOne(name, chartsDir, outDir, work, options, log));
    const index = await helm([
      'repo',
      'index',
      outDir,
      ...(options.indexUrl ? ['--url', options.indexUrl] : []),
    ]);
    if (index.exitCode !== 0)
      throw new ReleaseError(`helm repo index ${outDir} failed: ${helmOutput(index)}`);
    return packaged;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Makes `dir` an empty Helm repository folder: creates it, and removes the chart packages and `index.yaml` an earlier
 * run left there. Only those: `--dist .` or `--dist ~` must never wipe a folder of the user's.
 */
export function clearChartRepository(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir, { withFileTypes: true }))
    if (entry.isFile() && (entry.name.endsWith('.tgz') || entry.name === 'index.yaml'))
      rmSync(join(dir, entry.name), { force: true });
}

async function packageOne(
  name: string,
  chartsDir: string,
  outDir: string,
  work: string,
  options: PackageOptions,
  log: (line: string) => void,
): Promise<PackagedChart> {
  const copy = join(work, name);
  if (options.charts) {
    const { missing } = chartCopyWithDependencies(join(chartsDir, name), copy, options.charts);
    if (missing.length)
      throw new ReleaseError(
        `charts/${name}: the chart cache lacks ${missing.join(', ')} (run \`idstack fetch\`)`,
      );
  } else cpSync(join(chartsDir, name), copy, { recursive: true });
  const chart = parse(readFileSync(join(copy, 'Chart.yaml'), 'utf8')) as {
    version: string;
    dependencies?: ChartDependency[];
  };
  const dependencies = (chart.dependencies ?? []).map(({ name, version, repository }) => ({
    name,
    version,
    repository,
  }));
  if (options.charts && dependencies.length > 0) {
    log(
      `copied   ${name} dependencies from the chart cache (${dependencies.map((d) => `${d.name} ${d.version}`).join(', ')})`,
    );
  } else if (dependencies.length > 0) {
    const repoConfig = join(work, '.helm-repositories');
    await addRepositories(
      dependencies.map((d) => d.repository),
      repoConfig,
    );
    // One flag for the whole command: Helm 4 speaks HTTPS to every OCI registry unless told otherwise.
    const plainHttp =
      options.plainHttp ??
      dependencies.some(
        (d) => d.repository.startsWith('oci://') && isLoopback(d.repository.slice(6).split('/')[0] ?? ''),
      );
    const locked = existsSync(join(copy, 'Chart.lock'));
    const build = await helm([
      'dependency',
      'build',
      copy,
      ...(plainHttp ? ['--plain-http'] : []),
      ...repoConfigFlags(repoConfig),
    ]);
    if (build.exitCode !== 0) {
      const hint = /out of sync/.test(`${build.stderr}`)
        ? ' (the committed Chart.lock does not match Chart.yaml: was it locked against another repository than the mirror? Re-lock it with `helm dependency update`.)'
        : '';
      throw new ReleaseError(`charts/${name}: helm dependency build failed: ${helmOutput(build)}${hint}`);
    }
    const fetched = readdirSync(join(copy, 'charts'));
    for (const d of dependencies)
      if (!fetched.includes(`${d.name}-${d.version}.tgz`))
        throw new ReleaseError(
          `charts/${name}: dependency ${d.name} ${d.version} is missing after helm dependency build`,
        );
    log(
      `built    ${name} dependencies (${dependencies.map((d) => `${d.name} ${d.version}`).join(', ')})${locked ? ' from Chart.lock' : ''}`,
    );
  }
  const pack = await helm(['package', copy, '--destination', outDir]);
  const file = join(outDir, `${name}-${chart.version}.tgz`);
  if (pack.exitCode !== 0 || !existsSync(file))
    throw new ReleaseError(`charts/${name}: helm package failed: ${helmOutput(pack)}`);
  log(`packaged ${name} ${chart.version} -> ${file}`);
  return {
    name,
    version: chart.version,
    file,
    digest: createHash('sha256').update(readFileSync(file)).digest('hex'),
    dependencies,
  };
}
