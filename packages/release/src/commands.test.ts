import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Component, Stack } from '@idstack/core';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mirrorCommand, packageCommand, type ReleaseCommandInput, releaseCommand } from './commands.js';
import { standInRepository, tinyUmbrella } from './test-support/charts.js';
import { startStaticServer, tempFolders } from './test-support/fixtures.js';
import { freePort, startRegistry, type TestRegistry } from './test-support/registry.js';

/**
 * The package, mirror and release commands against one loopback registry and Helm repository, with a throwaway
 * component and tiny umbrella charts: every test makes its own root and registry path (any order, alone).
 */
let registry: TestRegistry;
/** A loopback port nothing listens on. */
let down: { url: string };
let web: { url: string; stop(): Promise<void> };
/** `<web>/up`: a Helm repository with alpha 1.0.0. */
let up: string;
const temps = tempFolders('idstack-commands-test-');
const temp = temps.make;

beforeAll(async () => {
  const webRoot = temp();
  [registry, web] = await Promise.all([startRegistry(), startStaticServer(webRoot)]);
  down = { url: `oci://127.0.0.1:${await freePort()}` };
  up = `${web.url}/up`;
  await standInRepository(join(webRoot, 'up'), up, [['alpha', '1.0.0']]);
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  await web?.stop();
  temps.removeAll();
});

function sink(isTTY = false) {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  Object.assign(stream, { isTTY });
  return { stream, text: () => text };
}

/** A component whose umbrella (`<root>/charts/app`) depends on alpha 1.0.0 from an unreachable repository. */
function commandInput(
  overrides: Partial<ReleaseCommandInput> & { stackMirror?: string; registry?: string } = {},
) {
  const root = temp();
  const packageDir = temp();
  writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: '@someone/app', version: '1.0.0' }));
  const repository = `${down.url}/none`;
  tinyUmbrella(join(root, 'charts'), 'app', '1.0.0', [{ name: 'alpha', version: '1.0.0', repository }]);
  const component = {
    name: 'app',
    description: 'TEST FIXTURE',
    tier: 'platform',
    namespace: 'app',
    needs: [],
    charts: [{ name: 'alpha', version: '1.0.0', repository }],
    values: () => ({}),
    packageDir,
  } as unknown as Component;
  const { stackMirror, ...rest } = overrides;
  const stack = {
    components: {},
    source: { charts: 'git', registry: 'oci://ghcr.io/example/idstack-charts' },
    ...(stackMirror ? { mirror: stackMirror } : {}),
  } as unknown as Stack;
  return { root, stack, components: [component], chartCache: temp(), ...rest } satisfies ReleaseCommandInput;
}

