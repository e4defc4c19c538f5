import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { PublishError, ReleaseError } from './errors.js';
import { type PackagedChart, type PackageOptions, packageCharts } from './package.js';
import { chartInRegistry, ociTarget, pushChart, withRegistryLogin } from './registry.js';
import { tagReleases } from './tags.js';
import { describeUnbumped, unbumpedCharts, type VersionedChart } from './version-check.js';

export interface ReleaseOptions {
  /** Repository root: git work tree (tags, version check), holding `charts/`. */
  readonly root: string;
  /** @default `<root>/charts` */
  readonly chartsDir?: string;
  /** @default `<root>/dist/charts` */
  readonly distDir?: string;
  /** Target OCI registry prefix, e.g. `oci://ghcr.io/you/charts` (stack.yaml `source.registry`). */
  readonly registry: string;
  /** Force `--plain-http` (automatic for a registry on loopback). */
  readonly plainHttp?: boolean;
  /** Base URL written into `dist/charts/index.yaml`. */
  readonly indexUrl?: string;
  /** Run `changeset tag` once everything is published. @default false */
  readonly tag?: boolean;
  /** npm package of each chart (for its release tag). @default `@idstack/<chart>` */
  readonly packageNames?: Readonly<Record<string, string>>;
  /**
   * The upstream chart packages by `name@version` (the chart cache): each chart is packaged with its dependencies
   * from here, as `idstack package` does. @default `helm dependency build` from where Chart.yaml points
   */
  readonly charts?: PackageOptions['charts'];
  readonly log?: (line: string) => void;
}

export interface ReleaseResult {
  readonly packaged: readonly PackagedChart[];
  /** Pushed by this run. */
  readonly published: readonly PackagedChart[];
  /** Already in the registry at that version: left alone. */
  readonly skipped: readonly PackagedChart[];
  readonly tags: readonly string[];
}

/**
 * `idstack release` (`pnpm release`, after `changeset version` and `pnpm build`):
 * 1. refuses when a released chart changed without a version bump (see {@link unbumpedCharts});
 * 2. packages every chart with its dependencies (`idstack package`);
 * 3. pushes each chart whose version the registry does not have yet, skipping the others (a re-run is a no-op);
 *    an unreachable or refusing registry stops the run with the list of what did get published;
 * 4. optionally tags the released versions (`changeset tag`).
 */
export async function release(options: ReleaseOptions): Promise<ReleaseResult> {
  const log = options.log ?? (() => {});
  const root = resolve(options.root);
  const chartsDir = resolve(options.chartsDir ?? join(root, 'charts'));
  const target = ociTarget(
    options.registry,
    options.plainHttp === undefined ? {} : { plainHttp: options.plainHttp },
  );

  if (await isGitWorkTree(root)) {
    const offenders = await unbumpedCharts(root, renderedCharts(chartsDir, options.packageNames));
    if (offenders.length)
      throw new ReleaseError(`refusing to release:\n  ${describeUnbumped(offenders).join('\n  ')}`);
  }

  const packaged = await packageCharts({
    chartsDir,
    ...(options.charts ? { charts: options.charts } : {}),
    outDir: options.distDir ?? join(root, 'dist', 'charts'),
    ...(options.plainHttp === undefined ? {} : { plainHttp: options.plainHttp }),
    ...(options.indexUrl ? { indexUrl: options.indexUrl } : {}),
    log,
  });

  const { published, skipped } = await withRegistryLogin(target, async () => {
    const published: PackagedChart[] = [];
    const skipped: PackagedChart[] = [];
    for (const chart of packaged) {
      try {
        if (await chartInRegistry(target, chart.name, chart.version)) {
          log(`skipped  ${chart.name} ${chart.version} (already in ${target.prefix})`);
          skipped.push(chart);
          continue;
        }
        await pushChart(target, chart.file, `${chart.name} ${chart.version}`);
      } catch (error) {
        const done = published.map((c) => `${c.name} ${c.version}`);
        throw new PublishError(
          `${(error as Error).message}\n${done.length ? `published before the failure: ${done.join(', ')}` : 'nothing was published'}`,
          done,
        );
      }
      log(`pushed   ${chart.name} ${chart.version} to ${target.prefix}/${chart.name}:${chart.version}`);
      published.push(chart);
    }
    return { published, skipped };
  });

  const tags = options.tag ? await tagReleases(root) : [];
  for (const tag of tags) log(`New tag: ${tag}`);
  return { packaged, published, skipped, tags };
}

/** The rendered charts with the package each version belongs to. */
export function renderedCharts(
  chartsDir: string,
  packageNames: Readonly<Record<string, string>> = {},
): VersionedChart[] {
  if (!existsSync(chartsDir)) return [];
  return readdirSync(chartsDir)
    .filter((name) => existsSync(join(chartsDir, name, 'Chart.yaml')))
    .sort()
    .map((name) => {
      const { version } = parse(readFileSync(join(chartsDir, name, 'Chart.yaml'), 'utf8')) as {
        version: string;
      };
      return {
        name,
        version,
        packageName: packageNames[name] ?? `@idstack/${name}`,
        dir: join(chartsDir, name),
      };
    });
}

async function isGitWorkTree(dir: string): Promise<boolean> {
  const result = await execa('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, reject: false });
  return result.exitCode === 0 && `${result.stdout}`.trim() === 'true';
}
