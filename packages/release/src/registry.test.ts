import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chartInRegistry,
  isLoopback,
  ociTarget,
  plainHttpFlag,
  pushChart,
  withRegistryLogin,
} from './registry.js';
import { standInChart } from './test-support/fixtures.js';
import { freePort, startRegistry, TEST_REGISTRY_LOGIN, type TestRegistry } from './test-support/registry.js';

describe('ociTarget', () => {
  it.each([
    ['oci://ghcr.io/you/charts', { prefix: 'oci://ghcr.io/you/charts', host: 'ghcr.io', plainHttp: false }],
    ['oci://ghcr.io', { prefix: 'oci://ghcr.io', host: 'ghcr.io', plainHttp: false }],
    [
      ' oci://r.example:5000/a/b// ',
      { prefix: 'oci://r.example:5000/a/b', host: 'r.example:5000', plainHttp: false },
    ],
    [
      'oci://127.0.0.1:5000/charts',
      { prefix: 'oci://127.0.0.1:5000/charts', host: '127.0.0.1:5000', plainHttp: true },
    ],
    ['oci://localhost/charts', { prefix: 'oci://localhost/charts', host: 'localhost', plainHttp: true }],
  ])('%s', (prefix, expected) => {
    expect(ociTarget(prefix)).toEqual(expected);
  });

  it('takes plainHttp when given, either way', () => {
    expect(ociTarget('oci://ghcr.io/x', { plainHttp: true }).plainHttp).toBe(true);
    expect(ociTarget('oci://127.0.0.1/x', { plainHttp: false }).plainHttp).toBe(false);
  });

  it.each(['https://ghcr.io/x', 'oci://', 'oci:///x', 'oci://host/a b', 'xoci://host/x', 'ghcr.io/x'])(
    'refuses %j, saying what a prefix looks like',
    (prefix) => {
      expect(() => ociTarget(prefix)).toThrow(
        `"${prefix}" is not an OCI registry prefix (oci://host[:port]/path)`,
      );
    },
  );
});

describe('isLoopback', () => {
  it.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1', true],
    ['127.10.200.3:80', true],
    ['[::1]', true],
    ['[::1]:5000', true],
    ['[::2]:5000', false],
    ['127.0.0', false],
    ['127.0.0.1.5', false],
    ['127.0.0.1234', false],
    ['a127.0.0.1', false],
    ['128.0.0.1', false],
    ['localhost.example', false],
    ['ghcr.io', false],
  ])('%s: %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });

  it('gives --plain-http exactly to plain-HTTP targets', () => {
    expect(plainHttpFlag(ociTarget('oci://127.0.0.1:1/x'))).toEqual(['--plain-http']);
    expect(plainHttpFlag(ociTarget('oci://ghcr.io/x'))).toEqual([]);
  });
});