describe('the package, mirror and release commands', () => {
  it('package: the charts with their dependencies from the chart cache, filled from the mirror', async () => {
    const input = commandInput({ stackMirror: up });
    const out = sink();
    const err = sink(true);
    expect(await packageCommand(input, { out: out.stream, err: err.stream })).toBe(0);
    expect(out.text()).toMatch(
      /^copied {3}app dependencies from the chart cache \(alpha 1\.0\.0\)\npackaged app 1\.0\.0 -> /,
    );
    expect(out.text().split('\n').at(-2)).toBe(
      `idstack package: 1 charts and index.yaml in ${input.root}/dist/charts`,
    );
    expect(readdirSync(join(input.root, 'dist', 'charts')).sort()).toEqual(['app-1.0.0.tgz', 'index.yaml']);
    // Into the chart cache given (--chart-cache).
    expect(existsSync(join(input.chartCache, 'alpha', '1.0.0', 'record.json'))).toBe(true);
    // Progress goes to a terminal only.
    expect(err.text()).toMatch(
      new RegExp(`^pulled {3}alpha 1\\.0\\.0 from ${up} \\(sha256:[0-9a-f]{12}\\)\\n$`),
    );

    const quiet = sink();
    const dist = temp();
    const again = {
      ...input,
      mirror: up,
      stack: { ...input.stack, mirror: undefined } as unknown as Stack,
      dist,
    };
    const url = 'https://charts.example/p';
    expect(await packageCommand({ ...again, url }, { out: sink().stream, err: quiet.stream })).toBe(0);
    expect(quiet.text()).toBe('');
    const index = parse(readFileSync(join(dist, 'index.yaml'), 'utf8')) as {
      entries: Record<string, { urls: string[] }[]>;
    };
    expect(index.entries.app?.[0]?.urls).toEqual([`${url}/app-1.0.0.tgz`]);
  });

  it('package: exit 1 with the reason when a chart cannot be had, or nothing is there to package', async () => {
    const err = sink();
    expect(await packageCommand(commandInput(), { out: sink().stream, err: err.stream })).toBe(1);
    expect(err.text()).toMatch(
      /^idstack package: 1 pinned upstream chart\(s\) are neither in the cache nor reachable:\n {2}- alpha 1\.0\.0 from /,
    );
    const empty = commandInput({ stackMirror: up });
    rmSync(join(empty.root, 'charts', 'app'), { recursive: true });
    const err2 = sink();
    expect(await packageCommand(empty, { out: sink().stream, err: err2.stream })).toBe(1);
    expect(err2.text()).toBe(
      `idstack package: no charts to package in ${empty.root}/charts (run \`pnpm build\` first)\n`,
    );
    // Anything but a ReleaseError is not the command's to report.
    rmSync(join(empty.root, 'charts'), { recursive: true });
    await expect(packageCommand(empty, { out: sink().stream, err: sink().stream })).rejects.toThrow(/ENOENT/);
  });

  it('mirror: exit 2 without a mirror; copies the pinned charts, from the flag or stack.yaml', async () => {
    const input = commandInput();
    const err = sink();
    expect(await mirrorCommand(input, { out: sink().stream, err: err.stream })).toBe(2);
    expect(err.text()).toBe(
      'idstack mirror: no mirror configured: set `mirror:` in stack.yaml or pass --mirror oci://host/path\n',
    );
    const components = input.components.map((c) => ({
      ...c,
      charts: c.charts.map((d) => ({ ...d, repository: up })),
    }));
    const oci = `${registry.url}/cmd-mirror`;
    const out = sink();
    expect(
      await mirrorCommand({ ...input, components, mirror: oci }, { out: out.stream, err: sink().stream }),
    ).toBe(0);
    expect(out.text()).toBe(
      `mirrored alpha 1.0.0 from ${up}\nidstack mirror: 1 copied, 0 already in ${oci}\n`,
    );
    const again = sink();
    const fromStack = { ...input, components, stack: { ...input.stack, mirror: oci } as Stack };
    expect(await mirrorCommand(fromStack, { out: again.stream, err: sink().stream })).toBe(0);
    expect(again.text()).toBe(`present  alpha 1.0.0\nidstack mirror: 0 copied, 1 already in ${oci}\n`);
  });

  it('mirror: a static mirror says what to upload, into dist/mirror by default; a failure exits 1', async () => {
    const input = commandInput();
    const components = input.components.map((c) => ({
      ...c,
      charts: c.charts.map((d) => ({ ...d, repository: up })),
    }));
    const mirror = `${web.url}/static-cmd`;
    const out = sink();
    expect(
      await mirrorCommand({ ...input, components, mirror }, { out: out.stream, err: sink().stream }),
    ).toBe(0);
    const outDir = `${input.root}/dist/mirror`;
    expect(out.text().split('\n').at(-2)).toBe(
      `idstack mirror: 1 copied, 0 already in ${mirror}; upload ${outDir}/* to ${mirror}/`,
    );
    expect(readdirSync(outDir).sort()).toEqual(['alpha-1.0.0.tgz', 'index.yaml']);
    const dist = temp();
    expect(
      await mirrorCommand({ ...input, components, mirror, dist }, { out: sink().stream, err: sink().stream }),
    ).toBe(0);
    expect(readdirSync(dist).sort()).toEqual(['alpha-1.0.0.tgz', 'index.yaml']);
    // A static mirror that has everything: nothing to upload, so no upload hint.
    const none = sink();
    expect(
      await mirrorCommand(
        { ...input, components, mirror: up, dist: temp() },
        { out: none.stream, err: sink().stream },
      ),
    ).toBe(0);
    expect(none.text()).toBe(`present  alpha 1.0.0\nidstack mirror: 0 copied, 1 already in ${up}\n`);
    const err = sink();
    expect(
      await mirrorCommand({ ...input, mirror: `${registry.url}/m` }, { out: sink().stream, err: err.stream }),
    ).toBe(1);
    expect(err.text()).toMatch(/^idstack mirror: cannot pull alpha 1\.0\.0 from /);
  });

  it('release: exit 2 on the placeholder registry; publishes, then finds everything published', async () => {
    const input = commandInput({ mirror: up });
    const err = sink();
    expect(await releaseCommand(input, { out: sink().stream, err: err.stream })).toBe(2);
    expect(err.text()).toBe(
      'idstack release: oci://ghcr.io/example/idstack-charts is the placeholder registry: set source.registry in stack.yaml or pass --registry oci://host/path\n',
    );
    const target = `${registry.url}/cmd-release`;
    const dist = temp();
    const url = 'https://charts.example/r';
    const out = sink();
    const code = await releaseCommand(
      { ...input, registry: target, dist, url },
      { out: out.stream, err: sink().stream },
    );
    expect(code).toBe(0);
    expect(out.text().split('\n').at(-2)).toBe(
      `idstack release: published 1 (app 1.0.0), 0 already in ${target}`,
    );
    const index = parse(readFileSync(join(dist, 'index.yaml'), 'utf8')) as {
      entries: Record<string, { urls: string[] }[]>;
    };
    expect(index.entries.app?.[0]?.urls).toEqual([`${url}/app-1.0.0.tgz`]);
    const fromStack = {
      ...input,
      stack: { ...input.stack, source: { charts: 'git', registry: target } } as Stack,
    };
    const again = sink();
    expect(await releaseCommand(fromStack, { out: again.stream, err: sink().stream })).toBe(0);
    expect(again.text().split('\n').at(-2)).toBe(
      `idstack release: published 0 (none), 1 already in ${target}`,
    );
    expect(readdirSync(join(input.root, 'dist', 'charts')).sort()).toEqual(['app-1.0.0.tgz', 'index.yaml']);
  });

  it('release: names every chart it published, in order', async () => {
    const input = commandInput({ mirror: up });
    const packageDir = temp();
    writeFileSync(
      join(packageDir, 'package.json'),
      JSON.stringify({ name: '@someone/web', version: '2.0.0' }),
    );
    tinyUmbrella(join(input.root, 'charts'), 'web', '2.0.0');
    const web = {
      ...input.components[0],
      name: 'web',
      namespace: 'web',
      charts: [],
      packageDir,
    } as Component;
    const target = `${registry.url}/cmd-release-two`;
    const out = sink();
    expect(
      await releaseCommand(
        { ...input, components: [...input.components, web], registry: target },
        { out: out.stream, err: sink().stream },
      ),
    ).toBe(0);
    expect(out.text().split('\n').at(-2)).toBe(
      `idstack release: published 2 (app 1.0.0, web 2.0.0), 0 already in ${target}`,
    );
  });

  it('release: the version check knows each component by its package name', async () => {
    const input = commandInput({ mirror: up, registry: `${registry.url}/cmd-check` });
    const git = (...args: string[]) => execa('git', args, { cwd: input.root });
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'release');
    await git('tag', '@someone/app@1.0.0');
    writeFileSync(join(input.root, 'charts', 'app', 'values.yaml'), 'own: false\n');
    const err = sink();
    expect(await releaseCommand(input, { out: sink().stream, err: err.stream })).toBe(1);
    expect(err.text()).toMatch(
      /^idstack release: refusing to release:\n {2}charts\/app differs from its release @someone\/app@1\.0\.0 \(values\.yaml\)/,
    );
  });

  it('release: exit 1 with the reason (`--tag` outside a workspace)', async () => {
    const input = commandInput({ mirror: up, registry: `${registry.url}/cmd-fail` });
    const err = sink();
    expect(await releaseCommand({ ...input, tag: true }, { out: sink().stream, err: err.stream })).toBe(1);
    expect(err.text()).toMatch(/^idstack release: changeset tag failed: /);
  });
});

