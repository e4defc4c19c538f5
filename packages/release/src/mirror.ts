import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helm } from '@idstack/core';
import { parse } from 'yaml';
import { helmOutput, ReleaseError } from './errors.js';
import { clearChartRepository } from './package.js';
import { chartInRegistry, ociTarget, plainHttpFlag, pushChart, withRegistryLogin } from './registry.js';
import type { PinnedChart } from './upstream.js';

export interface MirrorOptions {
  /** Force `--plain-http` for an OCI mirror that is not on loopback. */
  readonly plainHttp?: boolean;
  /**
   * For an https (static Helm repository) mirror: the folder the missing charts and the merged `index.yaml` are
   * written to, for the operator to upload (its earlier `*.tgz` and `index.yaml` are replaced, nothing else).
   * @default `dist/mirror` under the current directory
   */
  readonly outDir?: string;
  readonly log?: (line: string) => void;
}

export interface MirrorResult {
  /** Charts copied into the mirror (OCI) or into `outDir` (https). */
  readonly copied: readonly PinnedChart[];
  /** Charts the mirror already had. */
  readonly present: readonly PinnedChart[];
  /** https mirrors only: the folder to upload. */
  readonly outDir?: string;
}

/**
 * `idstack mirror`: copies every pinned upstream chart, at its exact version, into the mirror.
 * - OCI mirror (`oci://host/path`): `helm pull` from upstream, `helm push` to `<mirror>/<name>:<version>`; charts
 *   already there (`helm show chart`) are skipped.
 * - https mirror (a static Helm repository): there is no push protocol for a static host, so the missing charts are
 *   pulled into `outDir` with an `index.yaml` merged from the mirror's current one; upload that folder. Charts the
 *   mirror's `index.yaml` already lists are skipped.
 */
export async function mirrorCharts(
  charts: readonly PinnedChart[],
  mirror: string,
  options: MirrorOptions = {},
): Promise<MirrorResult> {
  const log = options.log ?? (() => {});
  const clash = charts.find((c) =>
    charts.some((o) => o.name === c.name && o.version === c.version && o !== c),
  );
  if (clash)
    throw new ReleaseError(
      `${clash.name} ${clash.version} is pinned from two repositories; one mirror cannot hold both`,
    );
  const work = mkdtempSync(join(tmpdir(), 'idstack-mirror-'));
  try {
    if (mirror.startsWith('oci://')) {
      const target = ociTarget(
        mirror,
        options.plainHttp === undefined ? {} : { plainHttp: options.plainHttp },
      );
      return await withRegistryLogin(target, async () => {
        const copied: PinnedChart[] = [];
        const present: PinnedChart[] = [];
        for (const chart of charts) {
          if (await chartInRegistry(target, chart.name, chart.version)) {
            log(`present  ${chart.name} ${chart.version}`);
            present.push(chart);
            continue;
          }
          const tgz = await pullUpstream(chart, work);
          await pushChart(target, tgz, `${chart.name} ${chart.version}`);
          log(`mirrored ${chart.name} ${chart.version} from ${chart.repository}`);
          copied.push(chart);
        }
        return { copied, present };
      });
    }
    return await mirrorToStaticRepository(charts, mirror.replace(/\/+$/, ''), work, options, log);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `helm pull` of one pinned chart from its upstream repository (https index or OCI registry). */
export async function pullUpstream(
  chart: PinnedChart,
  dir: string,
  options: { readonly plainHttp?: boolean } = {},
): Promise<string> {
  const into = mkdtempSync(join(dir, 'pull-'));
  const source = chart.repository.startsWith('oci://')
    ? [`${chart.repository}/${chart.name}`, ...plainHttpFlag(ociTarget(chart.repository, options))]
    : [chart.name, '--repo', chart.repository];
  const result = await helm(['pull', ...source, '--version', chart.version, '--destination', into]);
  const file = readdirSync(into).find((f) => f.endsWith('.tgz'));
  if (result.exitCode !== 0 || !file)
    throw new ReleaseError(
      `cannot pull ${chart.name} ${chart.version} from ${chart.repository}: ${helmOutput(result)}`,
    );
  return join(into, file);
}

async function mirrorToStaticRepository(
  charts: readonly PinnedChart[],
  mirror: string,
  work: string,
  options: MirrorOptions,
  log: (line: string) => void,
): Promise<MirrorResult> {
  const outDir = options.outDir ?? join(process.cwd(), 'dist', 'mirror');
  const existing = await fetchIndex(mirror);
  const listed = (c: PinnedChart) =>
    (existing?.entries?.[c.name] ?? []).some((entry) => entry.version === c.version);
  clearChartRepository(outDir);
  const copied: PinnedChart[] = [];
  const present: PinnedChart[] = [];
  for (const chart of charts) {
    if (listed(chart)) {
      log(`present  ${chart.name} ${chart.version}`);
      present.push(chart);
      continue;
    }
    const tgz = await pullUpstream(chart, work);
    const into = join(outDir, tgz.split('/').pop() as string);
    copyFileSync(tgz, into);
    log(`copied   ${chart.name} ${chart.version} into ${outDir}`);
    copied.push(chart);
  }
  // The new index lists the old entries too, so uploading the folder over the mirror's files loses nothing.
  const args = ['repo', 'index', outDir, '--url', mirror];
  if (existing) {
    const merged = join(work, 'index.yaml');
    writeFileSync(merged, existing.raw);
    args.push('--merge', merged);
  }
  const index = await helm(args);
  if (index.exitCode !== 0) throw new ReleaseError(`helm repo index ${outDir} failed: ${helmOutput(index)}`);
  return { copied, present, outDir };
}

/** The mirror's `index.yaml` (undefined when it has none yet); an unreachable mirror is an error. */
async function fetchIndex(
  mirror: string,
): Promise<{ raw: string; entries?: Record<string, { version: string }[]> } | undefined> {
  let response: Response;
  try {
    response = await fetch(`${mirror}/index.yaml`);
  } catch (error) {
    throw new ReleaseError(`cannot reach the mirror ${mirror}: ${(error as Error).cause ?? error}`);
  }
  if (response.status === 404) return undefined;
  if (!response.ok) throw new ReleaseError(`${mirror}/index.yaml answered ${response.status}`);
  const raw = await response.text();
  return { raw, ...(parse(raw) as { entries?: Record<string, { version: string }[]> }) };
}
