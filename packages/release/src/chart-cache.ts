import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ReleaseError } from './errors.js';
import { pullUpstream } from './mirror.js';

/** Environment variable that moves the chart cache (below `--chart-cache`, above the XDG default). */
export const CHART_CACHE_ENV = 'IDSTACK_CHART_CACHE';

/**
 * Where pulled upstream charts are kept, always outside the repository: `override` (`--chart-cache`), else
 * `IDSTACK_CHART_CACHE`, else `$XDG_CACHE_HOME/idstack/charts`, else `~/.cache/idstack/charts`.
 */
export function chartCacheDir(override?: string): string {
  const chosen = override || process.env[CHART_CACHE_ENV];
  if (chosen) return resolve(chosen);
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg ? resolve(xdg) : join(homedir(), '.cache'), 'idstack', 'charts');
}

/** One upstream chart to have in the cache, at its exact pinned version, from its upstream repository. */
export interface WantedChart {
  readonly name: string;
  readonly version: string;
  /** The upstream repository (`https://` Helm repository or `oci://` prefix); the mirror replaces it when set. */
  readonly repository: string;
}

/** What the cache recorded when it first pulled a chart: a re-published package shows as another digest. */
export interface ChartRecord {
  readonly name: string;
  readonly version: string;
  /** The repository (or mirror) it was pulled from. */
  readonly source: string;
  /** sha256 of the package file, hex. */
  readonly digest: string;
}

/** A chart in the cache: its record and the package file (`<cache>/<name>/<version>/<name>-<version>.tgz`). */
export interface CachedChart extends ChartRecord {
  readonly file: string;
}

export interface EnsureChartsOptions {
  /** The cache folder ({@link chartCacheDir}). */
  readonly cacheDir: string;
  /** Pull from this mirror (stack.yaml `mirror`) instead of each chart's repository. */
  readonly mirror?: string;
  /** Pull every chart again and compare its digest with the record (`idstack fetch`). @default false */
  readonly verify?: boolean;
  /** Never use the network: only what the cache holds. @default false */
  readonly offline?: boolean;
  /**
   * Plain HTTP to an OCI `mirror` that is not on loopback (`--plain-http`); each chart's own repository is always
   * spoken to as it says. @default plain HTTP on loopback only
   */
  readonly plainHttp?: boolean;
  /** One line per chart as it is pulled, verified or found (the CLI passes it on a TTY only). */
  readonly progress?: (line: string) => void;
}

export interface EnsureChartsResult {
  /** Every chart the cache now holds for the request, by {@link chartKey}. */
  readonly charts: ReadonlyMap<string, CachedChart>;
  /** Charts pulled in this run. */
  readonly pulled: readonly CachedChart[];
  /** `verify`: charts pulled again whose package is byte-identical to the recorded one. */
  readonly verified: readonly CachedChart[];
  /** Charts neither in the cache nor pullable now, each with why. */
  readonly missing: readonly {
    readonly chart: WantedChart;
    readonly source: string;
    readonly reason: string;
  }[];
  /** `verify`: charts whose source now serves a different package than the one recorded (kept: the recorded one). */
  readonly republished: readonly {
    readonly chart: CachedChart;
    readonly source: string;
    readonly digest: string;
  }[];
}

/** `name@version`: how charts are looked up in an {@link EnsureChartsResult}. */
export const chartKey = (name: string, version: string): string => `${name}@${version}`;

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The cache entry of a chart when its package is there and matches its record; undefined otherwise. */
export function cachedChart(cacheDir: string, name: string, version: string): CachedChart | undefined {
  const dir = join(cacheDir, name, version);
  const file = join(dir, `${name}-${version}.tgz`);
  const recordFile = join(dir, 'record.json');
  if (!existsSync(file) || !existsSync(recordFile)) return undefined;
  try {
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as ChartRecord;
    if (record.name !== name || record.version !== version || sha256(file) !== record.digest)
      return undefined;
    return { ...record, file };
  } catch {
    return undefined;
  }
}

/**
 * Makes sure the cache holds every wanted chart: what it has (and matches its record) is used as is; what it lacks
 * is pulled with `helm pull` from the mirror or the chart's repository (all at once) and recorded. With `verify`,
 * charts already cached are pulled again and compared byte for byte (sha256) with the record: a different package
 * under the same version is reported and the recorded one kept. Nothing is ever written into the repository.
 */
