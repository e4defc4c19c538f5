import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckReport, checkStack, readOutput, renderApplications, rules } from '@idstack/check';
import { MANAGED_OUTPUTS, parseStack, renderStack, writeOutputs } from '@idstack/core';
import { ChartsUnavailableError, cachedChart, ensureCharts, ociTarget, pushChart } from '@idstack/release';
import { freePort, startRegistry, type TestRegistry } from '@idstack/release/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempRoot } from '../test-support.js';
import { packageStandIn, standInComponent } from './standin.js';

/**
 * The full render through the real code path: a stand-in upstream chart (our own small templates, named and
 * versioned like the pinned cert-manager) `helm package`d and pushed to a real loopback docker-registry used as the
 * `mirror`; `ensureCharts` pulls it into a chart cache with real `helm pull`; `checkStack` renders the umbrella with
 * it as Argo CD would and runs the rules. Each defect the stand-in can render must fail the check, naming it.
 */
const component = standInComponent();
let registry: TestRegistry;
let mirror: string;

beforeAll(async () => {
  registry = await startRegistry();
  mirror = `${registry.url}/charts`;
  await pushChart(ociTarget(mirror), await packageStandIn(), 'stand-in cert-manager');
});
afterAll(async () => {
  await registry?.stop();
});

/** Renders the stand-in stack with `defect` into a fresh root, fills a fresh cache from the mirror, checks it. */
async function check(defect: string): Promise<CheckReport> {
  const stack = parseStack(`mirror: ${mirror}\ncomponents:\n  standin:\n    defect: ${defect}\n`, [
    component,
  ]);
  const root = tempRoot();
  writeOutputs(root, renderStack([component], stack).files, MANAGED_OUTPUTS);
  const cacheDir = mkdtempSync(join(tmpdir(), 'idstack-cache-'));
  const { charts, missing } = await ensureCharts(component.charts, { cacheDir, mirror });
  expect(missing).toEqual([]);
  // upstream-values compares with pinned data the stand-in does not match; placeholders warn about examples.
  const selected = rules.filter((r) => !['upstream-values', 'placeholders'].includes(r.id));
  return checkStack({ root, components: [component], stack, charts }, selected);
}

const errors = (report: CheckReport, rule: string) =>
  report.findings.filter((f) => f.rule === rule && f.severity === 'error');

describe('full render with an upstream stand-in from a loopback registry (mirror)', () => {
  it('renders the umbrella with its dependency, tagged with its Application, and passes when clean', async () => {
    const report = await check('none');
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    const root = tempRoot();
    const stack = parseStack(`mirror: ${mirror}\n`, [component]);
    writeOutputs(root, renderStack([component], stack).files, MANAGED_OUTPUTS);
    const { charts } = await ensureCharts(component.charts, {
      cacheDir: mkdtempSync(join(tmpdir(), 'idstack-cache-')),
      mirror,
    });
    const render = await renderApplications({ root, output: readOutput(root), charts });
    expect(render.mode).toBe('full');
    const [app] = render.applications;
    expect(app?.application).toMatchObject({ name: 'standin', namespace: 'standin', project: 'idstack' });
    expect(
      app?.objects.map((o) => `${o.object.kind}/${(o.object.metadata as { name: string }).name}`),
    ).toEqual([
      'CustomResourceDefinition/widgets.standin.example',
      'ConfigMap/standin-settings',
      'Deployment/standin-controller',
    ]);
    expect(app?.objects[1]?.file).toBe('charts/standin/templates/settings.yaml');
    expect(app?.objects[2]?.file).toBe('charts/standin/charts/cert-manager/templates/controller.yaml');
  });

  it('fails on an object in a namespace the AppProject does not permit, naming the namespace, objects and project', async () => {
    const [hit] = errors(await check('namespace'), 'project-permissions');
    expect(hit?.message).toMatch(/namespace "elsewhere" \(Role\/secrets-reader\).*AppProject "idstack"/);
  });

  it('fails on a Helm hook Argo CD would run as a PreSync hook', async () => {
    const [hit] = errors(await check('hook'), 'drift-traps');
    expect(hit?.where).toContain('Job/standin-startup');
    expect(hit?.message).toMatch(/PreSync hook/);
  });

  it('fails on output that differs between two renders (randAlphaNum)', async () => {
    const [hit] = errors(await check('random'), 'deterministic');
    expect(hit?.where).toContain('ConfigMap/standin-seed');
  });

  it('fails on a custom resource field its CRD (from the render) lacks', async () => {
    const found = errors(await check('cr'), 'resource-schemas');
    expect(found.map((f) => f.message).join('\n')).toMatch(/colour.*CRD standin\.example\/Widget v1/);
  });

  it('fails on an image without a tag', async () => {
    const [hit] = errors(await check('latest'), 'images');
    expect(hit?.message).toMatch(/neither a tag nor a digest/);
  });
});

describe('chart cache', () => {
  it('records name, version, source and sha256, serves offline afterwards, and verifies against the record', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'idstack-cache-'));
    const first = await ensureCharts(component.charts, { cacheDir, mirror });
    const entry = cachedChart(cacheDir, 'cert-manager', 'v1.21.1');
    expect(entry).toMatchObject({ name: 'cert-manager', version: 'v1.21.1', source: mirror });
    expect(entry?.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(first.pulled).toHaveLength(1);
    const offline = await ensureCharts(component.charts, { cacheDir, offline: true });
    expect(offline.charts.get('cert-manager@v1.21.1')?.digest).toBe(entry?.digest);
    const verified = await ensureCharts(component.charts, { cacheDir, mirror, verify: true });
    expect(verified.verified).toHaveLength(1);
    expect(verified.republished).toEqual([]);
  });

  it('without network and without cache: one clear error listing the charts and the ways out (exit 1, no stack trace)', async () => {
    const closed = `oci://127.0.0.1:${await freePort()}/charts`;
    const cacheDir = mkdtempSync(join(tmpdir(), 'idstack-cache-'));
    const result = await ensureCharts(component.charts, { cacheDir, mirror: closed });
    expect(result.missing.map((m) => m.chart.name)).toEqual(['cert-manager']);
    const message = new ChartsUnavailableError(result.missing, cacheDir).message;
    for (const way of ['idstack fetch', 'mirror', cacheDir, '--offline', 'IDSTACK_UPSTREAM'])
      expect(message).toContain(way);
    // The CLI, on the real stack, from a root with nothing cached and the mirror unreachable.
    const root = tempRoot();
    await run(['build', '--root', root]);
    const cli = await run(['check', '--root', root, '--chart-cache', cacheDir, '--mirror', closed]);
    expect(cli.code).toBe(1);
    expect(cli.err).toMatch(
      /pinned upstream chart\(s\) are neither in the cache nor reachable:\n {2}- argo-cd 10\.1\.1/,
    );
    expect(cli.err).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });
});
