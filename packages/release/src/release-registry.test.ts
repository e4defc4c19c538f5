import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PublishError } from './errors.js';
import { chartInRegistry, ociTarget, pushChart } from './registry.js';
import { release } from './release.js';
import { changesetsWorkspace, tinyUmbrella } from './test-support/charts.js';
import { tempFolders } from './test-support/fixtures.js';
import { freePort, startRegistry, type TestRegistry } from './test-support/registry.js';
import { packageUpstreamStandIn } from './test-support/upstream-standin.js';

/**
 * `release` against one loopback registry, with tiny umbrella charts (no components): every test makes its own root
 * and registry path, so each runs alone and in any order. (release.test.ts releases every real component.)
 */
let registry: TestRegistry;
/** A loopback port nothing listens on: a registry that is down. */
let down: { url: string };
const temps = tempFolders('idstack-release-registry-test-');
const temp = temps.make;

beforeAll(async () => {
  registry = await startRegistry();
  down = { url: `oci://127.0.0.1:${await freePort()}` };
});

afterAll(async () => {
  await registry?.stop();
  temps.removeAll();
});

/** A root with `charts/<name>` at each version (no dependencies). */
function rootWith(charts: Record<string, string>): string {
  const root = temp();
  for (const [name, version] of Object.entries(charts)) tinyUmbrella(join(root, 'charts'), name, version);
  return root;
}

const key = (c: { name: string; version: string }) => `${c.name} ${c.version}`;

