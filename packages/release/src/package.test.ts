import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helm } from '@idstack/core';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageCharts } from './package.js';
import { ociTarget, pushChart } from './registry.js';
import { standInRepository, tinyUmbrella } from './test-support/charts.js';
import { startStaticServer, tempFolders } from './test-support/fixtures.js';
import { startRegistry, type TestRegistry } from './test-support/registry.js';
import { packageUpstreamStandIn } from './test-support/upstream-standin.js';

let registry: TestRegistry;
let web: { url: string; stop(): Promise<void> };
/** `<web>/up`: a Helm repository with alpha 1.0.0. */
let up: string;
/** `<registry>/deps`: an OCI registry on loopback with gamma 3.0.0. */
let ociDeps: string;
let cache: Map<string, { file: string }>;
const temps = tempFolders('idstack-package-test-');
const temp = temps.make;

beforeAll(async () => {
  const webRoot = temp();
  [registry, web] = await Promise.all([startRegistry(), startStaticServer(webRoot)]);
  up = `${web.url}/up`;
  ociDeps = `${registry.url}/deps`;
  const files = await standInRepository(join(webRoot, 'up'), up, [['alpha', '1.0.0']]);
  const gamma = await packageUpstreamStandIn('gamma', '3.0.0');
  await pushChart(ociTarget(ociDeps), gamma, 'gamma');
  cache = new Map([
    ['alpha@1.0.0', { file: files.get('alpha@1.0.0') as string }],
    ['gamma@3.0.0', { file: gamma }],
  ]);
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await web?.stop();
  temps.removeAll();
});

const alpha = () => ({ name: 'alpha', version: '1.0.0', repository: up });
const gamma = () => ({ name: 'gamma', version: '3.0.0', repository: ociDeps });
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const listing = async (file: string) => (await execa('tar', ['-tzf', file])).stdout.split('\n').sort();

