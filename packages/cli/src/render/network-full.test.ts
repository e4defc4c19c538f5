import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CheckReport, checkStack, rules } from '@idstack/check';
import { parseStack } from '@idstack/core';
import { ensureCharts, ociTarget, pushChart } from '@idstack/release';
import { packageUpstreamStandIn, startRegistry, type TestRegistry } from '@idstack/release/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { components } from '../components.js';
import { renderRoot } from '../test-support.js';

/**
 * The network simulation over the full render: every pinned upstream chart is a stand-in (our own templates) whose
 * pods carry the labels the real chart's label helpers compute (written here as those helpers' rules, from the
 * chart's name, release and namespace, never copied from the declarations), served from a loopback registry.
 * The default stack must pass `network-flows`; a hand-edited policy that blocks a declared flow, or opens an
 * undeclared path, must fail it, naming the flow.
 */
const workload = (
  kind: string,
  name: string,
  labels: Record<string, string>,
  ports: [number, string?][],
  extra = '',
) => `---
apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
${extra}spec:
  selector:
    matchLabels: ${JSON.stringify(labels)}
  template:
    metadata:
      labels: ${JSON.stringify({ ...labels, 'helm.sh/chart': '{{ .Chart.Name }}' })}
    spec:
      containers:
        - name: main
          image: registry.example.org/standin:1.0.0
          ports:
${ports.map(([p, proto]) => `            - containerPort: ${p}\n              protocol: ${proto ?? 'TCP'}`).join('\n')}
`;
const release = '{{ .Release.Name }}';
/** Stand-in templates per pinned chart: the pods each real chart renders, labelled by its rules. */
const STANDINS: Record<string, string> = {
  // traefik.labelselector: the chart name and "<release>-<namespace>".
  traefik: workload(
    'Deployment',
    'traefik',
    {
      'app.kubernetes.io/name': '{{ .Chart.Name }}',
      'app.kubernetes.io/instance': `${release}-{{ .Release.Namespace }}`,
    },
    [[8000], [8443], [8080], [9100]],
  ),
  'cert-manager': ['cert-manager:controller:9402', 'webhook:webhook:10250', 'cainjector:cainjector:9402']
    .map((s) => {
      const [name, component, port] = s.split(':') as [string, string, string];
      return workload(
        'Deployment',
        `${release}-${name}`,
        {
          'app.kubernetes.io/name': name,
          'app.kubernetes.io/instance': release,
          'app.kubernetes.io/component': component,
        },
        [[Number(port)]],
      );
    })
    .join(''),
  // argo-cd.selectorLabels: "<nameOverride, argocd by default>-<component name>" and the release.
  'argo-cd': (
    [
      ['Deployment', 'server', [[8080], [8083]]],
      ['Deployment', 'repo-server', [[8081], [8084]]],
      ['Deployment', 'redis', [[6379]]],
      ['StatefulSet', 'application-controller', [[8082]]],
      ['Deployment', 'applicationset-controller', [[7000], [8080]]],
      ['Deployment', 'notifications-controller', [[9001]]],
    ] as [string, string, [number][]][]
  )
    .map(([kind, name, ports]) =>
      workload(
        kind,
        `argocd-${name}`,
        { 'app.kubernetes.io/name': `argocd-${name}`, 'app.kubernetes.io/instance': release },
        ports,
      ),
    )
    .join(''),
  // spire: each subchart's nameOverride (server, agent) or name, the release; the server in spire-server.
  spire: [
    workload(
      'StatefulSet',
      'spire-server',
      {
        'app.kubernetes.io/name': 'server',
        'app.kubernetes.io/instance': release,
        'app.kubernetes.io/component': 'server',
      },
      [[8081], [8080], [9443]],
      '  namespace: spire-server\n',
    ),
    workload(
      'DaemonSet',
      'spire-agent',
      { 'app.kubernetes.io/name': 'agent', 'app.kubernetes.io/instance': release },
      [[9982]],
      '  namespace: spire-system\n',
    ),
    workload(
      'DaemonSet',
      'spiffe-csi-driver',
      { 'app.kubernetes.io/name': 'spiffe-csi-driver', 'app.kubernetes.io/instance': release },
      [[9809]],
      '  namespace: spire-system\n',
    ),
  ].join(''),
  'cloudnative-pg': workload(
    'Deployment',
    `${release}-cloudnative-pg`,
    { 'app.kubernetes.io/name': '{{ .Chart.Name }}', 'app.kubernetes.io/instance': release },
    [[8080], [9443]],
  ),
  // authentik.selectorLabels: the chart name, the release, the component (server.name / worker.name).
  authentik: ['server:9000,9443,9300', 'worker:9300']
    .map((s) => {
      const [component, ports] = s.split(':') as [string, string];
      return workload(
        'Deployment',
        `${release}-${component}`,
        {
          'app.kubernetes.io/name': '{{ .Chart.Name }}',
          'app.kubernetes.io/instance': release,
          'app.kubernetes.io/component': component,
        },
        ports.split(',').map((p) => [Number(p)] as [number]),
      );
    })
    .join(''),
  // netbird.<part>.selectorLabels: "<chart name>-<part>" and the release.
  netbird: ['management:80,33073,9090', 'signal:80,9090', 'relay:33080,9090', 'dashboard:80']
    .map((s) => {
      const [part, ports] = s.split(':') as [string, string];
      return workload(
        'Deployment',
        `netbird-${part}`,
        { 'app.kubernetes.io/name': `{{ .Chart.Name }}-${part}`, 'app.kubernetes.io/instance': release },
        ports.split(',').map((p) => [Number(p)] as [number]),
      );
    })
    .join(''),
  // cloudflare-tunnel.selectorLabels: the chart name and the release.
  'cloudflare-tunnel': workload(
    'Deployment',
    'cloudflared',
    { 'app.kubernetes.io/name': '{{ .Chart.Name }}', 'app.kubernetes.io/instance': release },
    [[2000]],
  ),
};