describe('--plain-http for a registry that is not on loopback', () => {
  // 0.0.0.0 reaches the loopback registry but is not a loopback name: helm speaks HTTPS to it unless told otherwise.
  const notLoopback = (path: string) => `oci://0.0.0.0:${registry.port}/${path}`;

  it('mirror: copies into it over plain HTTP only with the flag', async () => {
    const input = commandInput();
    const components = input.components.map((c) => ({
      ...c,
      charts: c.charts.map((d) => ({ ...d, repository: up })),
    }));
    const mirror = notLoopback('cmd-plain-mirror');
    const err = sink();
    expect(
      await mirrorCommand({ ...input, components, mirror }, { out: sink().stream, err: err.stream }),
    ).toBe(1);
    expect(err.text()).toMatch(/HTTP response to HTTPS client/);
    const out = sink();
    expect(
      await mirrorCommand(
        { ...input, components, mirror, plainHttp: true },
        { out: out.stream, err: sink().stream },
      ),
    ).toBe(0);
    expect(out.text()).toBe(
      `mirrored alpha 1.0.0 from ${up}\nidstack mirror: 1 copied, 0 already in ${mirror}\n`,
    );
  });

  it('package: pulls the pinned charts from it over plain HTTP only with the flag', async () => {
    const mirror = notLoopback('cmd-plain-pull');
    const filler = commandInput();
    const components = filler.components.map((c) => ({
      ...c,
      charts: c.charts.map((d) => ({ ...d, repository: up })),
    }));
    const io = { out: sink().stream, err: sink().stream };
    expect(await mirrorCommand({ ...filler, components, mirror, plainHttp: true }, io)).toBe(0);
    const input = commandInput({ mirror });
    const err = sink();
    expect(await packageCommand(input, { out: sink().stream, err: err.stream })).toBe(1);
    expect(err.text()).toMatch(/HTTP response to HTTPS client/);
    expect(await packageCommand({ ...input, plainHttp: true }, io)).toBe(0);
    expect(readdirSync(join(input.root, 'dist', 'charts')).sort()).toEqual(['app-1.0.0.tgz', 'index.yaml']);
  });

  it('release: publishes into it over plain HTTP with the flag, saying each step', async () => {
    const target = notLoopback('cmd-plain-release');
    const input = commandInput({ mirror: up, registry: target, plainHttp: true });
    const out = sink();
    expect(await releaseCommand(input, { out: out.stream, err: sink().stream })).toBe(0);
    expect(out.text()).toBe(
      [
        'copied   app dependencies from the chart cache (alpha 1.0.0)',
        `packaged app 1.0.0 -> ${input.root}/dist/charts/app-1.0.0.tgz`,
        `pushed   app 1.0.0 to ${target}/app:1.0.0`,
        `idstack release: published 1 (app 1.0.0), 0 already in ${target}`,
        '',
      ].join('\n'),
    );
  });
});
