import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { helm } from '@idstack/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CachedChart,
  CHART_CACHE_ENV,
  ChartsUnavailableError,
  cachedChart,
  chartCacheDir,
  chartKey,
  type EnsureChartsResult,
  ensureCharts,
  requireCharts,
} from './chart-cache.js';
import { pullUpstream } from './mirror.js';
import { startStaticServer, tempFolders } from './test-support/fixtures.js';
import { packageUpstreamStandIn } from './test-support/upstream-standin.js';

const temps = tempFolders('idstack-chart-cache-test-');
const temp = temps.make;
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('chartCacheDir', () => {
  const saved = { env: process.env[CHART_CACHE_ENV], xdg: process.env.XDG_CACHE_HOME };
  afterEach(() => {
    for (const [key, value] of [
      [CHART_CACHE_ENV, saved.env],
      ['XDG_CACHE_HOME', saved.xdg],
    ] as const)
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  });

  it.each([
    ['the flag first', 'flag', 'env', 'xdg', resolve('flag')],
    ['then IDSTACK_CHART_CACHE', '', 'env', 'xdg', resolve('env')],
    [
      'then $XDG_CACHE_HOME/idstack/charts',
      undefined,
      undefined,
      'xdg',
      join(resolve('xdg'), 'idstack', 'charts'),
    ],
    ['else ~/.cache/idstack/charts', undefined, '', '', join(homedir(), '.cache', 'idstack', 'charts')],
  ])('%s', (_label, flag, env, xdg, expected) => {
    expect(CHART_CACHE_ENV).toBe('IDSTACK_CHART_CACHE');
    if (env === undefined) delete process.env[CHART_CACHE_ENV];
    else process.env[CHART_CACHE_ENV] = env;
    process.env.XDG_CACHE_HOME = xdg;
    expect(chartCacheDir(flag)).toBe(expected);
  });
});

describe('cachedChart', () => {
  function entry(record: unknown, content = 'package') {
    const cache = temp();
    const dir = join(cache, 'demo', '1.0.0');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'demo-1.0.0.tgz'), content);
    if (record !== undefined)
      writeFileSync(join(dir, 'record.json'), typeof record === 'string' ? record : JSON.stringify(record));
    return { cache, file: join(dir, 'demo-1.0.0.tgz') };
  }
  const digest = createHash('sha256').update('package').digest('hex');
  const good = { name: 'demo', version: '1.0.0', source: 'https://charts.example', digest };

  it('is the record and the package when they match', () => {
    const { cache, file } = entry(good);
    expect(cachedChart(cache, 'demo', '1.0.0')).toEqual({ ...good, file });
  });

  it.each([
    ['no record', undefined],
    ['a record of another chart', { ...good, name: 'other' }],
    ['a record of another version', { ...good, version: '1.0.1' }],
    ['a package that is not the recorded one', { ...good, digest: 'f'.repeat(64) }],
    ['a record that is not JSON', '{"name": '],
  ])('is undefined with %s', (_label, record) => {
    const { cache } = entry(record);
    expect(cachedChart(cache, 'demo', '1.0.0')).toBeUndefined();
  });

  it('is undefined without the package, or for a chart never cached', () => {
    const { cache, file } = entry(good);
    expect(cachedChart(cache, 'demo', '2.0.0')).toBeUndefined();
    rmSync(file);
    expect(cachedChart(cache, 'demo', '1.0.0')).toBeUndefined();
  });
});