let registry: TestRegistry;
let mirror: string;
const cacheDir = mkdtempSync(join(tmpdir(), 'idstack-network-cache-'));

beforeAll(async () => {
  registry = await startRegistry();
  mirror = `${registry.url}/charts`;
  const pinned = [
    ...new Map(components.flatMap((c) => c.charts).map((c) => [`${c.name}@${c.version}`, c])).values(),
  ];
  const packages = await Promise.all(
    pinned.map((c) =>
      packageUpstreamStandIn(
        c.name,
        c.version,
        STANDINS[c.name] ? { 'pods.yaml': STANDINS[c.name] as string } : {},
      ),
    ),
  );
  for (const tgz of packages) await pushChart(ociTarget(mirror), tgz, 'an upstream stand-in');
}, 300_000);
afterAll(async () => {
  await registry?.stop();
});

/** The default stack (enforce), rendered and then edited on disk by `edit`, checked with the full render. */
async function check(edit: (root: string) => void = () => {}): Promise<CheckReport> {
  const yaml = `mirror: ${mirror}\nnetworkPolicy: enforce\n`;
  const root = renderRoot(yaml);
  edit(root);
  const stack = parseStack(yaml, components);
  const { charts, missing } = await ensureCharts(
    components.flatMap((c) => c.charts),
    { cacheDir, mirror },
  );
  expect(missing).toEqual([]);
  const selected = rules.filter((r) => r.id === 'network-flows');
  return checkStack({ root, components, stack, charts }, selected);
}
const errors = (report: CheckReport) => report.findings.filter((f) => f.severity === 'error');
const edit = (root: string, chart: string, from: string, to: string) => {
  const file = join(root, 'charts', chart, 'templates', 'idstack-network-policies.yaml');
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
  writeFileSync(file, text.replace(from, to));
};

describe('network-flows over the full render (stand-in charts with the upstream pod labels)', () => {
  it('passes on the default stack: every declared flow allowed, every pod isolated, nothing else open', async () => {
    expect(errors(await check())).toEqual([]);
  }, 300_000);

  it('fails naming the flow when a declared flow is blocked (Authentik server -> Postgres)', async () => {
    const found = errors(
      await check((root) =>
        edit(
          root,
          'authentik-db',
          '      - fromEndpoints:\n          - matchLabels:\n              app.kubernetes.io/name: authentik\n              app.kubernetes.io/instance: authentik-db\n              app.kubernetes.io/component: server',
          '      - fromEndpoints:\n          - matchLabels:\n              app.kubernetes.io/name: authentik\n              app.kubernetes.io/instance: authentik-db\n              app.kubernetes.io/component: web',
        ),
      ),
    );
    expect(found.map((f) => f.where)).toContain(
      'declared flow authentik-db/server -> authentik-db/postgres 5432/TCP',
    );
  }, 300_000);

  it('fails naming the path when an undeclared path is open (Netbird -> the Argo CD repo-server)', async () => {
    const found = errors(
      await check((root) =>
        edit(root, 'cilium-tetragon', '        - host\n', '        - host\n        - cluster\n'),
      ),
    );
    const repoServer = found.find((f) => f.where === 'argocd/repo-server 8081/TCP');
    expect(repoServer?.message).toContain('netbird/management -> argocd/repo-server 8081/TCP');
    expect(repoServer?.message).toContain('a pod of an unrelated namespace -> argocd/repo-server 8081/TCP');
  }, 300_000);
});
