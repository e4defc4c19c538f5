import type { Component, NetworkWorkload } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { z } from 'zod';
import { ruleContext, type StackBuild, stackBuild } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';
import type { Finding } from '../types.js';
import { networkFlows } from './network-flows.js';

// Rule network-flows, branch by branch, in milliseconds: synthetic pods and CiliumNetworkPolicies (the ones the build
// generates, or hand-written ones) as the Applications' render, no helm (network-flows.test.ts renders with helm).

const POLICIES = 'templates/idstack-network-policies.yaml';
const NS = 'k8s:io.kubernetes.pod.namespace';

/** The policy engine (Cilium's role). */
const engine = throwawayComponent(
  'engine',
  {},
  {
    networkPolicyEngine: { switch: 'policies.enabled' },
    knobs: z.object({ policies: z.object({ enabled: z.boolean() }) }),
    values: () => ({ policies: { enabled: true } }),
  },
);
const afterEngine: Partial<Component> = { needs: ['engine'], requires: [engine] };

/** A component `name` with one workload `name` (selector `app: <name>`), synced after the engine unless `extra` says. */
const component = (name: string, workload: Partial<NetworkWorkload> = {}, extra = afterEngine) =>
  throwawayComponent(
    name,
    {},
    {
      ...extra,
      network: (): NetworkWorkload[] => [{ name, description: name, selector: { app: name }, ...workload }],
    },
  );

const fromWeb = { from: { component: 'web', workload: 'web' }, ports: [{ port: 5432 }], why: 'its data' };
/** The public web app: reachable from anywhere on 8080, its egress unrestricted. */
const web = component('web', {
  ingress: [{ from: { entity: 'all' }, ports: [{ port: 8080 }], why: 'public' }],
});
/** The database: only web gets in on 5432; its egress is restricted (DNS only). */
const db = component('db', { ingress: [fromWeb], egress: [] });
/** A workload nobody may reach, synced with the engine (so the engine's chart holds its namespace's policies). */
const other = component('other', {}, {});
const stack = [engine, web, db, other];

/** A workload object (`Deployment` unless `kind` says) whose pods carry `labels`. */
function workload(o: {
  name: string;
  labels: Record<string, unknown>;
  kind?: string;
  namespace?: string;
  ports?: unknown;
  initPorts?: unknown;
  hostNetwork?: boolean;
}): string {
  const podSpec = {
    ...(o.hostNetwork ? { hostNetwork: true } : {}),
    containers: [{ name: o.name, image: 'registry.example.org/app:1.0.0', ports: o.ports ?? [] }],
    ...(o.initPorts ? { initContainers: [{ name: 'init', image: 'x', ports: o.initPorts }] } : {}),
  };
  const metadata = { name: o.name, ...(o.namespace ? { namespace: o.namespace } : {}) };
  const kind = o.kind ?? 'Deployment';
  const template = { metadata: { labels: o.labels }, spec: podSpec };
  if (kind === 'Pod')
    return stringify({ apiVersion: 'v1', kind, metadata: { ...metadata, labels: o.labels }, spec: podSpec });
  const spec =
    kind === 'CronJob' ? { schedule: '@daily', jobTemplate: { spec: { template } } } : { template };
  return stringify({ apiVersion: 'apps/v1', kind, metadata, spec });
}
const deployment = (name: string, port: number, extra: Partial<Parameters<typeof workload>[0]> = {}) =>
  workload({ name, labels: { app: name }, ports: [{ containerPort: port }], ...extra });

/** YAML documents as one template. */
const docs = (...objects: unknown[]) => objects.map((o) => stringify(o)).join('---\n');
/** A CiliumNetworkPolicy of `namespace` with the given rules. */
const cnp = (namespace: string, ...specs: object[]) => ({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name: 'hand-written', namespace },
  specs,
});
/** The default-deny baseline of a namespace (as the build generates it). */
const baseline = (namespace: string) => ({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name: 'idstack-default-deny', namespace },
  spec: { endpointSelector: {}, ingress: [{ fromEntities: ['host'] }] },
});
const dbPods = { matchLabels: { app: 'db' } };
const webPods = { matchLabels: { app: 'web', [NS]: 'web' } };
const ports = (...list: object[]) => [{ ports: list }];
/** db's egress as the build restricts it: kube-dns only. */
const dbDnsOnly = {
  endpointSelector: dbPods,
  egress: [{ toEndpoints: [{ matchLabels: { 'k8s-app': 'kube-dns', [NS]: 'kube-system' } }] }],
};
/** db's policies: the baseline, DNS-only egress, and the given ingress entries for its pods. */
const dbPolicies = (...ingress: object[]) =>
  docs(
    baseline('db'),
    cnp('db', dbDnsOnly, ...(ingress.length ? [{ endpointSelector: dbPods, ingress }] : [])),
  );

/** Each stack built once (a build is most of a check's time here). */
const builds = new Map<readonly Component[], Map<string, StackBuild>>();
function buildOf(components: readonly Component[], config: unknown): StackBuild {
  const byConfig = builds.get(components) ?? new Map<string, StackBuild>();
  builds.set(components, byConfig);
  const key = JSON.stringify(config ?? null);
  const built = byConfig.get(key) ?? stackBuild(components, config);
  byConfig.set(key, built);
  return built;
}

type Objects = Record<string, Record<string, string | undefined>>;