export async function ensureCharts(
  wanted: readonly WantedChart[],
  options: EnsureChartsOptions,
): Promise<EnsureChartsResult> {
  const progress = options.progress ?? (() => {});
  const charts = new Map<string, CachedChart>();
  const pulled: CachedChart[] = [];
  const verified: CachedChart[] = [];
  const missing: { chart: WantedChart; source: string; reason: string }[] = [];
  const republished: { chart: CachedChart; source: string; digest: string }[] = [];
  const unique = [...new Map(wanted.map((c) => [chartKey(c.name, c.version), c])).values()];
  const work = mkdtempSync(join(tmpdir(), 'idstack-pull-'));
  try {
    await Promise.all(
      unique.map(async (chart) => {
        const key = chartKey(chart.name, chart.version);
        const source = options.mirror ? options.mirror.replace(/\/+$/, '') : chart.repository;
        const cached = cachedChart(options.cacheDir, chart.name, chart.version);
        if (cached && (!options.verify || options.offline)) {
          charts.set(key, cached);
          progress(`cached   ${chart.name} ${chart.version} (sha256:${cached.digest.slice(0, 12)})`);
          return;
        }
        if (options.offline) {
          missing.push({ chart, source, reason: 'not in the cache (offline)' });
          return;
        }
        let tgz: string;
        try {
          tgz = await pullUpstream(
            { ...chart, repository: source, usedBy: [] },
            work,
            options.mirror && options.plainHttp ? { plainHttp: true } : {},
          );
        } catch (error) {
          const reason = (error as Error).message.replace(/^cannot pull \S+ \S+ from \S+: /, '');
          if (cached) {
            // Verifying needs the network; the recorded package stays usable.
            charts.set(key, cached);
            progress(`cached   ${chart.name} ${chart.version} (not re-verified: ${reason.split('\n')[0]})`);
          } else missing.push({ chart, source, reason });
          return;
        }
        const digest = sha256(tgz);
        if (cached) {
          charts.set(key, cached);
          if (digest === cached.digest) {
            verified.push(cached);
            progress(
              `verified ${chart.name} ${chart.version} from ${source} (sha256:${digest.slice(0, 12)})`,
            );
          } else {
            republished.push({ chart: cached, source, digest });
            progress(`CHANGED  ${chart.name} ${chart.version}: ${source} now serves sha256:${digest}`);
          }
          return;
        }
        const entry = store(
          options.cacheDir,
          { name: chart.name, version: chart.version, source, digest },
          tgz,
        );
        charts.set(key, entry);
        pulled.push(entry);
        progress(`pulled   ${chart.name} ${chart.version} from ${source} (sha256:${digest.slice(0, 12)})`);
      }),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const byName = (a: { name: string; version: string }, b: { name: string; version: string }) =>
    a.name.localeCompare(b.name) || a.version.localeCompare(b.version);
  return {
    charts,
    pulled: pulled.sort(byName),
    verified: verified.sort(byName),
    missing: missing.sort((a, b) => byName(a.chart, b.chart)),
    republished: republished.sort((a, b) => byName(a.chart, b.chart)),
  };
}

/** Where a command takes the upstream charts from, as the user chose. */
export interface ChartSource {
  /** The cache folder (`--chart-cache`). @default {@link chartCacheDir}'s choice */
  readonly chartCache?: string;
  /** The mirror (`--mirror`, else stack.yaml `mirror`). @default each chart's own repository */
  readonly mirror?: string;
  /** Plain HTTP to that mirror (`--plain-http`). @default plain HTTP on loopback only */
  readonly plainHttp?: boolean;
  /** One line per chart (commands pass it on a TTY only). @default silent */
  readonly progress?: (line: string) => void;
}

/**
 * Every wanted chart from the cache, pulling what it lacks: what check, diff, bootstrap and release share. Throws
 * {@link ChartsUnavailableError} (every missing chart and every way out) when one cannot be had.
 */
export async function requireCharts(
  wanted: readonly WantedChart[],
  source: ChartSource,
): Promise<ReadonlyMap<string, CachedChart>> {
  const cacheDir = chartCacheDir(source.chartCache);
  const result = await ensureCharts(wanted, {
    cacheDir,
    ...(source.mirror ? { mirror: source.mirror } : {}),
    ...(source.plainHttp ? { plainHttp: true } : {}),
    ...(source.progress ? { progress: source.progress } : {}),
  });
  if (result.missing.length) throw new ChartsUnavailableError(result.missing, cacheDir);
  return result.charts;
}

/** Moves a pulled package into the cache with its record, atomically (a half-written entry never looks valid). */
function store(cacheDir: string, record: ChartRecord, tgz: string): CachedChart {
  const dir = join(cacheDir, record.name, record.version);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${record.name}-${record.version}.tgz`);
  const partial = `${file}.${process.pid}.partial`;
  copyFileSync(tgz, partial);
  renameSync(partial, file);
  const recordPartial = join(dir, `record.json.${process.pid}.partial`);
  writeFileSync(recordPartial, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(recordPartial, join(dir, 'record.json'));
  return { ...record, file };
}

/** The charts could not be had: one message that lists them and every way out. */
export class ChartsUnavailableError extends ReleaseError {
  constructor(
    readonly missing: EnsureChartsResult['missing'],
    readonly cacheDir: string,
  ) {
    super(
      [
        `${missing.length} pinned upstream chart(s) are neither in the cache nor reachable:`,
        ...missing.map(
          (m) => `  - ${m.chart.name} ${m.chart.version} from ${m.source}: ${m.reason.split('\n')[0]}`,
        ),
        'Ways out:',
        '  - connect to the network and run `idstack fetch` (or this command again): the charts are pulled once, then used offline;',
        '  - air-gapped: set `mirror: oci://<registry>/<path>` in stack.yaml (or pass --mirror) to a registry holding them (`idstack mirror` fills it);',
        `  - copy a filled cache from another machine into ${cacheDir} (or point --chart-cache / ${CHART_CACHE_ENV} at one);`,
        '  - check without the upstream charts: `idstack check --offline` (with IDSTACK_UPSTREAM=<pinned data folder> for values and CRDs); it says what it did not verify.',
      ].join('\n'),
    );
  }
}