describe('ensureCharts and requireCharts against a Helm repository', () => {
  let web: { url: string; stop(): Promise<void> };
  let down: { url: string; stop(): Promise<void> };
  let webRoot: string;
  /** `<web>/up`: the upstream repository; `<web>/changed`: alpha 1.0.0 and beta 2.0.0 re-published with other content. */
  let up: string;
  let changed: string;
  const digests = new Map<string, string>();

  async function repository(folder: string, charts: [string, string, Record<string, string>?][]) {
    mkdirSync(join(webRoot, folder));
    for (const [name, version, templates] of charts) {
      const tgz = await packageUpstreamStandIn(name, version, templates);
      copyFileSync(tgz, join(webRoot, folder, `${name}-${version}.tgz`));
      if (folder === 'up') digests.set(chartKey(name, version), sha256(tgz));
    }
    const index = await helm(['repo', 'index', join(webRoot, folder), '--url', `${web.url}/${folder}`]);
    expect(index.exitCode, `${index.stderr}`).toBe(0);
  }

  beforeAll(async () => {
    webRoot = temp();
    [web, down] = await Promise.all([startStaticServer(webRoot), startStaticServer(temp())]);
    await down.stop();
    up = `${web.url}/up`;
    changed = `${web.url}/changed`;
    await Promise.all([
      repository('up', [
        ['alpha', '1.0.0'],
        ['alpha', '0.9.0'],
        ['beta', '2.0.0'],
      ]),
      repository('changed', [
        ['alpha', '1.0.0', { 'extra.yaml': '# re-published\n' }],
        ['beta', '2.0.0', { 'extra.yaml': '# re-published\n' }],
      ]),
    ]);
  }, 120_000);

  afterAll(async () => {
    await web?.stop();
    temps.removeAll();
  });

  const want = (name: string, version: string, repository = up) => ({ name, version, repository });
  const short = (key: string) => digests.get(key)?.slice(0, 12);

  it('pulls each wanted chart once, records it, and reports it sorted', async () => {
    const cacheDir = temp();
    const lines: string[] = [];
    const result = await ensureCharts(
      [want('beta', '2.0.0'), want('alpha', '1.0.0'), want('alpha', '1.0.0'), want('alpha', '0.9.0')],
      { cacheDir, progress: (l) => lines.push(l) },
    );
    expect(result.pulled.map((c) => chartKey(c.name, c.version))).toEqual([
      'alpha@0.9.0',
      'alpha@1.0.0',
      'beta@2.0.0',
    ]);
    expect([...result.charts.keys()].sort()).toEqual(['alpha@0.9.0', 'alpha@1.0.0', 'beta@2.0.0']);
    expect(result.verified).toEqual([]);
    expect(result.missing).toEqual([]);
    expect(result.republished).toEqual([]);
    const alpha = result.charts.get('alpha@1.0.0') as CachedChart;
    const record = { name: 'alpha', version: '1.0.0', source: up, digest: digests.get('alpha@1.0.0') };
    expect(alpha).toEqual({ ...record, file: join(cacheDir, 'alpha', '1.0.0', 'alpha-1.0.0.tgz') });
    expect(sha256(alpha.file)).toBe(record.digest);
    expect(readFileSync(join(cacheDir, 'alpha', '1.0.0', 'record.json'), 'utf8')).toBe(
      `${JSON.stringify(record, null, 2)}\n`,
    );
    expect(cachedChart(cacheDir, 'alpha', '1.0.0')).toEqual(alpha);
    // Online, without verify, what the cache holds is used as is: nothing pulled, nothing verified.
    const again: string[] = [];
    const cached = await ensureCharts([want('alpha', '1.0.0')], { cacheDir, progress: (l) => again.push(l) });
    expect(cached.charts.get('alpha@1.0.0')).toEqual(alpha);
    expect([cached.pulled, cached.verified]).toEqual([[], []]);
    expect(again).toEqual([`cached   alpha 1.0.0 (sha256:${short('alpha@1.0.0')})`]);
    expect(lines.sort()).toEqual([
      `pulled   alpha 0.9.0 from ${up} (sha256:${short('alpha@0.9.0')})`,
      `pulled   alpha 1.0.0 from ${up} (sha256:${short('alpha@1.0.0')})`,
      `pulled   beta 2.0.0 from ${up} (sha256:${short('beta@2.0.0')})`,
    ]);
  });

  it('uses what the cache holds without the network, and names what it lacks offline', async () => {
    const cacheDir = temp();
    await ensureCharts([want('alpha', '1.0.0')], { cacheDir });
    const lines: string[] = [];
    const result = await ensureCharts(
      [
        want('zed', '1.0.0'),
        want('alpha', '1.0.0', `${down.url}/gone`),
        want('beta', '2.0.0', `${down.url}/gone`),
      ],
      {
        cacheDir,
        offline: true,
        verify: true,
        mirror: `${down.url}/mirror//`,
        progress: (l) => lines.push(l),
      },
    );
    expect([...result.charts.keys()]).toEqual(['alpha@1.0.0']);
    expect(result.pulled).toEqual([]);
    expect(result.verified).toEqual([]);
    expect(result.missing).toEqual([
      {
        chart: want('beta', '2.0.0', `${down.url}/gone`),
        source: `${down.url}/mirror`,
        reason: 'not in the cache (offline)',
      },
      { chart: want('zed', '1.0.0'), source: `${down.url}/mirror`, reason: 'not in the cache (offline)' },
    ]);
    expect(lines).toEqual([`cached   alpha 1.0.0 (sha256:${short('alpha@1.0.0')})`]);
  });

  it('pulls from the mirror instead of each chart’s repository', async () => {
    const cacheDir = temp();
    const result = await ensureCharts([want('beta', '2.0.0', `${down.url}/unreachable`)], {
      cacheDir,
      mirror: `${up}/`,
    });
    expect(result.pulled.map((c) => c.source)).toEqual([up]);
  });

  it('verifies cached charts against their source: identical, re-published, or unreachable', async () => {
    const cacheDir = temp();
    await ensureCharts([want('alpha', '1.0.0'), want('alpha', '0.9.0'), want('beta', '2.0.0')], { cacheDir });
    const same: string[] = [];
    const identical = await ensureCharts([want('beta', '2.0.0'), want('alpha', '0.9.0')], {
      cacheDir,
      verify: true,
      progress: (l) => same.push(l),
    });
    expect(identical.verified.map((c) => chartKey(c.name, c.version))).toEqual(['alpha@0.9.0', 'beta@2.0.0']);
    expect(identical.pulled).toEqual([]);
    expect(same.sort()).toEqual([
      `verified alpha 0.9.0 from ${up} (sha256:${short('alpha@0.9.0')})`,
      `verified beta 2.0.0 from ${up} (sha256:${short('beta@2.0.0')})`,
    ]);

    const lines: string[] = [];
    const republished = await ensureCharts([want('alpha', '1.0.0', changed)], {
      cacheDir,
      verify: true,
      progress: (l) => lines.push(l),
    });
    const kept = cachedChart(cacheDir, 'alpha', '1.0.0') as CachedChart;
    expect(kept.digest).toBe(digests.get('alpha@1.0.0'));
    expect(republished.charts.get('alpha@1.0.0')).toEqual(kept);
    expect(republished.verified).toEqual([]);
    expect(republished.pulled).toEqual([]);
    const now = sha256(join(webRoot, 'changed', 'alpha-1.0.0.tgz'));
    expect(now).not.toBe(kept.digest);
    expect(republished.republished).toEqual([{ chart: kept, source: changed, digest: now }]);
    expect(lines).toEqual([`CHANGED  alpha 1.0.0: ${changed} now serves sha256:${now}`]);

    const offline: string[] = [];
    const unreachable = await ensureCharts([want('alpha', '1.0.0', `${down.url}/x`)], {
      cacheDir,
      verify: true,
      progress: (l) => offline.push(l),
    });
    expect(unreachable.charts.get('alpha@1.0.0')).toEqual(kept);
    expect(unreachable.missing).toEqual([]);
    expect(offline).toHaveLength(1);
    expect(offline[0]).toMatch(
      /^cached {3}alpha 1\.0\.0 \(not re-verified: (?!cannot pull)[^\n]*connection refused[^\n]*\)$/,
    );
  });

  // alpha's source answers only once beta has been reported: alpha's pull ends last, so only a sort puts it first.
  it.each([
    {
      what: 're-published',
      path: 'changed',
      line: 'CHANGED  ',
      reported: (r: EnsureChartsResult) => r.republished.map((c) => [c.chart.name, c.source]),
      // A re-published chart is reported with the source that now serves other content.
      sources: (late: string) => [`${late}/changed`, changed],
    },
    {
      what: 'verified',
      path: 'up',
      line: 'verified ',
      reported: (r: EnsureChartsResult) => r.verified.map((c) => [c.name, c.source]),
      // A verified chart keeps its record, source included.
      sources: () => [up, up],
    },
  ])(
    'reports $what charts sorted by name, whatever order their pulls end in',
    async ({ path, line, reported, sources }) => {
      const cacheDir = temp();
      await ensureCharts([want('alpha', '1.0.0'), want('beta', '2.0.0')], { cacheDir });
      let betaReported = () => {};
      const gate = new Promise<void>((r) => {
        betaReported = r;
      });
      const late = await startStaticServer(webRoot, () => gate);
      try {
        const lines: string[] = [];
        const result = await ensureCharts(
          [want('alpha', '1.0.0', `${late.url}/${path}`), want('beta', '2.0.0', `${web.url}/${path}`)],
          {
            cacheDir,
            verify: true,
            progress: (l) => {
              lines.push(l);
              if (l.startsWith(`${line}beta`)) betaReported();
            },
          },
        );
        expect(lines.map((l) => l.split(/:| from /)[0])).toEqual([`${line}beta 2.0.0`, `${line}alpha 1.0.0`]);
        const [alphaSource, betaSource] = sources(late.url);
        expect(reported(result)).toEqual([
          ['alpha', alphaSource],
          ['beta', betaSource],
        ]);
      } finally {
        betaReported();
        await late.stop();
      }
    },
  );

  it('pulls in a folder of its own inside the system temporary folder, and removes it', async () => {
    const cacheDir = temp();
    const parent = temp();
    const tmp = join(parent, 'tmp');
    mkdirSync(tmp);
    const pullFolders = () => readdirSync(tmp).filter((f) => f.startsWith('idstack-pull-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    const during: string[][] = [];
    try {
      const result = await ensureCharts([want('beta', '2.0.0'), want('alpha', '1.0.0')], {
        cacheDir,
        progress: () => during.push(pullFolders()),
      });
      expect(result.pulled).toHaveLength(2);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(during).toHaveLength(2);
    expect(during[0]).toHaveLength(1);
    expect(during[1]).toEqual(during[0]);
    expect(readdirSync(parent)).toEqual(['tmp']);
    expect(pullFolders()).toEqual([]);
  });

  it('reports why a chart cannot be pulled: the pull error without its "cannot pull" preamble', async () => {
    const cacheDir = temp();
    const chart = want('nope', '9.9.9');
    const result = await ensureCharts([chart], { cacheDir });
    const pull = await pullUpstream({ ...chart, usedBy: [] }, temp()).catch((e: Error) => e.message);
    expect(result.missing).toHaveLength(1);
    expect(pull).toBe(`cannot pull nope 9.9.9 from ${up}: ${result.missing[0]?.reason}`);
  });

  it('requireCharts: every chart, or one error naming each missing chart and every way out', async () => {
    const chartCache = temp();
    const lines: string[] = [];
    const charts = await requireCharts([want('beta', '2.0.0', `${down.url}/x`)], {
      chartCache,
      mirror: up,
      progress: (l) => lines.push(l),
    });
    expect([...charts.keys()]).toEqual(['beta@2.0.0']);
    expect(lines).toEqual([`pulled   beta 2.0.0 from ${up} (sha256:${short('beta@2.0.0')})`]);

    const error = await requireCharts(
      [
        want('beta', '2.0.0', `${down.url}/x`),
        want('nope', '9.9.9'),
        want('alpha', '1.0.0', `${down.url}/x`),
      ],
      { chartCache },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChartsUnavailableError);
    const { missing, cacheDir, message } = error as ChartsUnavailableError;
    expect(cacheDir).toBe(chartCache);
    expect(missing.map((m) => [m.chart.name, m.source])).toEqual([
      ['alpha', `${down.url}/x`],
      ['nope', up],
    ]);
    expect(missing[0]?.reason).toMatch(/^(?!cannot pull)[\s\S]*connection refused/);
    const lines2 = message.split('\n');
    expect(lines2[0]).toBe('2 pinned upstream chart(s) are neither in the cache nor reachable:');
    expect(lines2[1]).toMatch(
      new RegExp(`^ {2}- alpha 1\\.0\\.0 from ${down.url}/x: [^\\n]*connection refused`),
    );
    expect(lines2[2]).toMatch(new RegExp(`^ {2}- nope 9\\.9\\.9 from ${up}: \\S`));
    expect(lines2.slice(3)).toEqual([
      'Ways out:',
      '  - connect to the network and run `idstack fetch` (or this command again): the charts are pulled once, then used offline;',
      '  - air-gapped: set `mirror: oci://<registry>/<path>` in stack.yaml (or pass --mirror) to a registry holding them (`idstack mirror` fills it);',
      `  - copy a filled cache from another machine into ${chartCache} (or point --chart-cache / IDSTACK_CHART_CACHE at one);`,
      '  - check without the upstream charts: `idstack check --offline` (with IDSTACK_UPSTREAM=<pinned data folder> for values and CRDs); it says what it did not verify.',
    ]);
  });

  it('ChartsUnavailableError shows the first line of each reason', () => {
    const error = new ChartsUnavailableError(
      [{ chart: want('a', '1.0.0'), source: 'https://x.example', reason: 'first line\nsecond line' }],
      '/cache',
    );
    expect(error.message.split('\n').slice(0, 3)).toEqual([
      '1 pinned upstream chart(s) are neither in the cache nor reachable:',
      '  - a 1.0.0 from https://x.example: first line',
      'Ways out:',
    ]);
  });

  it('requireCharts takes the cache folder from chartCacheDir when no flag is given', async () => {
    const saved = process.env[CHART_CACHE_ENV];
    const chartCache = temp();
    process.env[CHART_CACHE_ENV] = chartCache;
    try {
      const charts = await requireCharts([want('beta', '2.0.0')], {});
      expect(charts.get('beta@2.0.0')?.file).toBe(join(chartCache, 'beta', '2.0.0', 'beta-2.0.0.tgz'));
    } finally {
      if (saved === undefined) delete process.env[CHART_CACHE_ENV];
      else process.env[CHART_CACHE_ENV] = saved;
    }
  });
});