/** Runs the rule over the stack's generated policies and one rendered Deployment per workload, edited by `objects`. */
async function check(
  input: { objects?: Objects; components?: Component[]; mode?: 'full' | 'own'; config?: unknown } = {},
) {
  const components = input.components ?? stack;
  const built = buildOf(components, input.config);
  // The engine's chart wraps its policies in the engine's switch (on here, as helm would render them).
  const generated = (chart: string) =>
    built.files.get(`charts/${chart}/${POLICIES}`)?.replace(/^\{\{.*\}\}\n/gm, '');
  const objects: Objects = {
    engine: { [POLICIES]: generated('engine') },
    web: { [POLICIES]: generated('web'), 'templates/web.yaml': deployment('web', 8080) },
    db: { [POLICIES]: generated('db'), 'templates/db.yaml': deployment('db', 5432) },
    other: { [POLICIES]: generated('other'), 'templates/other.yaml': deployment('other', 9000) },
  };
  for (const [chart, files] of Object.entries(input.objects ?? {}))
    objects[chart] = { ...objects[chart], ...files };
  const present = Object.fromEntries(
    Object.entries(objects).map(([chart, files]) => [
      chart,
      Object.fromEntries(Object.entries(files).filter((e): e is [string, string] => e[1] !== undefined)),
    ]),
  );
  const ctx = ruleContext({ components, built, objects: present, renderMode: input.mode ?? 'full' });
  return { findings: await networkFlows.run(ctx), ctx };
}
const findings = async (input: Parameters<typeof check>[0] = {}) => (await check(input)).findings;
const wheres = (found: readonly Finding[]) => found.map((f) => f.where);

const DB_SOURCE = 'charts/db/templates/db.yaml: Deployment/db';
const OTHER_SOURCE = 'charts/other/templates/other.yaml: Deployment/other';
const BLOCKED_WEB_DB = 'declared flow web/web -> db/db 5432/TCP';
const NOT_ADMITTED = 'no ingress rule of the policies that select the destination admits it';