describe('packageCharts', () => {
  it('refuses a folder without charts, or when `only` leaves none', async () => {
    const root = temp();
    const chartsDir = join(root, 'charts');
    mkdirSync(join(chartsDir, 'not-a-chart'), { recursive: true });
    await expect(packageCharts({ chartsDir })).rejects.toThrow(
      `no charts to package in ${chartsDir} (run \`pnpm build\` first)`,
    );
    tinyUmbrella(chartsDir, 'app', '1.0.0');
    await expect(packageCharts({ chartsDir, only: ['other'] })).rejects.toThrow(/^no charts to package in /);
  });

  it('packages every chart with its dependencies from the chart cache, and indexes them', async () => {
    const root = temp();
    const chartsDir = join(root, 'charts');
    tinyUmbrella(chartsDir, 'zapp', '1.0.0', [{ ...alpha(), condition: 'alpha.enabled' }, gamma()]);
    tinyUmbrella(chartsDir, 'plain', '0.1.0');
    const outDir = join(root, 'out');
    mkdirSync(outDir);
    writeFileSync(join(outDir, 'stale-0.0.1.tgz'), 'from an earlier run');
    writeFileSync(join(outDir, 'index.yaml'), 'from an earlier run');
    // The output folder may be one of the user's (`--dist .`): only packages and the index are replaced.
    writeFileSync(join(outDir, 'notes.txt'), 'mine');
    mkdirSync(join(outDir, 'keep.tgz'));
    const lines: string[] = [];
    const packaged = await packageCharts({
      chartsDir,
      outDir,
      charts: cache,
      indexUrl: 'https://charts.example/idstack',
      log: (l) => lines.push(l),
    });
    expect(packaged).toEqual([
      {
        name: 'plain',
        version: '0.1.0',
        file: join(outDir, 'plain-0.1.0.tgz'),
        digest: expect.any(String),
        dependencies: [],
      },
      {
        name: 'zapp',
        version: '1.0.0',
        file: join(outDir, 'zapp-1.0.0.tgz'),
        digest: expect.any(String),
        dependencies: [alpha(), gamma()],
      },
    ]);
    for (const c of packaged) expect(c.digest).toBe(sha256(c.file));
    expect(readdirSync(outDir).sort()).toEqual([
      'index.yaml',
      'keep.tgz',
      'notes.txt',
      'plain-0.1.0.tgz',
      'zapp-1.0.0.tgz',
    ]);
    expect(readFileSync(join(outDir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(await listing(join(outDir, 'zapp-1.0.0.tgz'))).toEqual(
      expect.arrayContaining([
        'zapp/Chart.yaml',
        'zapp/charts/alpha/Chart.yaml',
        'zapp/charts/gamma/Chart.yaml',
      ]),
    );
    const index = parse(readFileSync(join(outDir, 'index.yaml'), 'utf8')) as {
      entries: Record<string, { urls: string[] }[]>;
    };
    expect(index.entries.zapp?.[0]?.urls).toEqual(['https://charts.example/idstack/zapp-1.0.0.tgz']);
    expect(lines).toEqual([
      `packaged plain 0.1.0 -> ${join(outDir, 'plain-0.1.0.tgz')}`,
      'copied   zapp dependencies from the chart cache (alpha 1.0.0, gamma 3.0.0)',
      `packaged zapp 1.0.0 -> ${join(outDir, 'zapp-1.0.0.tgz')}`,
    ]);
    // The rendered charts stay as they were.
    expect(existsSync(join(chartsDir, 'zapp', 'charts'))).toBe(false);
  });

  it('writes dist/charts beside the charts folder by default, with relative URLs, only the charts asked for', async () => {
    const root = temp();
    const chartsDir = join(root, 'charts');
    tinyUmbrella(chartsDir, 'one', '1.0.0');
    tinyUmbrella(chartsDir, 'two', '2.0.0');
    const packaged = await packageCharts({ chartsDir, only: ['two'] });
    expect(packaged.map((c) => c.file)).toEqual([join(root, 'dist', 'charts', 'two-2.0.0.tgz')]);
    const index = parse(readFileSync(join(root, 'dist', 'charts', 'index.yaml'), 'utf8')) as {
      entries: Record<string, { urls: string[] }[]>;
    };
    expect(Object.keys(index.entries)).toEqual(['two']);
    expect(index.entries.two?.[0]?.urls).toEqual(['two-2.0.0.tgz']);
  });

  it('names the dependencies the chart cache lacks', async () => {
    const chartsDir = join(temp(), 'charts');
    tinyUmbrella(chartsDir, 'app', '1.0.0', [alpha(), { ...alpha(), name: 'delta', version: '4.0.0' }]);
    await expect(packageCharts({ chartsDir, charts: new Map() })).rejects.toThrow(
      'charts/app: the chart cache lacks alpha 1.0.0, delta 4.0.0 (run `idstack fetch`)',
    );
  });

  it('without a chart cache, builds the dependencies from an https repository and a loopback OCI registry', async () => {
    const chartsDir = join(temp(), 'charts');
    tinyUmbrella(chartsDir, 'app', '1.0.0', [alpha(), gamma()]);
    const lines: string[] = [];
    const [packaged] = await packageCharts({ chartsDir, outDir: temp(), log: (l) => lines.push(l) });
    expect(packaged?.dependencies).toEqual([alpha(), gamma()]);
    expect(await listing(packaged?.file as string)).toEqual(
      expect.arrayContaining(['app/charts/alpha/Chart.yaml', 'app/charts/gamma/Chart.yaml']),
    );
    expect(lines[0]).toBe('built    app dependencies (alpha 1.0.0, gamma 3.0.0)');
  });

  it('names an https repository helm cannot add', async () => {
    const chartsDir = join(temp(), 'charts');
    const gone = await startStaticServer(temp());
    await gone.stop();
    tinyUmbrella(chartsDir, 'app', '1.0.0', [{ ...alpha(), repository: `${gone.url}/charts` }]);
    await expect(packageCharts({ chartsDir, outDir: temp() })).rejects.toThrow(
      new RegExp(`^cannot use the chart repository ${gone.url}/charts: .*connection refused`),
    );
  });

  it('honours a committed Chart.lock, and explains one out of sync with Chart.yaml', async () => {
    const chartsDir = join(temp(), 'charts');
    const dir = tinyUmbrella(chartsDir, 'app', '1.0.0', [alpha()]);
    const update = await helm(['dependency', 'update', dir]);
    expect(update.exitCode, `${update.stderr}`).toBe(0);
    rmSync(join(dir, 'charts'), { recursive: true, force: true });
    const lines: string[] = [];
    await packageCharts({ chartsDir, outDir: temp(), log: (l) => lines.push(l) });
    expect(lines[0]).toBe('built    app dependencies (alpha 1.0.0) from Chart.lock');
    writeFileSync(
      join(dir, 'Chart.lock'),
      readFileSync(join(dir, 'Chart.lock'), 'utf8').replace(up, 'https://elsewhere.example'),
    );
    await expect(packageCharts({ chartsDir, outDir: temp() })).rejects.toThrow(
      /^charts\/app: helm dependency build failed: [\s\S]*out of sync[\s\S]* \(the committed Chart\.lock does not match Chart\.yaml: was it locked against another repository than the mirror\? Re-lock it with `helm dependency update`\.\)$/,
    );
  });

  it.each([
    ['a loopback OCI registry when told plainHttp: false', () => ociDeps, false],
    // 0.0.0.0 reaches the same registry, but is not a loopback name: no automatic --plain-http.
    ['an OCI registry not named as loopback', () => ociDeps.replace('127.0.0.1', '0.0.0.0'), undefined],
  ])('speaks HTTPS to %s, with no hint about a lock', async (_, repository, plainHttp) => {
    const chartsDir = join(temp(), 'charts');
    tinyUmbrella(chartsDir, 'app', '1.0.0', [{ ...gamma(), repository: repository() }]);
    const error = (await packageCharts({ chartsDir, outDir: temp(), plainHttp }).catch((e) => e)) as Error;
    expect(error.message).toMatch(
      /^charts\/app: helm dependency build failed: [\s\S]*HTTP response to HTTPS client$/,
    );
  });

  it('refuses a dependency that helm dependency build did not fetch under its exact version', async () => {
    const chartsDir = join(temp(), 'charts');
    tinyUmbrella(chartsDir, 'app', '1.0.0', [{ ...alpha(), version: '~1.0.0' }]);
    await expect(packageCharts({ chartsDir, outDir: temp() })).rejects.toThrow(
      'charts/app: dependency alpha ~1.0.0 is missing after helm dependency build',
    );
  });

  it('says which chart helm could not package, and leaves no stale index or package behind', async () => {
    const chartsDir = join(temp(), 'charts');
    tinyUmbrella(chartsDir, 'bad', 'not-a-version');
    const outDir = temp();
    writeFileSync(join(outDir, 'bad-0.9.0.tgz'), 'from an earlier run');
    writeFileSync(join(outDir, 'index.yaml'), 'from an earlier run');
    await expect(packageCharts({ chartsDir, outDir })).rejects.toThrow(
      /^charts\/bad: helm package failed: .*"not-a-version" is invalid/,
    );
    expect(readdirSync(outDir)).toEqual([]);
  });

  it.each([
    {
      what: "helm could not package a chart when a folder of the user's takes the package's name",
      taken: 'app-1.0.0.tgz',
      error: () => /^charts\/app: helm package failed: .+/,
    },
    {
      what: "helm could not index the output folder when a folder of the user's is named index.yaml",
      taken: 'index.yaml',
      error: (outDir: string) => new RegExp(`^helm repo index ${outDir} failed: .+`),
    },
  ])('says $what', async ({ taken, error }) => {
    const chartsDir = join(temp(), 'charts');
    tinyUmbrella(chartsDir, 'app', '1.0.0');
    const outDir = temp();
    mkdirSync(join(outDir, taken));
    await expect(packageCharts({ chartsDir, outDir })).rejects.toThrow(error(outDir));
  });

  it('builds a file:// dependency without adding it as a helm repository, whatever its path holds', async () => {
    const root = temp();
    const chartsDir = join(root, 'charts');
    // A path holding "http://" is still a local folder (Linux reads "http://lib" as "http:/lib").
    tinyUmbrella(join(root, 'local', 'http:'), 'lib', '0.1.0');
    tinyUmbrella(chartsDir, 'app', '1.0.0', [
      { name: 'lib', version: '0.1.0', repository: `file://${join(root, 'local')}/http://lib` },
    ]);
    const [packaged] = await packageCharts({ chartsDir, outDir: temp() });
    expect(await listing(packaged?.file as string)).toEqual(
      expect.arrayContaining(['app/charts/lib/Chart.yaml']),
    );
  });

  it('packages only the chart and its dependencies, with no helm repository cache, whatever the chart is called', async () => {
    const chartsDir = join(temp(), 'charts');
    tinyUmbrella(chartsDir, 'repository-cache', '1.0.0', [alpha()]);
    const [packaged] = await packageCharts({ chartsDir, outDir: temp() });
    expect(
      (await listing(packaged?.file as string)).filter((f) => !f.startsWith('repository-cache/charts/')),
    ).toEqual([
      'repository-cache/Chart.lock',
      'repository-cache/Chart.yaml',
      'repository-cache/templates/own.yaml',
      'repository-cache/values.yaml',
    ]);
  });

  it('works in a scratch folder under TMPDIR, with its own helm repository config, and removes it', async () => {
    const root = temp();
    const scratch = join(root, 'tmp');
    mkdirSync(scratch);
    const chartsDir = join(root, 'charts');
    tinyUmbrella(chartsDir, 'app', '1.0.0', [alpha()]);
    const during: string[][] = [];
    const tmpdirBefore = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      await packageCharts({
        chartsDir,
        outDir: join(root, 'out'),
        log: () => during.push(readdirSync(scratch)),
      });
    } finally {
      if (tmpdirBefore === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdirBefore;
    }
    // While it runs (at each log line): one scratch folder of its own in TMPDIR.
    expect(during).toHaveLength(2);
    for (const entries of during) expect(entries).toEqual([expect.stringMatching(/^idstack-package-/)]);
    // Afterwards: nothing, not even a helm repositories.yaml in helm's shared config under TMPDIR.
    expect(readdirSync(scratch, { recursive: true })).toEqual([]);
  });
});
