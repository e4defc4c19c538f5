import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiffResult } from '@idstack/diff';
import { cachedChart, ociTarget, pushChart } from '@idstack/release';
import { freePort, packageUpstreamStandIn, startRegistry, type TestRegistry } from '@idstack/release/testing';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { components } from '../components.js';
import { renderRoot, run, snapshot } from '../test-support.js';

/**
 * `idstack diff` with the full render, end to end: the real components, real git, real helm, and a stand-in for
 * every pinned upstream chart (our own tiny templates, named and versioned like the pinned ones) pushed to a real
 * loopback registry that stack.yaml names as its `mirror`. Both sides are rendered with the charts they pin.
 */
let registry: TestRegistry;
let mirror: string;
/** One chart cache for the file: the first diff pulls from the mirror, the rest find the charts cached. */
const cacheDir = mkdtempSync(join(tmpdir(), 'idstack-diff-cache-'));

/** The traefik stand-in renders its Deployment from the values the ingress umbrella passes it. */
const TRAEFIK = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-traefik
spec:
  replicas: {{ .Values.deployment.replicas | default 1 }}
  selector:
    matchLabels: { app: traefik }
  template:
    metadata:
      labels: { app: traefik }
    spec:
      containers:
        - name: traefik
          image: docker.io/traefik:v3.0.0
`;

/** cert-manager's stand-in at `version`: what it renders differs between versions (image, a CA Secret, a new SA). */
const certManager = (version: string, extra = '') => ({
  'controller.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-cert-manager
spec:
  selector:
    matchLabels: { app: cert-manager }
  template:
    metadata:
      labels: { app: cert-manager }
    spec:
      containers:
        - name: controller
          image: quay.io/jetstack/cert-manager-controller:${version}
`,
  'webhook-ca.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-cert-manager-webhook-ca
type: Opaque
stringData:
  ca.crt: standin-ca-of-${version}