describe('network-flows (simulated over synthetic objects)', () => {
  it('passes on the policies the build generates from the declarations, and verifies the pod labels', async () => {
    const { findings: found, ctx } = await check();
    expect(found).toEqual([]);
    expect(ctx.unverified()).toEqual([]);
  });

  it('checks nothing with networkPolicy: off or without a policy engine, however open the pods are', async () => {
    const open: Objects = { db: { [POLICIES]: undefined }, engine: { [POLICIES]: undefined } };
    expect(wheres(await findings({ objects: open }))).toContain(DB_SOURCE);
    expect(
      await findings({ objects: open, config: { domain: 'lab.example.org', networkPolicy: 'off' } }),
    ).toEqual([]);
    const alone = component('db', { ingress: [], egress: [] }, {});
    expect(await findings({ objects: open, components: [alone] })).toEqual([]);
  });

  it('fails on a workload whose selector matches no rendered pod (full render), and judges no stand-in for it', async () => {
    const found = await findings({
      objects: { db: { 'templates/db.yaml': undefined, [POLICIES]: undefined } },
    });
    expect(found).toEqual([
      {
        severity: 'error',
        rule: 'network-flows',
        chart: 'db',
        where: 'component db: network workload "db"',
        message:
          'selects no rendered pod in namespace db (selector {"app":"db"}): the chart\'s pods carry other labels, so every flow declared for it misses them',
        fix: "copy the selector labels the upstream chart renders on the pod template into the workload's selector",
      },
    ]);
  });

  it('a pod rendered outside its workload namespace, or without its labels, does not count as the workload', async () => {
    const elsewhere = deployment('db', 5432, { namespace: 'web' });
    const unlabelled = workload({
      name: 'db',
      labels: { app: 'database' },
      ports: [{ containerPort: 5432 }],
    });
    for (const text of [elsewhere, unlabelled])
      expect(wheres(await findings({ objects: { db: { 'templates/db.yaml': text } } }))).toContain(
        'component db: network workload "db"',
      );
  });

  const opDb = component('db', { ingress: [fromWeb], egress: [], operatorManaged: true });
  it.each([
    ['an operator makes (full render)', 'full', opDb, 'db/db (declared, made by an operator)'],
    ['of an offline render', 'own', db, 'db/db (declared)'],
  ] as const)(
    'judges a stand-in pod from the declaration for a workload %s',
    async (_, mode, dbComponent, source) => {
      const { findings: found, ctx } = await check({
        mode,
        components: [engine, web, dbComponent, other],
        objects: { db: { 'templates/db.yaml': undefined, [POLICIES]: undefined } },
      });
      expect(found.map((f) => [f.chart, f.where, f.message])).toEqual([
        ['db', source, 'pod db/db is not isolated for ingress: every pod of the cluster can connect to it'],
        [
          'db',
          'db/db 5432/TCP',
          'undeclared path open: a pod of an unrelated namespace -> db/db 5432/TCP, world -> db/db 5432/TCP, other/other -> db/db 5432/TCP (no declared flow allows it, the rendered policies do)',
        ],
        [
          'db',
          'db/db egress',
          'undeclared path open: db/db -> world 443/TCP, db/db -> world 80/TCP, db/db -> kube-apiserver 6443/TCP (its egress is restricted by declaration, the rendered policies let it out)',
        ],
      ]);
      expect(ctx.unverified()).toEqual(
        mode === 'own'
          ? [
              "network-flows: the upstream charts' pod labels (offline: pods stand in from the declared selectors)",
            ]
          : [],
      );
    },
  );

  it("a pod carrying a workload's labels in another namespace is not that workload", async () => {
    // Not a source of web's flow to db, nor named web/web; db's labels in web's namespace are not db either.
    const webLabelsInOther = workload({ name: 'lookalike', namespace: 'other', labels: { app: 'web' } });
    expect(await findings({ objects: { web: { 'templates/x.yaml': webLabelsInOther } } })).toEqual([]);
    const dbInWeb = deployment('db-copy', 5432, { namespace: 'web', labels: { app: 'db' } });
    const found = await findings({
      objects: { web: { [POLICIES]: undefined, 'templates/x.yaml': dbInWeb } },
    });
    expect(found.filter((f) => f.message.includes('not isolated')).map((f) => f.message)).toEqual([
      'pod web/web is not isolated for ingress: every pod of the cluster can connect to it',
      'pod charts/web/templates/x.yaml: Deployment/db-copy is not isolated for ingress: every pod of the cluster can connect to it',
    ]);
  });

  it('reads an object without metadata into the namespace of its Application', async () => {
    const text = stringify({
      kind: 'Deployment',
      spec: { template: { spec: { containers: [{ name: 'x', ports: [{ containerPort: 7000 }] }] } } },
    });
    expect(await findings({ objects: { web: { 'templates/x.yaml': text } } })).toEqual([]);
    const found = await findings({ objects: { web: { [POLICIES]: undefined, 'templates/x.yaml': text } } });
    expect(found.map((f) => f.where)).toContain('charts/web/templates/x.yaml: Deployment/?');
  });

  it('offline, a rendered pod is still used where one matches (no stand-in beside it)', async () => {
    const { findings: found, ctx } = await check({
      mode: 'own',
      objects: { db: { [POLICIES]: undefined }, other: { 'templates/other.yaml': undefined } },
    });
    expect(found.filter((f) => f.message.includes('not isolated')).map((f) => f.where)).toEqual([DB_SOURCE]);
    expect(ctx.unverified()).toHaveLength(1);
  });

  describe('declared flows must pass', () => {
    it('fails naming a blocked ingress flow, its owner (the destination) and the verdict', async () => {
      const found = await findings({
        objects: {
          db: { [POLICIES]: dbPolicies({ fromEndpoints: [webPods], toPorts: ports({ port: '5433' }) }) },
        },
      });
      expect(found).toEqual([
        {
          severity: 'error',
          rule: 'network-flows',
          chart: 'db',
          where: BLOCKED_WEB_DB,
          message: `is blocked (web/web -> db/db 5432/TCP): ${NOT_ADMITTED}`,
          fix: 'render the policies from the declaration (`pnpm build`), or fix the rule that blocks it',
        },
      ]);
    });

    it('fails naming a blocked flow from an entity', async () => {
      const found = await findings({ objects: { web: { [POLICIES]: docs(baseline('web')) } } });
      expect(found.map((f) => [f.chart, f.where, f.message])).toEqual([
        [
          'web',
          'declared flow all -> web/web 8080/TCP',
          `is blocked (all -> web/web 8080/TCP): ${NOT_ADMITTED}`,
        ],
      ]);
    });

    it('fails naming a blocked egress flow and its owner (the source)', async () => {
      const egressDb = component('db', {
        ingress: [fromWeb],
        egress: [{ to: { entity: 'world' }, ports: [{ port: 443 }], why: 'updates' }],
      });
      const found = await findings({
        components: [engine, web, egressDb, other],
        objects: { db: { [POLICIES]: dbPolicies({ fromEndpoints: [webPods] }) } },
      });
      expect(found.map((f) => [f.chart, f.where, f.message])).toEqual([
        [
          'db',
          'declared flow db/db -> world 443/TCP',
          "is blocked (db/db -> world 443/TCP): the source's egress is restricted and no egress rule admits it",
        ],
      ]);
    });

    it('a deny rule wins over every allow: ingressDeny at the destination, egressDeny at the source', async () => {
      const dbDeny = docs(
        baseline('db'),
        cnp('db', dbDnsOnly, {
          endpointSelector: dbPods,
          ingress: [{ fromEndpoints: [webPods] }],
          ingressDeny: [
            { fromEndpoints: [{ matchLabels: { app: 'nobody', [NS]: 'web' } }] },
            { fromEndpoints: [webPods] },
          ],
        }),
      );
      const webDeny = docs(
        {
          ...cnp('web', {
            endpointSelector: { matchLabels: { app: 'web' } },
            ingress: [{ fromEntities: ['all'] }],
          }),
        },
        cnp('web', {
          endpointSelector: { matchLabels: { app: 'web' } },
          egressDeny: [
            { toEntities: ['world'] },
            { toEndpoints: [{ matchLabels: { app: 'db', [NS]: 'db' } }] },
          ],
        }),
      );
      const messages = async (objects: Objects) =>
        (await findings({ objects })).filter((f) => f.where === BLOCKED_WEB_DB).map((f) => f.message);
      expect(await messages({ db: { [POLICIES]: dbDeny } })).toEqual([
        'is blocked (web/web -> db/db 5432/TCP): an ingressDeny rule of the destination drops it',
      ]);
      expect(await messages({ web: { [POLICIES]: webDeny } })).toEqual([
        'is blocked (web/web -> db/db 5432/TCP): an egressDeny rule of the source drops it',
      ]);
    });

    it("a source's egress rules apply to the flow: restricted without a match blocks, an allow admits", async () => {
      const webEgress = (egress: object[]) =>
        docs(
          baseline('web'),
          cnp('web', {
            endpointSelector: { matchLabels: { app: 'web' } },
            ingress: [{ fromEntities: ['all'] }],
            egress,
          }),
        );
      const blocked = async (egress: object[]) =>
        (await findings({ objects: { web: { [POLICIES]: webEgress(egress) } } })).map((f) => f.message);
      expect(await blocked([{ toEntities: ['world'] }])).toEqual([
        "is blocked (web/web -> db/db 5432/TCP): the source's egress is restricted and no egress rule admits it",
      ]);
      expect(await blocked([{ toEndpoints: [{ matchLabels: { app: 'db', [NS]: 'db' } }] }])).toEqual([]);
    });

    it('host-network pods are outside the policies: as destination and as source', async () => {
      // db on the host network: its (baseline-only) ingress does not apply, nor does its egress restriction.
      expect(
        await findings({
          objects: {
            db: {
              [POLICIES]: docs(baseline('db')),
              'templates/db.yaml': deployment('db', 5432, { hostNetwork: true }),
            },
          },
        }),
      ).toEqual([]);
      // web on the host network, its egress restricted to nothing: it still reaches db.
      const webIsolated = docs(
        cnp('web', {
          endpointSelector: { matchLabels: { app: 'web' } },
          ingress: [{ fromEntities: ['all'] }],
          egress: [],
        }),
      );
      expect(
        await findings({
          objects: {
            web: {
              [POLICIES]: webIsolated,
              'templates/web.yaml': deployment('web', 8080, { hostNetwork: true }),
            },
          },
        }),
      ).toEqual([]);
    });
  });

  describe('pods of the stack are isolated', () => {
    it('fails on a pod without ingress isolation (chart: the namespace holder), warns on an unmanaged namespace, skips kube-system and the host network', async () => {
      const extra = docs(
        { kind: 'List' },
        ...[
          ['stray', 'other', false],
          ['agent', 'other', true],
          ['coredns', 'kube-system', false],
          ['outsider', 'elsewhere', false],
        ].map(([name, namespace, hostNetwork]) => ({
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          metadata: { name, namespace },
          spec: {
            template: {
              metadata: { labels: { app: name } },
              spec: { hostNetwork, containers: [{ name, ports: [{ containerPort: 7000 }] }] },
            },
          },
        })),
      );
      const found = await findings({
        objects: { engine: { [POLICIES]: undefined }, web: { 'templates/extra.yaml': extra } },
      });
      expect(found).toEqual([
        {
          severity: 'error',
          rule: 'network-flows',
          chart: 'engine',
          where: OTHER_SOURCE,
          message: 'pod other/other is not isolated for ingress: every pod of the cluster can connect to it',
          fix: 'give its namespace the default-deny policy (`pnpm build`)',
        },
        {
          severity: 'error',
          rule: 'network-flows',
          chart: 'engine',
          where: 'charts/web/templates/extra.yaml: DaemonSet/stray',
          message:
            'pod charts/web/templates/extra.yaml: DaemonSet/stray is not isolated for ingress: every pod of the cluster can connect to it',
          fix: 'give its namespace the default-deny policy (`pnpm build`)',
        },
        {
          severity: 'warning',
          rule: 'network-flows',
          chart: 'idstack',
          where: 'charts/web/templates/extra.yaml: DaemonSet/outsider',
          message:
            'runs in namespace elsewhere, which gets no policy from the stack: any pod can connect to it',
          fix: "declare the workload in its component's network, or isolate the namespace yourself",
        },
        {
          severity: 'error',
          rule: 'network-flows',
          chart: 'other',
          where: 'other/other 9000/TCP',
          message:
            'undeclared path open: a pod of an unrelated namespace -> other/other 9000/TCP, world -> other/other 9000/TCP, web/web -> other/other 9000/TCP, charts/web/templates/extra.yaml: DaemonSet/stray -> other/other 9000/TCP (no declared flow allows it, the rendered policies do)',
          fix: "narrow the policy that admits it, or declare the flow in the component's network",
        },
        {
          severity: 'error',
          rule: 'network-flows',
          chart: 'engine',
          where: 'charts/web/templates/extra.yaml: DaemonSet/stray 7000/TCP',
          message:
            'undeclared path open: a pod of an unrelated namespace -> charts/web/templates/extra.yaml: DaemonSet/stray 7000/TCP, world -> charts/web/templates/extra.yaml: DaemonSet/stray 7000/TCP, other/other -> charts/web/templates/extra.yaml: DaemonSet/stray 7000/TCP, web/web -> charts/web/templates/extra.yaml: DaemonSet/stray 7000/TCP (no declared flow allows it, the rendered policies do)',
          fix: "narrow the policy that admits it, or declare the flow in the component's network",
        },
      ]);
    });

    it.each(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'])(
      'reads the pods of a %s',
      async (kind) => {
        const text = workload({ kind, name: 'outsider', namespace: 'elsewhere', labels: { app: 'x' } });
        expect(wheres(await findings({ objects: { web: { 'templates/x.yaml': text } } }))).toEqual([
          `charts/web/templates/x.yaml: ${kind}/outsider`,
        ]);
      },
    );

    it.each([
      [
        'a kind without pods',
        { kind: 'Service', metadata: { name: 's', namespace: 'x' }, spec: { template: {} } },
      ],
      [
        'a template that is no mapping',
        { kind: 'Deployment', metadata: { name: 'd', namespace: 'x' }, spec: { template: 'x' } },
      ],
      [
        'a CronJob without a job template',
        { kind: 'CronJob', metadata: { name: 'c', namespace: 'x' }, spec: {} },
      ],
      ['a workload without a spec', { kind: 'Deployment', metadata: { name: 'd', namespace: 'x' } }],
      [
        'a CronJob whose job template has no spec',
        { kind: 'CronJob', metadata: { name: 'c', namespace: 'x' }, spec: { jobTemplate: {} } },
      ],
    ])('reads no pod from %s', async (_, object) => {
      expect(await findings({ objects: { web: { 'templates/x.yaml': stringify(object) } } })).toEqual([]);
    });

    it('reads a pod without labels, metadata or a pod spec', async () => {
      const text = docs(
        { kind: 'Pod', metadata: { name: 'bare', namespace: 'elsewhere' } },
        {
          kind: 'Job',
          metadata: { name: 'j', namespace: 'elsewhere' },
          spec: { template: { metadata: { labels: null }, spec: { containers: 'x' } } },
        },
        {
          kind: 'Job',
          metadata: { name: 'k', namespace: 'elsewhere' },
          spec: { template: { metadata: 'x', spec: { containers: [null, 'x', { ports: 'x' }] } } },
        },
      );
      expect(wheres(await findings({ objects: { web: { 'templates/x.yaml': text } } }))).toEqual([
        'charts/web/templates/x.yaml: Pod/bare',
        'charts/web/templates/x.yaml: Job/j',
        'charts/web/templates/x.yaml: Job/k',
      ]);
    });

    it('reads the ports of containers and init containers: numbers only, UDP kept, anything else TCP, each once', async () => {
      const text = workload({
        name: 'other',
        labels: { app: 'other' },
        ports: [
          { containerPort: 9000 },
          { containerPort: '9100' },
          { containerPort: 9001, protocol: 'UDP' },
          'junk',
          null,
        ],
        initPorts: [{ containerPort: 9002, protocol: 'SCTP' }, { containerPort: 9000 }],
      });
      const found = await findings({
        objects: { engine: { [POLICIES]: undefined }, other: { 'templates/other.yaml': text } },
      });
      expect(wheres(found)).toEqual([
        OTHER_SOURCE,
        'other/other 9000/TCP',
        'other/other 9001/UDP',
        'other/other 9002/TCP',
      ]);
    });

    it('a pod is a workload only with every label of its selector', async () => {
      const twoLabels = component('other', {}, {});
      const selector = {
        ...twoLabels,
        network: () => [{ name: 'other', description: 'x', selector: { app: 'other', tier: 'a' } }],
      };
      const text = workload({ name: 'other', labels: { app: 'other', tier: 'b' } });
      const found = await findings({
        components: [engine, web, db, selector as Component],
        objects: { other: { 'templates/other.yaml': text } },
      });
      expect(found.map((f) => f.where)).toEqual(['component other: network workload "other"']);
    });

    it('reads the labels of a pod as text', async () => {
      const numbered = component('other', {}, {});
      const text = workload({ name: 'other', labels: { app: 'other', tier: 1 } });
      const selectorOf = {
        ...numbered,
        network: () => [{ name: 'other', description: 'x', selector: { app: 'other', tier: '1' } }],
      };
      expect(
        await findings({
          components: [engine, web, db, selectorOf as Component],
          objects: { other: { 'templates/other.yaml': text } },
        }),
      ).toEqual([]);
    });
  });

  describe('which policies count', () => {
    const otherOpen = { engine: { [POLICIES]: undefined } };
    const otherIsolatedBy = async (policy: object) =>
      !wheres(
        await findings({ objects: { ...otherOpen, web: { 'templates/p.yaml': stringify(policy) } } }),
      ).includes(OTHER_SOURCE);
    const isolating = { endpointSelector: {}, ingress: [{ fromEntities: ['host'] }] };
    it.each([
      [
        'a CiliumNetworkPolicy of its namespace',
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { namespace: 'other' },
          spec: isolating,
        },
        true,
      ],
      [
        'a CiliumNetworkPolicy of another namespace',
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { namespace: 'db' },
          spec: isolating,
        },
        false,
      ],
      [
        'a CiliumNetworkPolicy of the Application namespace (web)',
        { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', spec: isolating },
        false,
      ],
      [
        'a CiliumClusterwideNetworkPolicy',
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumClusterwideNetworkPolicy',
          metadata: { name: 'all' },
          spec: isolating,
        },
        true,
      ],
      [
        'a policy of another API group',
        {
          apiVersion: 'example.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { namespace: 'other' },
          spec: isolating,
        },
        false,
      ],
      [
        'a policy without apiVersion',
        { kind: 'CiliumNetworkPolicy', metadata: { namespace: 'other' }, spec: isolating },
        false,
      ],
      [
        'another kind of cilium.io',
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumEndpoint',
          metadata: { namespace: 'other' },
          spec: isolating,
        },
        false,
      ],
      [
        'a Kubernetes NetworkPolicy',
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { namespace: 'other' },
          spec: isolating,
        },
        false,
      ],
      [
        'a rule in specs',
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { namespace: 'other' },
          specs: [null, {}, isolating],
        },
        true,
      ],
      [
        'a rule without endpointSelector',
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { namespace: 'other' },
          specs: [{ ingress: [{}] }],
        },
        false,
      ],
      [
        'an ingress rule with enableDefaultDeny.ingress false',
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { namespace: 'other' },
          spec: { ...isolating, enableDefaultDeny: { ingress: false } },
        },
        false,
      ],
      [
        'an ingress rule with enableDefaultDeny.egress false',
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { namespace: 'other' },
          spec: { ...isolating, enableDefaultDeny: { egress: false } },
        },
        true,
      ],
      [
        'an empty ingress rule (it isolates, admitting nothing)',
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { namespace: 'other' },
          spec: { endpointSelector: {}, ingress: [{}] },
        },
        true,
      ],
      [
        'a rule with only an ingressDeny',
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { namespace: 'other' },
          spec: { endpointSelector: {}, ingressDeny: [{ fromEntities: ['world'] }] },
        },
        false,
      ],
      [
        'a rule with ingress that is no list',
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { namespace: 'other' },
          spec: { endpointSelector: {}, ingress: 'all' },
        },
        false,
      ],
      [
        'ingress entries that are no mappings (it isolates, admitting nothing)',
        {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { namespace: 'other' },
          spec: { endpointSelector: {}, ingress: [null, 'x'] },
        },
        true,
      ],
    ])('isolates a pod by %s: %s', async (_, policy, isolated) => {
      expect(await otherIsolatedBy(policy)).toBe(isolated);
    });

    it('an egress rule with enableDefaultDeny.egress false does not restrict egress', async () => {
      const dbEgressAllows = docs(
        baseline('db'),
        cnp(
          'db',
          { endpointSelector: dbPods, ingress: [{ fromEndpoints: [webPods] }] },
          { ...dbDnsOnly, enableDefaultDeny: { egress: false } },
        ),
      );
      expect(wheres(await findings({ objects: { db: { [POLICIES]: dbEgressAllows } } }))).toEqual([
        'db/db egress',
      ]);
    });
  });

  describe('selectors, entities, CIDRs and ports as Cilium matches them', () => {
    /** Is the declared web -> db 5432/TCP flow blocked with db's ingress entries these? */
    const webToDbBlocked = async (...ingress: object[]) =>
      wheres(await findings({ objects: { db: { [POLICIES]: dbPolicies(...ingress) } } })).includes(
        BLOCKED_WEB_DB,
      );

    it.each([
      ['namespace and labels', { matchLabels: { app: 'web', [NS]: 'web' } }, false],
      [
        'the any: prefix',
        { matchLabels: { 'any:app': 'web', 'any:io.kubernetes.pod.namespace': 'web' } },
        false,
      ],
      ['no namespace (bound to the policy namespace, db)', { matchLabels: { app: 'web' } }, true],
      ['another namespace', { matchLabels: { app: 'web', [NS]: 'db' } }, true],
      ['other labels', { matchLabels: { app: 'other', [NS]: 'web' } }, true],
      [
        'expressions naming the namespace',
        {
          matchExpressions: [
            null,
            { key: NS, operator: 'In', values: ['web'] },
            { key: 'k8s:app', operator: 'Exists' },
          ],
        },
        false,
      ],
      [
        'expressions without the namespace',
        { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
        true,
      ],
      [
        'an expression that fails',
        { matchExpressions: [{ key: NS, operator: 'NotIn', values: ['web'] }] },
        true,
      ],
    ])('fromEndpoints by %s: blocked %s', async (_, selector, blocked) => {
      expect(await webToDbBlocked({ fromEndpoints: [null, 'junk', selector] })).toBe(blocked);
    });

    it('an endpoint selector takes the k8s: prefix and binds to its namespace', async () => {
      const prefixed = docs(
        baseline('db'),
        cnp('db', dbDnsOnly, {
          endpointSelector: { matchLabels: { 'k8s:app': 'db' } },
          ingress: [{ fromEndpoints: [webPods] }],
        }),
      );
      expect(await findings({ objects: { db: { [POLICIES]: prefixed } } })).toEqual([]);
      // The same rule in web's namespace selects no db pod.
      const misplaced = docs(
        baseline('db'),
        cnp('db', dbDnsOnly),
        cnp('web', { endpointSelector: dbPods, ingress: [{ fromEndpoints: [webPods] }] }),
      );
      expect(await webToDbBlocked()).toBe(true);
      expect(wheres(await findings({ objects: { db: { [POLICIES]: misplaced } } }))).toContain(
        BLOCKED_WEB_DB,
      );
      // Naming db's namespace in the selector selects db's pods from a policy of another namespace.
      const named = docs(
        baseline('db'),
        cnp('db', dbDnsOnly),
        cnp('web', {
          endpointSelector: { matchLabels: { app: 'db', [NS]: 'db' } },
          ingress: [{ fromEndpoints: [webPods] }],
        }),
      );
      expect(await findings({ objects: { db: { [POLICIES]: named } } })).toEqual([]);
    });

    it.each([
      [['cluster'], 'host', false],
      [['cluster'], 'remote-node', false],
      [['cluster'], 'kube-apiserver', false],
      [['cluster'], 'world', true],
      [['all'], 'world', false],
      [['world'], 'world', false],
      [['host'], 'world', true],
      [['host'], 'remote-node', true],
    ])('fromEntities %j admits a flow from %s: blocked %s', async (entities, entity, blocked) => {
      const fromEntity = component('db', {
        ingress: [{ from: { entity: entity as 'world' }, ports: [{ port: 5432 }], why: 'x' }],
        egress: [],
      });
      const found = await findings({
        components: [engine, web, fromEntity, other],
        objects: {
          // No baseline here: it admits the host on its own.
          db: {
            [POLICIES]: docs(
              cnp('db', dbDnsOnly, {
                endpointSelector: dbPods,
                ingress: [{ fromEntities: entities, toPorts: ports({ port: '5432' }) }],
              }),
            ),
          },
        },
      });
      expect(wheres(found).includes(`declared flow ${entity} -> db/db 5432/TCP`)).toBe(blocked);
    });

    it.each([
      [{ fromEntities: ['cluster'] }, false],
      [{ fromEntities: ['all'] }, false],
      [{ fromEntities: ['world', 'host', 'remote-node', 'kube-apiserver'] }, true],
      [{ fromEntities: 'cluster' }, true],
      [{ fromCIDR: ['0.0.0.0/0'] }, true],
      [{ fromCIDRSet: [{ cidr: '0.0.0.0/0' }] }, true],
      [{}, true],
      [{ fromEndpoints: webPods }, true],
      [{ toPorts: ports({ port: '5432' }) }, false],
      [{ fromEndpoints: [] }, true],
    ])('a pod peer with ingress entry %j: blocked %s', async (entry, blocked) => {
      expect(await webToDbBlocked(entry)).toBe(blocked);
    });

    it('a CIDR admits only the world, no other entity', async () => {
      const fromHost = component('db', {
        ingress: [{ from: { entity: 'host' }, ports: [{ port: 5432 }], why: 'x' }],
        egress: [],
      });
      const found = await findings({
        components: [engine, web, fromHost, other],
        objects: {
          db: {
            [POLICIES]: docs(
              cnp('db', dbDnsOnly, { endpointSelector: dbPods, ingress: [{ fromCIDR: ['0.0.0.0/0'] }] }),
            ),
          },
        },
      });
      expect(wheres(found)).toContain('declared flow host -> db/db 5432/TCP');
    });

    it.each([
      [{ fromCIDR: ['0.0.0.0/0'] }, false],
      [{ fromCIDRSet: [{ cidr: '0.0.0.0/0' }] }, false],
      [{ fromCIDR: ['0.0.0.0/0'], fromEntities: ['host'] }, false],
      [{ fromEndpoints: [webPods] }, true],
      [{ fromEntities: ['cluster'] }, true],
    ])('the world with ingress entry %j: blocked %s', async (entry, blocked) => {
      const fromWorld = component('db', {
        ingress: [{ from: { entity: 'world' }, ports: [{ port: 5432 }], why: 'x' }],
        egress: [],
      });
      const found = await findings({
        components: [engine, web, fromWorld, other],
        objects: { db: { [POLICIES]: dbPolicies(entry) } },
      });
      expect(wheres(found).includes('declared flow world -> db/db 5432/TCP')).toBe(blocked);
    });

    it.each([
      [[{ port: '5432' }], false],
      [[{ port: '5432', protocol: 'TCP' }], false],
      [[{ port: '5432', protocol: 'ANY' }], false],
      [[{ port: '5432', protocol: 'UDP' }], true],
      [[{ port: '5431' }], true],
      [[{ port: '5433' }], true],
      [[{ port: '5000', endPort: 5432 }], false],
      [[{ port: '5432', endPort: 5432 }], false],
      [[{ port: '5000', endPort: 5431 }], true],
      [[{ port: '5433', endPort: 6000 }], true],
      [[{ port: '5000', endPort: '6000' }], true],
      [[null, 'junk', { port: '1' }, { port: '5432' }], false],
    ])('toPorts ports %j: blocked %s', async (list, blocked) => {
      expect(await webToDbBlocked({ fromEndpoints: [webPods], toPorts: [{ ports: list }] })).toBe(blocked);
    });

    it.each([
      [[{}], true],
      [[null, 'junk', { ports: [{ port: '5432' }] }], false],
      [[{ ports: 'x' }], true],
      [[], true],
      [{ ports: [{ port: '5432' }] }, false],
    ])('toPorts %j: blocked %s', async (toPorts, blocked) => {
      expect(await webToDbBlocked({ fromEndpoints: [webPods], toPorts })).toBe(blocked);
    });
  });

  describe('nothing undeclared is open', () => {
    it('fails on an undeclared path into a workload, listing every peer that gets in (not the pod itself)', async () => {
      const otherOpen = docs(
        baseline('other'),
        cnp('other', {
          endpointSelector: { matchLabels: { app: 'other' } },
          ingress: [{ fromEntities: ['cluster'] }],
        }),
      );
      const found = await findings({ objects: { engine: { [POLICIES]: otherOpen } } });
      expect(found).toEqual([
        {
          severity: 'error',
          rule: 'network-flows',
          chart: 'other',
          where: 'other/other 9000/TCP',
          message:
            'undeclared path open: a pod of an unrelated namespace -> other/other 9000/TCP, web/web -> other/other 9000/TCP (no declared flow allows it, the rendered policies do)',
          fix: "narrow the policy that admits it, or declare the flow in the component's network",
        },
      ]);
    });

    it.each([
      ['cluster', { fromEntities: ['cluster'] }, []],
      ['cluster', { fromEntities: ['all'] }, ['db/db 5432/TCP']],
      ['world', { fromEntities: ['all'] }, ['db/db 5432/TCP']],
      ['all', { fromEntities: ['all'] }, []],
    ] as const)(
      'a flow declared from %s covers the peers it names (entry %j)',
      async (entity, entry, expected) => {
        const declared = component('db', {
          ingress: [fromWeb, { from: { entity }, ports: [{ port: 5432 }], why: 'x' }],
          egress: [],
        });
        const found = await findings({
          components: [engine, web, declared, other],
          objects: { db: { [POLICIES]: dbPolicies(entry) } },
        });
        expect(wheres(found)).toEqual(expected);
        if (entity === 'world')
          expect(found[0]?.message).toBe(
            'undeclared path open: a pod of an unrelated namespace -> db/db 5432/TCP, other/other -> db/db 5432/TCP (no declared flow allows it, the rendered policies do)',
          );
        if (entity === 'cluster' && expected.length)
          expect(found[0]?.message).toContain('world -> db/db 5432/TCP (no declared');
      },
    );

    it('a flow declared on a port does not cover the same port of another protocol', async () => {
      const text = deployment('db', 5432, {
        initPorts: [
          { containerPort: 5432, protocol: 'UDP' },
          { containerPort: 5432 },
          { containerPort: 5433 },
        ],
      });
      const found = await findings({
        objects: { db: { [POLICIES]: dbPolicies({ fromEndpoints: [webPods] }), 'templates/db.yaml': text } },
      });
      expect(found.map((f) => [f.where, f.message])).toEqual([
        [
          'db/db 5432/UDP',
          'undeclared path open: web/web -> db/db 5432/UDP (no declared flow allows it, the rendered policies do)',
        ],
        [
          'db/db 5433/TCP',
          'undeclared path open: web/web -> db/db 5433/TCP (no declared flow allows it, the rendered policies do)',
        ],
      ]);
    });

    it("a flow's other ports, a lookalike of its workload elsewhere, the unrelated probe by its labels", async () => {
      const twoPorts = component('db', {
        ingress: [{ ...fromWeb, ports: [{ port: 6000 }, { port: 5432 }] }],
        egress: [{ to: { entity: 'world' }, ports: [{ port: 80 }, { port: 443 }], why: 'x' }],
      });
      const dbOpen = docs(
        baseline('db'),
        cnp('db', {
          endpointSelector: dbPods,
          ingress: [{ fromEndpoints: [webPods] }],
          egress: [{ toEntities: ['world'] }],
        }),
      );
      expect(
        await findings({
          components: [engine, web, twoPorts, other],
          objects: { db: { [POLICIES]: dbOpen } },
        }),
      ).toEqual([]);
      const lookalike = workload({ name: 'lookalike', namespace: 'other', labels: { app: 'web' } });
      const unrelated = { matchLabels: { app: 'any', [NS]: 'idstack-unrelated' } };
      const found = await findings({
        objects: {
          web: { 'templates/x.yaml': lookalike },
          db: {
            [POLICIES]: dbPolicies({
              fromEndpoints: [webPods, unrelated, { matchLabels: { app: 'web', [NS]: 'other' } }],
            }),
          },
        },
      });
      expect(found.map((f) => f.message)).toEqual([
        'undeclared path open: a pod of an unrelated namespace -> db/db 5432/TCP, charts/web/templates/x.yaml: Deployment/lookalike -> db/db 5432/TCP (no declared flow allows it, the rendered policies do)',
      ]);
    });

    it('a flow declared from one workload does not cover another', async () => {
      const found = await findings({
        objects: { db: { [POLICIES]: dbPolicies({ fromEntities: ['cluster'] }) } },
      });
      expect(found.map((f) => f.message)).toEqual([
        'undeclared path open: a pod of an unrelated namespace -> db/db 5432/TCP, other/other -> db/db 5432/TCP (no declared flow allows it, the rendered policies do)',
      ]);
    });

    it('the unrelated probe is an ordinary pod (not on the host network): a policy restricting its egress keeps it out', async () => {
      // A clusterwide policy (a cluster admin's) lets the unrelated namespace's pods out nowhere.
      const unrelatedShut = docs({
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumClusterwideNetworkPolicy',
        metadata: { name: 'unrelated-egress' },
        spec: { endpointSelector: { matchLabels: { [NS]: 'idstack-unrelated' } }, egress: [] },
      });
      const found = await findings({
        objects: {
          engine: { 'templates/unrelated.yaml': unrelatedShut },
          db: { [POLICIES]: dbPolicies({ fromEntities: ['cluster'] }) },
        },
      });
      expect(found.map((f) => [f.where, f.message])).toEqual([
        [
          'db/db 5432/TCP',
          'undeclared path open: other/other -> db/db 5432/TCP (no declared flow allows it, the rendered policies do)',
        ],
      ]);
    });
  });

  describe('restricted egress stays restricted', () => {
    const dbEgress = (...egress: object[]) =>
      docs(
        baseline('db'),
        cnp('db', { endpointSelector: dbPods, ingress: [{ fromEndpoints: [webPods] }], egress }),
      );
    it.each([
      [{ toEntities: ['world'] }, 'db/db -> world 443/TCP, db/db -> world 80/TCP'],
      [{ toEntities: ['cluster'] }, 'db/db -> kube-apiserver 6443/TCP'],
      [
        { toEntities: ['kube-apiserver'], toPorts: ports({ port: '6443' }) },
        'db/db -> kube-apiserver 6443/TCP',
      ],
      [{ toCIDR: ['0.0.0.0/0'] }, 'db/db -> world 443/TCP, db/db -> world 80/TCP'],
      [{ toCIDRSet: [{ cidr: '0.0.0.0/0' }], toPorts: ports({ port: '80' }) }, 'db/db -> world 80/TCP'],
      [{ toEndpoints: [webPods] }, undefined],
    ])('fails when egress entry %j lets it out: %s', async (entry, paths) => {
      const found = await findings({ objects: { db: { [POLICIES]: dbEgress(entry) } } });
      expect(found).toEqual(
        paths
          ? [
              {
                severity: 'error',
                rule: 'network-flows',
                chart: 'db',
                where: 'db/db egress',
                message: `undeclared path open: ${paths} (its egress is restricted by declaration, the rendered policies let it out)`,
                fix: "narrow the egress rule that admits it, or declare the flow in the component's network",
              },
            ]
          : [],
      );
    });

    it.each([
      [
        'world 443',
        { entity: 'world' },
        [{ port: 443 }],
        'db/db -> world 80/TCP, db/db -> kube-apiserver 6443/TCP',
      ],
      [
        'all 443',
        { entity: 'all' },
        [{ port: 443 }],
        'db/db -> world 80/TCP, db/db -> kube-apiserver 6443/TCP',
      ],
      [
        'world 443/UDP',
        { entity: 'world' },
        [{ port: 443, protocol: 'UDP' }],
        'db/db -> world 443/TCP, db/db -> world 80/TCP, db/db -> kube-apiserver 6443/TCP',
      ],
      [
        'kube-apiserver 6443',
        { entity: 'kube-apiserver' },
        [{ port: 6443 }],
        'db/db -> world 443/TCP, db/db -> world 80/TCP',
      ],
      [
        'kube-apiserver 443',
        { entity: 'kube-apiserver' },
        [{ port: 443 }],
        'db/db -> world 443/TCP, db/db -> world 80/TCP, db/db -> kube-apiserver 6443/TCP',
      ],
      [
        'web',
        { workload: 'web', component: 'web' },
        [{ port: 443 }],
        'db/db -> world 443/TCP, db/db -> world 80/TCP, db/db -> kube-apiserver 6443/TCP',
      ],
    ] as const)('a declared egress flow to %s covers only its own paths', async (_, to, flowPorts, paths) => {
      const declared = component('db', { ingress: [fromWeb], egress: [{ to, ports: flowPorts, why: 'x' }] });
      const found = await findings({
        components: [engine, web, declared, other],
        objects: { db: { [POLICIES]: dbEgress({ toEntities: ['all'] }) } },
      });
      expect(found.filter((f) => f.where === 'db/db egress').map((f) => f.message)).toEqual([
        `undeclared path open: ${paths} (its egress is restricted by declaration, the rendered policies let it out)`,
      ]);
    });

    it("another workload's declared egress does not cover this one", async () => {
      const egressOther = component(
        'other',
        { egress: [{ to: { entity: 'world' }, ports: [{ port: 443 }], why: 'x' }] },
        {},
      );
      const found = await findings({
        components: [engine, web, db, egressOther],
        objects: { db: { [POLICIES]: dbEgress({ toEntities: ['world'] }) } },
      });
      expect(found.map((f) => f.message)).toEqual([
        'undeclared path open: db/db -> world 443/TCP, db/db -> world 80/TCP (its egress is restricted by declaration, the rendered policies let it out)',
      ]);
    });

    it('unrestricted egress (no egress declared) is not judged', async () => {
      const webOut = docs(
        baseline('web'),
        cnp('web', {
          endpointSelector: { matchLabels: { app: 'web' } },
          ingress: [{ fromEntities: ['all'] }],
          egress: [{ toEntities: ['all'] }],
        }),
      );
      expect(await findings({ objects: { web: { [POLICIES]: webOut } } })).toEqual([]);
    });
  });
});