describe('against a real registry', () => {
  let registry: TestRegistry;
  /** A loopback port nothing listens on: a registry that is down. */
  let down: { url: string; port: number };
  let work: string;
  let tgz: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'idstack-registry-unit-'));
    [registry, tgz] = await Promise.all([
      startRegistry(),
      standInChart({ name: 'demo', version: '1.2.3' }, work),
    ]);
    const port = await freePort();
    down = { url: `oci://127.0.0.1:${port}`, port };
  });

  afterAll(async () => {
    await registry?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('reads a chart version as absent until it is pushed, and per version', async () => {
    const target = ociTarget(`${registry.url}/present`);
    expect(await chartInRegistry(target, 'demo', '1.2.3')).toBe(false);
    const digest = await pushChart(target, tgz, 'demo 1.2.3');
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await chartInRegistry(target, 'demo', '1.2.3')).toBe(true);
    expect(await chartInRegistry(target, 'demo', '1.2.4')).toBe(false);
    expect(await chartInRegistry(target, 'other', '1.2.3')).toBe(false);
  });

  it('reads only helm’s not-found line as "absent": a version it cannot parse is an error, whatever text it holds', async () => {
    const target = ociTarget(`${registry.url}/constraint`);
    await pushChart(target, tgz, 'demo 1.2.3');
    for (const version of ['latest', '1.2.3: not found here', '1.2.3: not found:x'])
      await expect(chartInRegistry(target, 'demo', version)).rejects.toThrow(
        `from the registry 127.0.0.1:${registry.port}: Error: improper constraint: ${version}`,
      );
  });

  it('never reads an unreachable registry as "absent"', async () => {
    const target = ociTarget(`${down.url}/charts`);
    await expect(chartInRegistry(target, 'demo', '1.2.3')).rejects.toThrow(
      new RegExp(
        `^cannot read ${down.url}/charts/demo:1\\.2\\.3 from the registry 127\\.0\\.0\\.1:${down.port}: .*connection refused`,
      ),
    );
  });

  it('speaks HTTPS unless the target is plain HTTP (a loopback registry forced to HTTPS fails)', async () => {
    const target = ociTarget(`${registry.url}/https`, { plainHttp: false });
    await expect(chartInRegistry(target, 'demo', '1.2.3')).rejects.toThrow(
      /^cannot read .*HTTP response to HTTPS client/,
    );
    await expect(pushChart(target, tgz, 'demo 1.2.3')).rejects.toThrow(
      new RegExp(
        `^helm push of demo 1\\.2\\.3 to ${registry.url}/https failed: .*HTTP response to HTTPS client`,
      ),
    );
  });

  it('says which push failed and why', async () => {
    await expect(pushChart(ociTarget(`${down.url}/charts`), tgz, 'demo 1.2.3')).rejects.toThrow(
      new RegExp(`^helm push of demo 1\\.2\\.3 to ${down.url}/charts failed: .*connection refused`),
    );
  });

  describe('withRegistryLogin', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const key of ['IDSTACK_REGISTRY_USERNAME', 'IDSTACK_REGISTRY_PASSWORD', 'HELM_REGISTRY_CONFIG'])
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
    });

    it.each([
      ['neither', undefined, undefined],
      ['only a username', 'me', undefined],
      ['only a password', undefined, 'secret'],
    ])(
      'without credentials (%s) runs as is, with the caller’s registry config',
      async (_l, user, password) => {
        delete process.env.IDSTACK_REGISTRY_USERNAME;
        delete process.env.IDSTACK_REGISTRY_PASSWORD;
        if (user) process.env.IDSTACK_REGISTRY_USERNAME = user;
        if (password) process.env.IDSTACK_REGISTRY_PASSWORD = password;
        process.env.HELM_REGISTRY_CONFIG = '/callers/config.json';
        const seen = await withRegistryLogin(
          ociTarget(`${down.url}/x`),
          async () => process.env.HELM_REGISTRY_CONFIG,
        );
        expect(seen).toBe('/callers/config.json');
      },
    );

    it.each([
      ['no registry config before', undefined],
      ['a registry config before', '/callers/config.json'],
    ])(
      'with credentials logs in to a private registry config, removed afterwards (%s)',
      async (_l, before) => {
        process.env.IDSTACK_REGISTRY_USERNAME = 'me';
        process.env.IDSTACK_REGISTRY_PASSWORD = 'secret';
        if (before) process.env.HELM_REGISTRY_CONFIG = before;
        else delete process.env.HELM_REGISTRY_CONFIG;
        const seen = await withRegistryLogin(ociTarget(`${registry.url}/x`), async () => {
          const config = process.env.HELM_REGISTRY_CONFIG as string;
          return { config, exists: existsSync(config) };
        });
        expect(seen.config).toMatch(/idstack-registry-[^/]+\/config\.json$/);
        expect(seen.exists).toBe(true);
        expect(existsSync(join(seen.config, '..'))).toBe(false);
        expect(process.env.HELM_REGISTRY_CONFIG).toBe(before);
      },
    );

    it('logs in to a registry that requires it, and names the registry that refuses the credentials', async () => {
      const secured = await startRegistry({ auth: true });
      try {
        const target = ociTarget(`${secured.url}/charts`);
        process.env.IDSTACK_REGISTRY_USERNAME = TEST_REGISTRY_LOGIN.username;
        process.env.IDSTACK_REGISTRY_PASSWORD = TEST_REGISTRY_LOGIN.password;
        delete process.env.HELM_REGISTRY_CONFIG;
        expect(
          await withRegistryLogin(target, async () => {
            await pushChart(target, tgz, 'demo 1.2.3');
            return chartInRegistry(target, 'demo', '1.2.3');
          }),
        ).toBe(true);
        process.env.IDSTACK_REGISTRY_PASSWORD = 'wrong';
        await expect(withRegistryLogin(target, async () => true)).rejects.toThrow(
          new RegExp(`^helm registry login 127\\.0\\.0\\.1:${secured.port} failed: .*401: unauthorized`),
        );
      } finally {
        await secured.stop();
      }
    });

    it('fails clearly when the login fails, and still restores the registry config', async () => {
      process.env.IDSTACK_REGISTRY_USERNAME = 'me';
      process.env.IDSTACK_REGISTRY_PASSWORD = 'secret';
      delete process.env.HELM_REGISTRY_CONFIG;
      let ran = false;
      await expect(
        withRegistryLogin(ociTarget(`${down.url}/x`), async () => {
          ran = true;
        }),
      ).rejects.toThrow(
        new RegExp(`^helm registry login 127\\.0\\.0\\.1:${down.port} failed: .*connection refused`),
      );
      expect(ran).toBe(false);
      expect(process.env.HELM_REGISTRY_CONFIG).toBeUndefined();
    });
  });
});
