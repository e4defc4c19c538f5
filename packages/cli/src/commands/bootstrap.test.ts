import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ociTarget, pushChart } from '@idstack/release';
import { packageUpstreamStandIn, startRegistry, type TestRegistry } from '@idstack/release/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run, snapshot, tempRoot } from '../test-support.js';

/**
 * Bootstrap installs from copies of the committed charts with their dependencies from the chart cache, filled from
 * a real loopback registry used as the mirror (stand-ins named and versioned like the pinned charts).
 */
let registry: TestRegistry;
let mirror: string;
const cache = mkdtempSync(join(tmpdir(), 'idstack-bootstrap-cache-'));

beforeAll(async () => {
  registry = await startRegistry();
  mirror = `${registry.url}/charts`;
  for (const [name, version] of [
    ['cilium', '1.20.0'],
    ['tetragon', '1.7.0'],
    ['argo-cd', '10.1.1'],
  ] as const)
    await pushChart(ociTarget(mirror), await packageUpstreamStandIn(name, version), `${name} stand-in`);
});
afterAll(async () => {
  await registry?.stop();
});

const bootstrap = (root: string, ...extra: string[]) =>
  run(['bootstrap', '--root', root, '--mirror', mirror, '--chart-cache', cache, ...extra]);

describe('idstack bootstrap', () => {
  afterEach(() => {
    delete process.env.IDSTACK_HELM;
  });

  it('installs the CNI, then Argo CD, from copies with cached dependencies, then the root app; charts/ untouched', async () => {
    const root = tempRoot('');
    expect((await run(['build', '--root', root])).code).toBe(0);
    const before = snapshot(root);
    const { code, out, err } = await bootstrap(root, '--dry-run');
    expect(code, err).toBe(0);
    const copies = /: (\/\S+) \(left for these commands\)/.exec(out)?.[1] as string;
    const commands = out.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(commands).toEqual([
      `helm upgrade --install cilium-tetragon ${join(copies, 'cilium-tetragon')} --namespace kube-system --create-namespace --set shellPolicy.enabled=false --set networkPolicies.enabled=false --wait --timeout 10m`,
      `helm upgrade --install argocd ${join(copies, 'argocd')} --namespace argocd --create-namespace --wait --timeout 10m`,
      `kubectl apply --server-side -f ${join(root, 'cluster/root.yaml')}`,
    ]);
    expect(readdirSync(join(copies, 'cilium-tetragon', 'charts')).sort()).toEqual([
      'cilium-1.20.0.tgz',
      'tetragon-1.7.0.tgz',
    ]);
    expect(readdirSync(join(copies, 'argocd', 'charts'))).toEqual(['argo-cd-10.1.1.tgz']);
    // Nothing fetched lands in the repository tree.
    expect(snapshot(root)).toEqual(before);
    expect(existsSync(join(root, 'charts', 'cilium-tetragon', 'charts'))).toBe(false);
  });

  it('skips a disabled bootstrap component', async () => {
    // (authentik-db protects Hubble UI by default, which needs cilium-tetragon)
    const root = tempRoot(
      'components:\n  cilium-tetragon:\n    enabled: false\n  authentik-db:\n    protect: []\n',
    );
    expect((await run(['build', '--root', root])).code).toBe(0);
    const { code, out, err } = await bootstrap(root, '--dry-run');
    expect(code, err).toBe(0);
    expect(out).not.toContain('cilium-tetragon');
    expect(out).toContain('upgrade --install argocd');
  });

  it('stops at the first failing command with exit 1 and says nothing after it ran', async () => {
    const root = tempRoot('');
    expect((await run(['build', '--root', root])).code).toBe(0);
    expect((await bootstrap(root, '--dry-run')).code).toBe(0); // fills the cache
    process.env.IDSTACK_HELM = '/bin/false';
    const { code, out, err } = await bootstrap(root);
    expect(code).toBe(1);
    expect(err).toMatch(
      /`helm upgrade --install cilium-tetragon \S+ .*` failed \(exit 1\); nothing after it ran/,
    );
    expect(out).not.toContain('upgrade --install argocd');
  });

  it('without the charts (no cache, mirror unreachable): exit 1 with the ways out, nothing run', async () => {
    const root = tempRoot('');
    expect((await run(['build', '--root', root])).code).toBe(0);
    const empty = mkdtempSync(join(tmpdir(), 'idstack-empty-cache-'));
    const { code, out, err } = await run([
      'bootstrap',
      '--root',
      root,
      '--chart-cache',
      empty,
      '--mirror',
      'oci://127.0.0.1:9/charts',
    ]);
    expect(code).toBe(1);
    expect(err).toMatch(/cilium 1\.20\.0 from oci:\/\/127\.0\.0\.1:9\/charts/);
    expect(out).toBe('');
  });
});
