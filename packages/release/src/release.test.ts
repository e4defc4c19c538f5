import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type Component, helm, validateStack } from '@idstack/core';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { releaseCommand } from './commands.js';
import { mirrorCharts } from './mirror.js';
import { packageCharts } from './package.js';
import { release } from './release.js';
import { allComponents, renderInto, standInChart, startStaticServer } from './test-support/fixtures.js';
import { startRegistry, type TestRegistry } from './test-support/registry.js';
import { type PinnedChart, pinnedCharts } from './upstream.js';

/**
 * The release mechanics end to end against a real OCI registry (docker-registry on loopback) and a static Helm
 * repository (a loopback HTTP server). Every upstream chart is a TEST FIXTURE stand-in (see standInChart).
 */
let registry: TestRegistry;
let web: { url: string; stop(): Promise<void> };
let webRoot: string;
let components: Component[];
let pinned: PinnedChart[];
/** The components with every upstream repository pointed at the fixture "upstream" Helm repository. */
let fromFixtureUpstream: PinnedChart[];
const temps: string[] = [];

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `idstack-release-${prefix}-`));
  temps.push(dir);
  return dir;
}

function sink() {
  let text = '';
  return {
    stream: new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    }),
    text: () => text,
  };
}

beforeAll(async () => {
  [registry, components] = await Promise.all([startRegistry(), allComponents()]);
  webRoot = temp('web');
  web = await startStaticServer(webRoot);
  pinned = pinnedCharts(components);
  const upstream = join(webRoot, 'upstream');
  mkdirSync(upstream);
  await Promise.all(pinned.map((c) => standInChart(c, upstream)));
  const index = await helm(['repo', 'index', upstream, '--url', `${web.url}/upstream`]);
  expect(index.exitCode, `${index.stderr}`).toBe(0);
  fromFixtureUpstream = pinned.map((c) => ({ ...c, repository: `${web.url}/upstream` }));
  // The mirrors the packaging tests read from, filled here so that every test stands on its own (any order, alone).
  await mirrorCharts(fromFixtureUpstream, OCI_MIRROR());
  const staticOut = temp('static-fill');
  await mirrorCharts(fromFixtureUpstream, `${web.url}/static-mirror`, { outDir: staticOut });
  mkdirSync(join(webRoot, 'static-mirror'));
  for (const f of readdirSync(staticOut)) copyFileSync(join(staticOut, f), join(webRoot, 'static-mirror', f));
  // Packs and pushes every stand-in twice over: minutes on a busy 2-core machine.
}, 300_000);

/** The OCI mirror the top-level setup fills with every pinned (stand-in) chart. */
const OCI_MIRROR = () => `${registry.url}/mirror`;

