import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderStack } from './build.js';
import type { Component } from './component.js';
import { validateStack } from './config/load.js';
import type { NetworkWorkload } from './network.js';
import { NETWORK_POLICY_TEMPLATE, networkPolicyTemplates, resolveNetwork } from './network-policy.js';
import { planStack } from './plan.js';
import { fakeComponent } from './test-support/fixtures.js';

const net = (workloads: NetworkWorkload[]): Partial<Component> => ({ network: () => workloads });

/** platform syncs before the engine (its policies land in the engine's chart), app after it. */
const platform = fakeComponent(
  'platform',
  'platform',
  [],
  net([{ name: 'api', description: 'api', selector: { app: 'api' }, ingress: [] }]),
);
const engine = fakeComponent('engine', 'infra', ['platform'], {
  networkPolicyEngine: { switch: 'greeting' },
});
const app = fakeComponent(
  'app',
  'security',
  ['engine'],
  net([
    {
      name: 'web',
      description: 'web',
      selector: { app: 'web' },
      ingress: [
        { from: { component: 'platform', workload: 'api' }, ports: [{ port: 80 }], why: 'calls' },
        { from: { component: 'gone', workload: 'x' }, ports: [{ port: 81 }], why: 'a disabled peer' },
      ],
      egress: [{ to: { entity: 'world' }, ports: [{ port: 443 }], why: 'updates' }],
    },
  ]),
);
const gone = fakeComponent(
  'gone',
  'security',
  [],
  net([{ name: 'x', description: 'x', selector: { x: '1' } }]),
);
const all = [platform, engine, app, gone];
const stack = (networkPolicy: string) =>
  validateStack({ networkPolicy, components: { gone: { enabled: false } } }, all);
const docs = (text: string) => parseAllDocuments(text.replace(/^\{\{.*\}\}$/gm, '')).map((d) => d.toJSON());

describe('network policies', () => {
  it('resolves flows to namespaces and labels, dropping those with a disabled component', () => {
    const { flows, namespaces, engine: name } = resolveNetwork(planStack(all, stack('enforce')));
    expect(name).toBe('engine');
    expect(Object.fromEntries(namespaces)).toEqual({ platform: 'engine', app: 'app' });
    expect(flows.map((f) => f.name)).toEqual(['platform/api -> app/web 80/TCP', 'app/web -> world 443/TCP']);
  });

  it("puts an earlier component's policies in the engine's chart, behind its switch, after its workloads", () => {
    const templates = networkPolicyTemplates(planStack(all, stack('audit')));
    const inEngine = templates.get('engine') as string;
    expect(inEngine).toContain('{{- if .Values.greeting }}');
    const [baseline] = docs(inEngine);
    expect(baseline).toMatchObject({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: {
        name: 'idstack-default-deny',
        namespace: 'platform',
        annotations: {
          'argocd.argoproj.io/sync-wave': '1',
          'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
        },
      },
      spec: { endpointSelector: {}, ingress: [{ fromEntities: ['host'] }] },
    });
  });

  it('renders one rule per flow, endpoints with their namespace, and restricted egress with DNS', () => {
    const [, web] = docs(networkPolicyTemplates(planStack(all, stack('enforce'))).get('app') as string);
    expect(web.metadata.name).toBe('app-web');
    expect(web.specs.map((s: { description: string }) => s.description)).toEqual([
      'platform/api -> app/web 80/TCP: calls',
      'app/web -> kube-dns 53: name resolution (egress is restricted to the rules below)',
      'app/web -> world 443/TCP: updates',
    ]);
    expect(web.specs[0].ingress).toEqual([
      {
        fromEndpoints: [{ matchLabels: { app: 'api', 'k8s:io.kubernetes.pod.namespace': 'platform' } }],
        toPorts: [{ ports: [{ port: '80', protocol: 'TCP' }] }],
      },
    ]);
  });

  it('renders nothing with networkPolicy off, and the README says so', () => {
    const { files } = renderStack(all, stack('off'));
    expect([...files.keys()].filter((p) => p.endsWith(NETWORK_POLICY_TEMPLATE))).toEqual([]);
    expect(files.get('cluster/README.md')).not.toContain('## Network flows');
    const on = renderStack(all, stack('enforce')).files;
    expect(on.get('cluster/README.md')).toContain('w_platform_api -- "80/TCP" --> w_app_web');
  });

  it('refuses a flow with a workload its enabled component does not declare', () => {
    const bad = fakeComponent(
      'bad',
      'security',
      ['app'],
      net([
        {
          name: 'y',
          description: 'y',
          selector: { y: '1' },
          ingress: [{ from: { component: 'app', workload: 'nope' }, ports: [{ port: 1 }], why: 'typo' }],
        },
      ]),
    );
    const withBad = [...all, bad];
    const config = validateStack({ components: { gone: { enabled: false } } }, withBad);
    expect(() => resolveNetwork(planStack(withBad, config))).toThrow(
      'bad declares a flow with app/nope, which app does not declare',
    );
  });
});
