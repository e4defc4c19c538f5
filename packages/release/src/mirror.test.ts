import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { mirrorCharts, pullUpstream } from './mirror.js';
import { ociTarget, pushChart } from './registry.js';
import { standInRepository } from './test-support/charts.js';
import { startStaticServer, tempFolders } from './test-support/fixtures.js';
import { startRegistry, type TestRegistry } from './test-support/registry.js';
import { packageUpstreamStandIn } from './test-support/upstream-standin.js';
import type { PinnedChart } from './upstream.js';

let registry: TestRegistry;
let web: { url: string; stop(): Promise<void> };
let failing: { url: string; stop(): Promise<void> };
let webRoot: string;
/** `<web>/up`: an https-style upstream repository with alpha 1.0.0 and beta 2.0.0. */
let up: string;
/** `<web>/up2`: another https-style upstream, with alpha 1.1.0 and beta 1.1.0. */
let up2: string;
/** `<registry>/upstream`: an OCI upstream with gamma 3.0.0. */
let ociUp: string;
const temps = tempFolders('idstack-mirror-test-');
const temp = temps.make;

const pinned = (name: string, version: string, repository: string): PinnedChart => ({
  name,
  version,
  repository,
  usedBy: ['x'],
});

beforeAll(async () => {
  webRoot = temp();
  const server = createServer((_req, res) => res.writeHead(500).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  failing = {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    stop: () => new Promise((r) => server.close(() => r())),
  };
  [registry, web] = await Promise.all([startRegistry(), startStaticServer(webRoot)]);
  up = `${web.url}/up`;
  ociUp = `${registry.url}/upstream`;
  up2 = `${web.url}/up2`;
  await standInRepository(join(webRoot, 'up'), up, [
    ['alpha', '1.0.0'],
    ['beta', '2.0.0'],
  ]);
  await standInRepository(join(webRoot, 'up2'), up2, [
    ['alpha', '1.1.0'],
    ['beta', '1.1.0'],
  ]);
  await pushChart(ociTarget(ociUp), await packageUpstreamStandIn('gamma', '3.0.0'), 'gamma');
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await web?.stop();
  await failing?.stop();
  temps.removeAll();
});

describe('pullUpstream', () => {
  it('pulls from a Helm repository and from an OCI registry (plain HTTP on loopback)', async () => {
    const dir = temp();
    const fromRepo = await pullUpstream(pinned('alpha', '1.0.0', up), dir);
    expect(fromRepo).toMatch(new RegExp(`^${dir}/pull-[^/]+/alpha-1\\.0\\.0\\.tgz$`));
    const fromOci = await pullUpstream(pinned('gamma', '3.0.0', ociUp), dir);
    expect(fromOci).toMatch(/\/gamma-3\.0\.0\.tgz$/);
    expect(fromOci).not.toBe(fromRepo);
  });

  it('says which chart could not be pulled from where, and why', async () => {
    await expect(pullUpstream(pinned('alpha', '9.9.9', up), temp())).rejects.toThrow(
      new RegExp(`^cannot pull alpha 9\\.9\\.9 from ${up}: .*alpha.*9\\.9\\.9`),
    );
    await expect(pullUpstream(pinned('nope', '1.0.0', ociUp), temp())).rejects.toThrow(
      new RegExp(`^cannot pull nope 1\\.0\\.0 from ${ociUp}: .*not found`),
    );
  });

  it('refuses a download that is not a chart package (*.tgz)', async () => {
    // A repository whose index.yaml links alpha as alpha-1.0.0.bin: helm saves that name and exits 0.
    const odd = `${web.url}/odd`;
    mkdirSync(join(webRoot, 'odd'));
    copyFileSync(join(webRoot, 'up', 'alpha-1.0.0.tgz'), join(webRoot, 'odd', 'alpha-1.0.0.bin'));
    writeFileSync(
      join(webRoot, 'odd', 'index.yaml'),
      readFileSync(join(webRoot, 'up', 'index.yaml'), 'utf8').replaceAll(
        `${up}/alpha-1.0.0.tgz`,
        `${odd}/alpha-1.0.0.bin`,
      ),
    );
    await expect(pullUpstream(pinned('alpha', '1.0.0', odd), temp())).rejects.toThrow(
      new RegExp(`^cannot pull alpha 1\\.0\\.0 from ${odd}: `),
    );
  });
});

describe('mirrorCharts', () => {
  it('refuses one chart version pinned from two repositories', async () => {
    await expect(
      mirrorCharts([pinned('alpha', '1.0.0', up), pinned('alpha', '1.0.0', ociUp)], `${registry.url}/clash`),
    ).rejects.toThrow(/^alpha 1\.0\.0 is pinned from two repositories; one mirror cannot hold both$/);
  });

  it('takes two charts that share a version number: only one chart at one version from two places clashes', async () => {
    const outDir = temp();
    const charts = [pinned('alpha', '1.1.0', up2), pinned('beta', '1.1.0', up2)];
    expect(await mirrorCharts(charts, `${web.url}/empty`, { outDir })).toEqual({
      copied: charts,
      present: [],
      outDir,
    });
  });

  it('keeps versions of one chart apart: the version a static mirror lacks is copied, the one it lists is not', async () => {
    // The mirror is `up` itself (it lists alpha 1.0.0 and beta 2.0.0); alpha 1.1.0 comes from up2.
    const outDir = temp();
    const result = await mirrorCharts([pinned('alpha', '1.0.0', up), pinned('alpha', '1.1.0', up2)], up, {
      outDir,
    });
    expect(result).toEqual({
      copied: [pinned('alpha', '1.1.0', up2)],
      present: [pinned('alpha', '1.0.0', up)],
      outDir,
    });
    const index = parse(readFileSync(join(outDir, 'index.yaml'), 'utf8')) as {
      entries: Record<string, { version: string }[]>;
    };
    expect(index.entries.alpha?.map((e) => e.version).sort()).toEqual(['1.0.0', '1.1.0']);
  });

  it('asks a static mirror for <mirror>/index.yaml once, its trailing slashes dropped', async () => {
    // A host that serves only the exact path (no folding of `//`), and notes what it was asked.
    const asked: string[] = [];
    const index = readFileSync(join(webRoot, 'up', 'index.yaml'));
    const server = createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url === '/strict/index.yaml') res.writeHead(200).end(index);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const strict = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/strict`;
    try {
      const result = await mirrorCharts([pinned('beta', '2.0.0', up)], `${strict}//`, { outDir: temp() });
      expect(result.present).toEqual([pinned('beta', '2.0.0', up)]);
      expect(asked).toEqual(['/strict/index.yaml']);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('works in its own idstack-mirror- temp folder and removes it, also after a failure', async () => {
    const tmp = temp();
    const outDirs = [temp(), temp()] as const;
    const work = () => readdirSync(tmp).filter((name) => name.startsWith('idstack-mirror-'));
    vi.stubEnv('TMPDIR', tmp);
    try {
      const during: string[][] = [];
      await mirrorCharts([pinned('beta', '2.0.0', up)], `${web.url}/empty`, {
        outDir: outDirs[0],
        log: () => during.push(work()),
      });
      expect(during).toEqual([[expect.stringMatching(/^idstack-mirror-/)]]);
      expect(work()).toEqual([]);
      await expect(
        mirrorCharts([pinned('alpha', '9.9.9', up)], `${web.url}/empty`, { outDir: outDirs[1] }),
      ).rejects.toThrow(/^cannot pull alpha 9\.9\.9/);
      expect(work()).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('says which chart an OCI mirror refused to take', async () => {
    const readOnly = await startRegistry({ readOnly: true });
    try {
      await expect(mirrorCharts([pinned('alpha', '1.0.0', up)], `${readOnly.url}/m`)).rejects.toThrow(
        new RegExp(`^helm push of alpha 1\\.0\\.0 to ${readOnly.url}/m failed: `),
      );
    } finally {
      await readOnly.stop();
    }
  });

  it('copies into an OCI mirror what it lacks, then finds it present', async () => {
    const mirror = `${registry.url}/oci-mirror`;
    const charts = [
      pinned('alpha', '1.0.0', up),
      pinned('alpha', '0.0.1', up),
      pinned('gamma', '3.0.0', ociUp),
    ];
    await expect(mirrorCharts([charts[1] as PinnedChart], mirror)).rejects.toThrow(
      /^cannot pull alpha 0\.0\.1/,
    );
    const lines: string[] = [];
    const first = await mirrorCharts([charts[0], charts[2]] as PinnedChart[], mirror, {
      log: (l) => lines.push(l),
    });
    expect(first).toEqual({ copied: [charts[0], charts[2]], present: [] });
    const again = await mirrorCharts([charts[2]] as PinnedChart[], mirror, { log: (l) => lines.push(l) });
    expect(again).toEqual({ copied: [], present: [charts[2]] });
    expect(lines).toEqual([
      `mirrored alpha 1.0.0 from ${up}`,
      `mirrored gamma 3.0.0 from ${ociUp}`,
      'present  gamma 3.0.0',
    ]);
  });

  it('speaks HTTPS to an OCI mirror when told plainHttp: false', async () => {
    await expect(
      mirrorCharts([pinned('alpha', '1.0.0', up)], `${registry.url}/https`, { plainHttp: false }),
    ).rejects.toThrow(/HTTP response to HTTPS client/);
  });

  it('fills a folder with the missing charts and a merged index.yaml for a static mirror', async () => {
    // The mirror already serves beta 2.0.0 (its own index.yaml): only alpha is copied, and the index keeps beta.
    const served = join(webRoot, 'static');
    mkdirSync(served);
    copyFileSync(join(webRoot, 'up', 'beta-2.0.0.tgz'), join(served, 'beta-2.0.0.tgz'));
    writeFileSync(
      join(served, 'index.yaml'),
      readFileSync(join(webRoot, 'up', 'index.yaml'), 'utf8').replace(
        /^ {2}alpha:\n(?: {2}- [\s\S]*?)(?=^ {2}beta:)/m,
        '',
      ),
    );
    const outDir = temp();
    writeFileSync(join(outDir, 'stale.tgz'), 'left from an earlier run');
    writeFileSync(join(outDir, 'README.md'), "the operator's own file"); // kept: only packages are replaced
    const lines: string[] = [];
    const result = await mirrorCharts(
      [pinned('alpha', '1.0.0', up), pinned('beta', '2.0.0', up)],
      `${web.url}/static//`,
      { outDir, log: (l) => lines.push(l) },
    );
    expect(result).toEqual({
      copied: [pinned('alpha', '1.0.0', up)],
      present: [pinned('beta', '2.0.0', up)],
      outDir,
    });
    expect(readdirSync(outDir).sort()).toEqual(['README.md', 'alpha-1.0.0.tgz', 'index.yaml']);
    const index = parse(readFileSync(join(outDir, 'index.yaml'), 'utf8')) as {
      entries: Record<string, { version: string; urls: string[] }[]>;
    };
    expect(Object.keys(index.entries).sort()).toEqual(['alpha', 'beta']);
    expect(index.entries.alpha?.[0]?.urls).toEqual([`${web.url}/static/alpha-1.0.0.tgz`]);
    expect(lines).toEqual([`copied   alpha 1.0.0 into ${outDir}`, 'present  beta 2.0.0']);
  });

  it('starts a static mirror’s index.yaml when it has none yet', async () => {
    const outDir = temp();
    const result = await mirrorCharts([pinned('beta', '2.0.0', up)], `${web.url}/empty`, { outDir });
    expect(result.copied.map((c) => c.name)).toEqual(['beta']);
    const index = parse(readFileSync(join(outDir, 'index.yaml'), 'utf8')) as {
      entries: Record<string, { urls: string[] }[]>;
    };
    expect(Object.keys(index.entries)).toEqual(['beta']);
    expect(index.entries.beta?.[0]?.urls).toEqual([`${web.url}/empty/beta-2.0.0.tgz`]);
  });

  it('reads a static mirror index.yaml without entries as listing nothing, and names a broken one', async () => {
    mkdirSync(join(webRoot, 'no-entries'));
    writeFileSync(join(webRoot, 'no-entries', 'index.yaml'), 'apiVersion: v1\n');
    const outDir = temp();
    const result = await mirrorCharts([pinned('beta', '2.0.0', up)], `${web.url}/no-entries`, { outDir });
    expect(result.copied.map((c) => c.name)).toEqual(['beta']);
    mkdirSync(join(webRoot, 'broken'));
    writeFileSync(join(webRoot, 'broken', 'index.yaml'), 'apiVersion: v1\nentries: 5\n');
    const broken = temp();
    await expect(
      mirrorCharts([pinned('beta', '2.0.0', up)], `${web.url}/broken`, { outDir: broken }),
    ).rejects.toThrow(new RegExp(`^helm repo index ${broken} failed: `));
  });

  it('writes to dist/mirror under the current folder by default', async () => {
    // process.chdir is not allowed in worker threads (Stryker runs vitest in them): the current folder is faked.
    const here = temp();
    const cwd = vi.spyOn(process, 'cwd').mockReturnValue(here);
    try {
      const result = await mirrorCharts([pinned('beta', '2.0.0', up)], `${web.url}/empty`);
      expect(result.outDir).toBe(join(here, 'dist', 'mirror'));
      expect(existsSync(join(here, 'dist', 'mirror', 'beta-2.0.0.tgz'))).toBe(true);
    } finally {
      cwd.mockRestore();
    }
  });

  it('fails clearly on a static mirror that is down or answers an error', async () => {
    const down = await startStaticServer(temp());
    await down.stop();
    await expect(mirrorCharts([pinned('beta', '2.0.0', up)], down.url, { outDir: temp() })).rejects.toThrow(
      new RegExp(`^cannot reach the mirror ${down.url}: .*ECONNREFUSED`),
    );
    await expect(
      mirrorCharts([pinned('beta', '2.0.0', up)], failing.url, { outDir: temp() }),
    ).rejects.toThrow(new RegExp(`^${failing.url}/index\\.yaml answered 500$`));
  });
});