afterAll(async () => {
  await registry?.stop();
  await web?.stop();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('idstack mirror', () => {
  it('lists every pinned upstream chart of every component, at its exact version', () => {
    const declared = components.flatMap((c) => c.charts.map((d) => `${d.name}@${d.version}`));
    expect(pinned.map((c) => `${c.name}@${c.version}`).sort()).toEqual([...new Set(declared)].sort());
    for (const c of pinned) expect(c.version).toMatch(/^v?\d+\.\d+\.\d+/);
  });

  it('copies every pinned chart into an OCI mirror, then skips what is already there', async () => {
    const mirror = `${registry.url}/mirror-copy-test`;
    const first = await mirrorCharts(fromFixtureUpstream, mirror);
    expect(first.copied.map((c) => c.name)).toEqual(pinned.map((c) => c.name));
    expect(first.present).toEqual([]);
    for (const c of pinned) {
      const shown = await helm([
        'show',
        'chart',
        `${mirror}/${c.name}`,
        '--version',
        c.version,
        '--plain-http',
      ]);
      expect(shown.exitCode, `${shown.stderr}`).toBe(0);
      expect(parse(`${shown.stdout}`)).toMatchObject({ name: c.name, version: c.version });
    }
    const second = await mirrorCharts(fromFixtureUpstream, mirror);
    expect(second.copied).toEqual([]);
    expect(second.present.length).toBe(pinned.length);
  });

  it('fills a folder to upload, with a merged index.yaml, for an https (static) mirror', async () => {
    const name = 'static-mirror-fill-test';
    const mirror = `${web.url}/${name}`;
    const outDir = temp('static-out');
    const first = await mirrorCharts(fromFixtureUpstream, mirror, { outDir });
    expect(first.copied.length).toBe(pinned.length);
    const index = parse(readFileSync(join(outDir, 'index.yaml'), 'utf8')) as {
      entries: Record<string, { version: string; urls: string[] }[]>;
    };
    for (const c of pinned) {
      expect(index.entries[c.name]?.map((e) => e.version)).toContain(c.version);
      expect(existsSync(join(outDir, `${c.name}-${c.version}.tgz`))).toBe(true);
    }
    // "Upload" the folder to the static host, then a second run finds everything there.
    mkdirSync(join(webRoot, name));
    for (const f of readdirSync(outDir)) copyFileSync(join(outDir, f), join(webRoot, name, f));
    const second = await mirrorCharts(fromFixtureUpstream, mirror, { outDir: temp('static-out2') });
    expect(second.copied).toEqual([]);
    expect(second.present.length).toBe(pinned.length);
  });
});

describe('with a mirror configured', () => {
  it('points every Chart.yaml dependency at the mirror and changes nothing else', () => {
    const mirror = `${registry.url}/mirror`;
    const upstream = renderInto(components, {}).files;
    const mirrored = renderInto(components, { mirror }).files;
    expect([...mirrored.keys()].sort()).toEqual([...upstream.keys()].sort());
    const declaredRepos = new Set(components.flatMap((c) => c.charts.map((d) => d.repository)));
    const upstreamRepos = new Set([...declaredRepos].map((r) => r.replace(/\/+$/, '')));
    const changed: string[] = [];
    for (const [path, content] of mirrored) {
      const before = upstream.get(path) as string;
      if (content === before) continue;
      changed.push(path);
      if (path.endsWith('/Chart.yaml')) {
        const after = parse(content) as { dependencies: { repository: string }[] };
        const was = parse(before) as { dependencies: { repository: string }[] };
        for (const d of after.dependencies) expect(d.repository).toBe(mirror);
        // Put the upstream repositories back: then the files are equal.
        after.dependencies.forEach((d, i) => {
          d.repository = was.dependencies[i]?.repository as string;
        });
        expect(after).toEqual(was);
      } else if (path === 'cluster/apps/project.yaml') {
        // The component AppProject allows the mirror instead of the upstream repositories.
        const after = parse(content) as { spec: { sourceRepos: string[] } };
        const was = parse(before) as { spec: { sourceRepos: string[] } };
        expect(after.spec.sourceRepos).toContain(mirror);
        for (const r of after.spec.sourceRepos) expect(upstreamRepos.has(r)).toBe(false);
        expect({ ...after, spec: { ...after.spec, sourceRepos: [] } }).toEqual({
          ...was,
          spec: { ...was.spec, sourceRepos: [] },
        });
      } else if (path.endsWith('/README.md')) {
        // The README's dependency table names the repository: only those cells may differ.
        const was = before.split('\n');
        content.split('\n').forEach((line, i) => {
          const old = was[i] as string;
          if (line === old) return;
          const repo = [...declaredRepos].find((r) => old.includes(` ${r} `));
          expect(repo, `${path}: ${line}`).toBeDefined();
          expect(line).toBe(old.replace(` ${repo} `, ` ${mirror} `));
        });
      } else {
        throw new Error(`${path} changed with a mirror configured:\n${content}`);
      }
    }
    expect(changed.filter((p) => p.endsWith('/Chart.yaml')).length).toBe(components.length);
  });
});

describe('idstack release against a real OCI registry', () => {
  let root: string;
  let target: string;
  let first: Awaited<ReturnType<typeof release>>;

  beforeAll(async () => {
    root = renderInto(components, { mirror: OCI_MIRROR() }, temp('release-root')).root;
    target = `${registry.url}/charts`;
    first = await release({ root, registry: target });
  }, 300_000);

  it('publishes every chart at its package version', () => {
    expect(first.published.map((c) => c.name).sort()).toEqual(components.map((c) => c.name).sort());
    expect(first.skipped).toEqual([]);
    for (const c of first.published) {
      const component = components.find((x) => x.name === c.name) as Component;
      const pkg = JSON.parse(readFileSync(join(component.packageDir, 'package.json'), 'utf8')) as {
        version: string;
      };
      expect(c.version).toBe(pkg.version);
    }
  });

  it('publishes packages holding the umbrella’s own files and its dependencies', async () => {
    for (const c of first.published) {
      const into = temp(`pull-${c.name}`);
      const pulled = await helm([
        'pull',
        `${target}/${c.name}`,
        '--version',
        c.version,
        '--plain-http',
        '--untar',
        '--untardir',
        into,
      ]);
      expect(pulled.exitCode, `${pulled.stderr}`).toBe(0);
      const chartDir = join(root, 'charts', c.name);
      const own = listFiles(chartDir).filter((f) => f !== '.helmignore');
      expect(own).toContain('Chart.yaml');
      expect(own).toContain('values.yaml');
      for (const file of own) {
        const published = readFileSync(join(into, c.name, file), 'utf8');
        const rendered = readFileSync(join(chartDir, file), 'utf8');
        // helm package re-serialises Chart.yaml (key order); every other file is byte-identical.
        if (file === 'Chart.yaml') expect(parse(published), `${c.name}/${file}`).toEqual(parse(rendered));
        else expect(published, `${c.name}/${file}`).toBe(rendered);
      }
      // Helm 4 stores each dependency unpacked under charts/<name>/.
      expect(c.dependencies.length).toBeGreaterThan(0);
      expect(readdirSync(join(into, c.name, 'charts')).sort()).toEqual(
        c.dependencies.map((d) => d.name).sort(),
      );
      for (const d of c.dependencies) {
        const dep = parse(readFileSync(join(into, c.name, 'charts', d.name, 'Chart.yaml'), 'utf8'));
        expect(dep).toMatchObject({ name: d.name, version: d.version });
        expect(existsSync(join(into, c.name, 'charts', d.name, 'templates', 'fixture.yaml'))).toBe(true);
      }
    }
  });

  it('writes dist/charts/index.yaml listing every package with its digest', () => {
    const dist = join(root, 'dist', 'charts');
    const index = parse(readFileSync(join(dist, 'index.yaml'), 'utf8')) as {
      entries: Record<string, { version: string; digest: string; urls: string[] }[]>;
    };
    expect(Object.keys(index.entries).sort()).toEqual(components.map((c) => c.name).sort());
    for (const c of first.packaged) {
      const [entry] = index.entries[c.name] ?? [];
      const file = join(dist, `${c.name}-${c.version}.tgz`);
      expect(entry?.version).toBe(c.version);
      expect(entry?.urls).toEqual([`${c.name}-${c.version}.tgz`]);
      expect(entry?.digest).toBe(createHash('sha256').update(readFileSync(file)).digest('hex'));
      expect(c.digest).toBe(entry?.digest);
    }
  });

  it('is a no-op when run again: every version is already published', async () => {
    // Its own dist folder: packaging again must not touch what the other tests read.
    const again = await release({ root, registry: target, distDir: temp('again-dist') });
    expect(again.published).toEqual([]);
    expect(again.skipped.length).toBe(components.length);
  });

  it('publishes a bumped version of a chart the registry already holds in an older version', async () => {
    // Its own root and registry path: the shared release above stays as it was for the other tests.
    const bumpRoot = renderInto(components, { mirror: OCI_MIRROR() }, temp('bump-root')).root;
    const bumpTarget = `${registry.url}/bump`;
    await release({ root: bumpRoot, registry: bumpTarget });
    const [bumped] = components.map((c) => c.name).sort();
    const chartYaml = join(bumpRoot, 'charts', bumped as string, 'Chart.yaml');
    const chart = parse(readFileSync(chartYaml, 'utf8')) as { version: string };
    const next = chart.version.replace(/\d+$/, (patch) => String(Number(patch) + 1));
    writeFileSync(
      chartYaml,
      readFileSync(chartYaml, 'utf8').replace(`version: ${chart.version}`, `version: ${next}`),
    );
    const again = await release({ root: bumpRoot, registry: bumpTarget });
    expect(again.published.map((c) => `${c.name} ${c.version}`)).toEqual([`${bumped} ${next}`]);
    expect(again.skipped.map((c) => c.name).sort()).toEqual(
      components
        .map((c) => c.name)
        .filter((n) => n !== bumped)
        .sort(),
    );
    const shown = await helm(['show', 'chart', `${bumpTarget}/${bumped}`, '--version', next, '--plain-http']);
    expect(shown.exitCode, `${shown.stderr}`).toBe(0);
  });

  it('renders oci-mode Applications whose exact reference helm pulls from the registry and renders', async () => {
    const { files } = renderInto(components, {
      mirror: OCI_MIRROR(),
      source: { charts: 'oci', registry: target },
    });
    const project = parse(files.get('cluster/apps/project.yaml') as string) as {
      spec: { sourceRepos: string[] };
    };
    for (const c of first.published) {
      const app = parse(files.get(`cluster/apps/${c.name}.yaml`) as string) as {
        spec: { source: Record<string, unknown>; destination: { namespace: string } };
      };
      // Argo CD 3.1+'s native OCI source: nothing to register in Argo CD.
      expect(app.spec.source).toEqual({
        repoURL: `${target}/${c.name}`,
        targetRevision: c.version,
        path: '.',
        helm: { releaseName: c.name },
      });
      const { repoURL, targetRevision, path } = app.spec.source as Record<
        'repoURL' | 'targetRevision' | 'path',
        string
      >;
      // The AppProject permits exactly that repository.
      expect(project.spec.sourceRepos).toContain(repoURL);
      // What Argo CD's repo server does: pull the artifact <repoURL>:<targetRevision>, take `path`, helm template.
      const into = temp(`argo-${c.name}`);
      const pulled = await helm([
        'pull',
        repoURL,
        '--version',
        targetRevision,
        '--plain-http',
        '--untar',
        '--untardir',
        into,
      ]);
      expect(pulled.exitCode, `${pulled.stderr}`).toBe(0);
      const chartDir = join(into, c.name, path);
      expect(parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'))).toMatchObject({
        name: c.name,
        version: c.version,
      });
      const rendered = await helm([
        'template',
        c.name,
        chartDir,
        '--namespace',
        app.spec.destination.namespace,
      ]);
      expect(rendered.exitCode, `${c.name}: ${rendered.stderr}`).toBe(0);
      const objects = parseAllDocuments(`${rendered.stdout}`).map(
        (d) => d.toJS() as { metadata?: { labels?: Record<string, string> } } | null,
      );
      // The bundled dependencies render from the artifact alone (their stand-ins' ConfigMaps; conditional ones may
      // be off), nothing fetched from anywhere else.
      const standIns = objects.filter((o) => o?.metadata?.labels?.['idstack.dev/test-fixture'] === 'true');
      expect(standIns.length, c.name).toBeGreaterThan(0);
    }
  });

  it('fails clearly, publishing nothing, when the registry is down', async () => {
    const down = await startRegistry();
    await down.stop();
    const out = sink();
    const err = sink();
    const code = await releaseCommand(
      {
        root,
        stack: validateStack({}, components),
        components,
        registry: `${down.url}/charts`,
        dist: temp('down-dist'),
        // The dependencies come from the chart cache, filled from the mirror the top-level setup filled.
        mirror: OCI_MIRROR(),
        chartCache: temp('down-cache'),
      },
      { out: out.stream, err: err.stream },
    );
    expect(code).toBe(1);
    expect(err.text()).toMatch(
      /idstack release: cannot read .* from the registry 127\.0\.0\.1:\d+: .*connection refused/,
    );
    expect(err.text()).toContain('nothing was published');
    expect(out.text()).not.toMatch(/pushed|published [1-9]/);
  });

  it('fails clearly when the registry refuses the push', async () => {
    const readOnly = await startRegistry({ readOnly: true });
    try {
      await expect(
        release({ root, registry: `${readOnly.url}/charts`, distDir: temp('refused-dist') }),
      ).rejects.toThrow(
        /helm push of \S+ \S+ to oci:\/\/127\.0\.0\.1:\d+\/charts failed: [\s\S]*nothing was published/,
      );
    } finally {
      await readOnly.stop();
    }
  });
});

describe('idstack package from an https (static) mirror', () => {
  it('adds the repository and builds the dependencies from it', async () => {
    // The static mirror was filled (and "uploaded") by the top-level setup.
    const root = renderInto(components, { mirror: `${web.url}/static-mirror` }, temp('static-root')).root;
    const only = components.slice(0, 2).map((c) => c.name);
    const packaged = await packageCharts({ chartsDir: join(root, 'charts'), only });
    expect(packaged.map((c) => c.name)).toEqual([...only].sort());
    for (const c of packaged) {
      const listing = await execa('tar', ['-tzf', c.file]);
      for (const d of c.dependencies)
        expect(listing.stdout).toContain(`${c.name}/charts/${d.name}/Chart.yaml`);
    }
  });
});

describe('idstack package and a committed Chart.lock', () => {
  it('honours a lock that matches Chart.yaml, and names the chart when it does not', async () => {
    const root = renderInto(components, { mirror: OCI_MIRROR() }, temp('lock-root')).root;
    const [name] = components.map((c) => c.name).sort();
    const chartDir = join(root, 'charts', name as string);
    // (The OCI mirror was filled by the top-level setup.) A lock written by helm itself, as an operator would
    // commit it under packages/<name>/chart/, then one locked against another repository.
    const update = await helm(['dependency', 'update', chartDir, '--plain-http']);
    expect(update.exitCode, `${update.stderr}`).toBe(0);
    rmSync(join(chartDir, 'charts'), { recursive: true, force: true });
    const locked = await packageCharts({ chartsDir: join(root, 'charts'), only: [name as string] });
    expect(locked[0]?.dependencies.length).toBeGreaterThan(0);
    const lock = join(chartDir, 'Chart.lock');
    writeFileSync(
      lock,
      readFileSync(lock, 'utf8').replaceAll(`${registry.url}/mirror`, 'https://elsewhere.example'),
    );
    await expect(packageCharts({ chartsDir: join(root, 'charts'), only: [name as string] })).rejects.toThrow(
      new RegExp(`charts/${name}: helm dependency build failed: [\\s\\S]*Chart.lock`),
    );
  });
});

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listFiles(join(dir, e.name), base) : [join(dir, e.name).slice(base.length + 1)],
    )
    .sort();
}