`,
  ...(extra ? { 'extra.yaml': extra } : {}),
});

/** The version before the pinned cert-manager, as a Renovate bump finds it at the base. */
const OLD_CERT_MANAGER = 'v1.20.0';

beforeAll(async () => {
  registry = await startRegistry();
  mirror = `${registry.url}/charts`;
  const target = ociTarget(mirror);
  const pinned = [
    ...new Map(components.flatMap((c) => c.charts).map((c) => [`${c.name}@${c.version}`, c])).values(),
  ];
  const packages = await Promise.all([
    ...pinned.map((c) =>
      packageUpstreamStandIn(
        c.name,
        c.version,
        c.name === 'traefik'
          ? { 'deployment.yaml': TRAEFIK }
          : c.name === 'cert-manager'
            ? certManager(
                c.version,
                'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}-cert-manager-cainjector\n',
              )
            : {},
      ),
    ),
    packageUpstreamStandIn('cert-manager', OLD_CERT_MANAGER, certManager(OLD_CERT_MANAGER)),
  ]);
  for (const tgz of packages) await pushChart(target, tgz, 'an upstream stand-in');
}, 300_000);
afterAll(async () => {
  await registry?.stop();
});

/** git with a fixed identity, in `cwd`. */
const git = (cwd: string, ...args: string[]) =>
  execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd });

/** The sample stack (mirror: the loopback registry) built and committed, as a user's repository is. */
async function committedStack(): Promise<string> {
  const root = renderRoot(`mirror: ${mirror}\n`);
  await git(root, 'init', '--quiet');
  await git(root, 'add', '-A');
  await git(root, 'commit', '--quiet', '-m', 'stack');
  return root;
}

const diff = (root: string, ...args: string[]) =>
  run(['diff', '--root', root, '--chart-cache', cacheDir, ...args]);

const diffJson = async (root: string, ...args: string[]) => {
  const { code, out, err } = await diff(root, '--format', 'json', ...args);
  if (code !== 0) throw new Error(`idstack diff exited ${code}: ${err}`);
  return JSON.parse(out) as DiffResult;
};

const changedApps = (result: DiffResult) =>
  result.applications.filter((a) => a.status !== 'unchanged').map((a) => a.name);

describe('idstack diff, full render (stand-in upstream charts from a loopback mirror)', () => {
  let root: string;
  beforeAll(async () => {
    root = await committedStack();
  });
  // Each case starts from the committed stack.yaml, whatever order the cases run in.
  beforeEach(async () => {
    await git(root, 'checkout', '--quiet', '--', 'stack.yaml');
  });

  it('prints that nothing differs when stack.yaml is unchanged, naming the full render', async () => {
    const { code, out, err } = await diff(root, '--exit-code');
    expect([code, err]).toEqual([0, '']);
    expect(out).toMatch(/^idstack diff: HEAD \([0-9a-f]{7}\) → working tree\nfull render: /);
    expect(out).toContain('No difference: Argo CD would apply exactly what it applies at the base.');
    // The upstream charts were pulled from the mirror into the given cache.
    expect(cachedChart(cacheDir, 'traefik', '41.3.0')?.source).toBe(mirror);
  });

  it('shows exactly the Deployment field `components.ingress.replicas: 3` changes in the upstream chart', async () => {
    writeFileSync(join(root, 'stack.yaml'), `mirror: ${mirror}\ncomponents:\n  ingress:\n    replicas: 3\n`);
    const before = snapshot(root);
    const result = await diffJson(root);
    expect(result.mode).toBe('full');
    expect(changedApps(result)).toEqual(['ingress']);
    expect(result.applications.find((a) => a.name === 'ingress')?.objects).toEqual([
      expect.objectContaining({
        group: 'apps',
        kind: 'Deployment',
        name: 'ingress-traefik',
        change: 'changed',
        fields: [{ path: 'spec.replicas', op: 'changed', old: 1, new: 3 }],
      }),
    ]);
    expect(snapshot(root)).toEqual(before);
  });

  it("shows a disabled component's Application and all its objects, upstream ones included, removed", async () => {
    writeFileSync(
      join(root, 'stack.yaml'),
      `mirror: ${mirror}\ncomponents:\n  netbird:\n    enabled: false\n`,
    );
    const result = await diffJson(root);
    const netbird = result.applications.find((a) => a.name === 'netbird');
    expect(netbird?.status).toBe('removed');
    expect(netbird?.objects.every((o) => o.change === 'removed')).toBe(true);
    expect(netbird?.objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['Certificate', 'IngressRoute', 'Service']),
    );
    // The upstream chart's objects go too: only the full render knows them.
    expect(netbird?.objects.map((o) => `${o.kind}/${o.name}`)).toContain('ConfigMap/netbird-netbird-standin');
    const rootApp = result.applications.find((a) => a.name === 'idstack');
    expect(rootApp?.objects).toContainEqual(
      expect.objectContaining({ kind: 'Application', name: 'netbird', change: 'removed' }),
    );
  });

  it('shows exactly the objects an upstream chart version bump changes, a Secret as changed without its value', async () => {
    // The base pins the older cert-manager (as before a Renovate bump); the working tree pins the current one.
    const bumped = await committedStack();
    const chartYaml = join(bumped, 'charts/ingress/Chart.yaml');
    const current = readFileSync(chartYaml, 'utf8');
    writeFileSync(chartYaml, current.replace('version: v1.21.1', `version: ${OLD_CERT_MANAGER}`));
    await git(bumped, 'commit', '--quiet', '-am', 'before the bump');
    writeFileSync(chartYaml, current);

    const result = await diffJson(bumped);
    expect(changedApps(result)).toEqual(['ingress']);
    const objects = result.applications.find((a) => a.name === 'ingress')?.objects ?? [];
    expect(objects.map((o) => `${o.change} ${o.kind}/${o.name}`).sort()).toEqual([
      'added ServiceAccount/ingress-cert-manager-cainjector',
      'changed Deployment/ingress-cert-manager',
      'changed Secret/ingress-cert-manager-webhook-ca',
    ]);
    expect(objects.find((o) => o.kind === 'Deployment')?.fields).toEqual([
      {
        path: 'spec.template.spec.containers[name=controller].image',
        op: 'changed',
        old: `quay.io/jetstack/cert-manager-controller:${OLD_CERT_MANAGER}`,
        new: 'quay.io/jetstack/cert-manager-controller:v1.21.1',
      },
    ]);
    expect(objects.find((o) => o.kind === 'Secret')?.fields).toEqual([
      { path: 'stringData["ca.crt"]', op: 'changed', masked: true },
    ]);
    // Each side was rendered with the version it pins: both are in the cache now.
    expect(cachedChart(cacheDir, 'cert-manager', OLD_CERT_MANAGER)).toBeDefined();
    for (const format of ['text', 'markdown', 'json']) {
      const { out } = await diff(bumped, '--format', format);
      expect(out).toContain('ingress-cert-manager-webhook-ca');
      expect(out).not.toContain('standin-ca-of');
    }
  });

  it('without the charts (nothing cached, mirror unreachable): exit 1, the ways out including --offline, nothing printed', async () => {
    const closed = `oci://127.0.0.1:${await freePort()}/charts`;
    const empty = mkdtempSync(join(tmpdir(), 'idstack-diff-cache-'));
    writeFileSync(join(root, 'stack.yaml'), `mirror: ${mirror}\n`);
    const { code, out, err } = await run([
      'diff',
      '--root',
      root,
      '--chart-cache',
      empty,
      '--mirror',
      closed,
    ]);
    expect([code, out]).toEqual([1, '']);
    expect(err).toMatch(
      /^idstack diff: \d+ pinned upstream chart\(s\) are neither in the cache nor reachable:\n/,
    );
    expect(err).toContain(`argo-cd 10.1.1 from ${closed}`);
    expect(err).toContain('`idstack diff --offline`');
    expect(err).not.toMatch(/\bat .*\.(ts|js):\d+/);
    // The offline diff still works there.
    expect((await run(['diff', '--root', root, '--offline'])).code).toBe(0);
  });
});