describe('release', () => {
  it('publishes each chart version the registry lacks and skips the versions it holds (per version, not per chart)', async () => {
    const root = rootWith({ alpha: '1.0.0', beta: '1.0.0' });
    const prefix = `${registry.url}/per-version`;
    const first = await release({ root, registry: prefix });
    expect(first.published.map(key)).toEqual(['alpha 1.0.0', 'beta 1.0.0']);
    expect(first.skipped).toEqual([]);
    expect(first.tags).toEqual([]);
    expect(readdirSync(join(root, 'dist', 'charts')).sort()).toEqual([
      'alpha-1.0.0.tgz',
      'beta-1.0.0.tgz',
      'index.yaml',
    ]);

    tinyUmbrella(join(root, 'charts'), 'alpha', '1.0.1');
    const lines: string[] = [];
    const second = await release({ root, registry: `${prefix}/`, log: (l) => lines.push(l) });
    expect(second.packaged.map(key)).toEqual(['alpha 1.0.1', 'beta 1.0.0']);
    expect(second.published.map(key)).toEqual(['alpha 1.0.1']);
    expect(second.skipped.map(key)).toEqual(['beta 1.0.0']);
    expect(lines.filter((l) => !l.startsWith('packaged'))).toEqual([
      `pushed   alpha 1.0.1 to ${prefix}/alpha:1.0.1`,
      `skipped  beta 1.0.0 (already in ${prefix})`,
    ]);
    const target = ociTarget(prefix);
    expect(await chartInRegistry(target, 'alpha', '1.0.1')).toBe(true);
    expect(await chartInRegistry(target, 'alpha', '1.0.0')).toBe(true);
  });

  it('stops at the first failure, naming what did reach the registry', async () => {
    // An OCI repository name is lowercase: the registry refuses `zz-Bad`, after alpha and beta went through.
    const root = rootWith({ alpha: '1.0.0', beta: '1.0.0', 'zz-Bad': '1.0.0' });
    const error = await release({ root, registry: `${registry.url}/partial` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).published).toEqual(['alpha 1.0.0', 'beta 1.0.0']);
    expect((error as PublishError).message).toMatch(
      /^cannot read oci:\/\/\S+\/partial\/zz-Bad:1\.0\.0 from the registry [^\n]*invalid[^\n]*\npublished before the failure: alpha 1\.0\.0, beta 1\.0\.0$/,
    );
  });

  it('names the chart whose push the registry refused', async () => {
    const readOnly = await startRegistry({ readOnly: true });
    try {
      const root = rootWith({ alpha: '1.0.0' });
      await expect(release({ root, registry: `${readOnly.url}/charts` })).rejects.toThrow(
        new RegExp(
          `^helm push of alpha 1\\.0\\.0 to ${readOnly.url}/charts failed: [\\s\\S]*\\nnothing was published$`,
        ),
      );
    } finally {
      await readOnly.stop();
    }
  });

  it('says nothing was published when the registry is down', async () => {
    const root = rootWith({ alpha: '1.0.0' });
    const error = await release({ root, registry: `${down.url}/charts` }).catch((e: unknown) => e);
    expect((error as PublishError).published).toEqual([]);
    expect((error as PublishError).message).toMatch(/connection refused[^\n]*\nnothing was published$/);
  });

  it('passes its options on: charts folder, dist folder, index URL, chart cache, plain HTTP', async () => {
    const root = temp();
    const chartsDir = join(root, 'elsewhere');
    // The dependency's repository is unreachable: only the chart cache can provide it.
    tinyUmbrella(chartsDir, 'app', '1.0.0', [
      { name: 'alpha', version: '1.0.0', repository: `${down.url}/none` },
    ]);
    const cacheFile = join(temp(), 'alpha-1.0.0.tgz');
    writeFileSync(cacheFile, readFileSync(await packageUpstreamStandIn('alpha', '1.0.0')));
    const distDir = join(root, 'out');
    const options = {
      root,
      chartsDir,
      distDir,
      indexUrl: 'https://charts.example/x',
      charts: new Map([['alpha@1.0.0', { file: cacheFile }]]),
    };
    await expect(release({ ...options, registry: `${registry.url}/opts`, plainHttp: false })).rejects.toThrow(
      /HTTP response to HTTPS client[\s\S]*nothing was published/,
    );
    const result = await release({ ...options, registry: `${registry.url}/opts` });
    expect(result.published.map((c) => c.file)).toEqual([join(distDir, 'app-1.0.0.tgz')]);
    const index = parse(readFileSync(join(distDir, 'index.yaml'), 'utf8')) as {
      entries: Record<string, { urls: string[] }[]>;
    };
    expect(index.entries.app?.[0]?.urls).toEqual(['https://charts.example/x/app-1.0.0.tgz']);
  });

  it('packages with plain HTTP to a loopback OCI dependency unless told otherwise', async () => {
    const deps = `${registry.url}/release-deps`;
    await pushChart(ociTarget(deps), await packageUpstreamStandIn('beta', '2.0.0'), 'beta');
    const root = temp();
    tinyUmbrella(join(root, 'charts'), 'app', '1.0.0', [
      { name: 'beta', version: '2.0.0', repository: deps },
    ]);
    await expect(release({ root, registry: `${registry.url}/deps-out`, plainHttp: false })).rejects.toThrow(
      /^charts\/app: helm dependency build failed: .*HTTP response to HTTPS client/,
    );
    const result = await release({ root, registry: `${registry.url}/deps-out` });
    expect(result.published[0]?.dependencies).toEqual([{ name: 'beta', version: '2.0.0', repository: deps }]);
  });

  it('in a changesets workspace: tags what it released, and refuses a released chart changed without a bump', async () => {
    const root = rootWith({ alpha: '1.0.0' });
    const _git = await changesetsWorkspace(root, { alpha: '@idstack/alpha' });
    const prefix = `${registry.url}/tagged`;
    const lines: string[] = [];
    const result = await release({ root, registry: prefix, tag: true, log: (l) => lines.push(l) });
    expect(result.tags).toEqual(['@idstack/alpha@1.0.0']);
    expect(lines.at(-1)).toBe('New tag: @idstack/alpha@1.0.0');

    writeFileSync(join(root, 'charts', 'alpha', 'values.yaml'), 'own: false\n');
    await expect(release({ root, registry: prefix })).rejects.toThrow(
      /^refusing to release:\n {2}charts\/alpha differs from its release @idstack\/alpha@1\.0\.0 \(values\.yaml\) but its version is still 1\.0\.0: /,
    );
    // Released under another package name, the chart has no release tag yet: nothing to compare with.
    const other = await release({
      root,
      registry: `${prefix}-other`,
      packageNames: { alpha: '@someone/alpha' },
    });
    expect(other.published.map(key)).toEqual(['alpha 1.0.0']);
  });

  it('refuses every released chart changed without a bump, one line each, only in a git work tree', async () => {
    const work = rootWith({ alpha: '1.0.0', beta: '1.0.0' });
    const git = await changesetsWorkspace(work, { alpha: '@idstack/alpha', beta: '@idstack/beta' });
    await git('tag', '@idstack/alpha@1.0.0');
    await git('tag', '@idstack/beta@1.0.0');
    // A bare repository holds the same tags but is no work tree: its folder is released unchecked.
    const bare = temp();
    await execa('git', ['clone', '-q', '--bare', work, bare]);
    for (const root of [work, bare]) {
      tinyUmbrella(join(root, 'charts'), 'alpha', '1.0.0');
      tinyUmbrella(join(root, 'charts'), 'beta', '1.0.0');
      writeFileSync(join(root, 'charts', 'alpha', 'values.yaml'), 'own: false\n');
      writeFileSync(join(root, 'charts', 'beta', 'values.yaml'), 'own: false\n');
    }
    const prefix = `${registry.url}/unchecked`;
    const refusal = await release({ root: work, registry: prefix }).catch((e: unknown) => e);
    const why = (chart: string) =>
      `charts/${chart} differs from its release @idstack/${chart}@1.0.0 (values.yaml) but its version is still 1.0.0: add a changeset for @idstack/${chart} (pnpm changeset) and run \`pnpm changeset version && pnpm build\``;
    expect((refusal as Error).message).toBe(`refusing to release:\n  ${why('alpha')}\n  ${why('beta')}`);
    expect((await release({ root: bare, registry: prefix })).published.map(key)).toEqual([
      'alpha 1.0.0',
      'beta 1.0.0',
    ]);
  });

  it('fails after publishing when `changeset tag` fails (no workspace)', async () => {
    const root = rootWith({ alpha: '1.0.0' });
    await expect(release({ root, registry: `${registry.url}/untagged`, tag: true })).rejects.toThrow(
      /^changeset tag failed: /,
    );
    expect(await chartInRegistry(ociTarget(`${registry.url}/untagged`), 'alpha', '1.0.0')).toBe(true);
  });
});
