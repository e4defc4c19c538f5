import { z } from 'zod';
import {
  COMPONENT_PROJECT,
  ROOT_PROJECT,
  renderApplication,
  renderComponentProject,
  renderRoot,
} from './argocd.js';
import { type FileMap, renderChart } from './chart.js';
import type { Component } from './component.js';
import type { Stack } from './config/schema.js';
import { stackSchema } from './config/schema.js';
import { portText } from './network.js';
import {
  endpointName,
  type FlowEndpoint,
  NETWORK_POLICY_TEMPLATE,
  networkPolicyTemplates,
  resolveNetwork,
} from './network-policy.js';
import { type Plan, planStack } from './plan.js';
import { template } from './readme.js';
import { toJson, toYaml, toYamlDocuments } from './yaml.js';

/** What `idstack build` owns under the output root: replaced whole on every build. */
export const MANAGED_OUTPUTS = ['charts', 'cluster', 'stack.schema.json'] as const;

/** Renders the whole output of a stack in memory: charts/, cluster/ and the editor's JSON Schema. */
export function renderStack(all: readonly Component[], stack: Stack): { plan: Plan; files: FileMap } {
  const plan = planStack(all, stack);
  const files: FileMap = new Map();
  const policies = networkPolicyTemplates(plan);
  for (const planned of plan.components) {
    const policy = policies.get(planned.component.name);
    const generated = new Map(policy ? [[NETWORK_POLICY_TEMPLATE, policy]] : []);
    for (const [path, content] of renderChart(plan, planned, generated)) files.set(path, content);
    files.set(`cluster/apps/${planned.component.name}.yaml`, toYaml(renderApplication(plan, planned)));
  }
  files.set('cluster/apps/project.yaml', toYaml(renderComponentProject(plan)));
  files.set('cluster/root.yaml', toYamlDocuments(renderRoot(plan)));
  files.set('cluster/README.md', renderClusterReadme(plan));
  files.set('stack.schema.json', renderJsonSchema(all));
  return { plan, files };
}

/** The JSON Schema editors use for stack.yaml, generated from the zod schema (the single source of truth). */
export function renderJsonSchema(all: readonly Component[]): string {
  const schema = z.toJSONSchema(stackSchema(all), {
    target: 'draft-07',
    io: 'input',
    unrepresentable: 'any',
  });
  return toJson({ ...schema, title: 'idstack stack.yaml', $id: 'https://idstack.dev/stack.schema.json' });
}

function renderClusterReadme(plan: Plan): string {
  const id = (name: string) => name.replaceAll('-', '_');
  return template('cluster-readme.hbs')({
    rootProject: ROOT_PROJECT,
    componentProject: COMPONENT_PROJECT,
    components: plan.components.map((p) => ({
      id: id(p.component.name),
      name: p.component.name,
      tier: p.component.tier,
      namespace: p.component.namespace,
      wave: p.wave,
      needs: p.needs,
      source:
        plan.stack.source.charts === 'oci'
          ? `oci chart \`${p.package.version}\``
          : `\`charts/${p.component.name}\``,
    })),
    edges: plan.components.flatMap((p) => p.needs.map((n) => ({ from: id(n), to: id(p.component.name) }))),
    topology: topology(plan, id),
    network: networkMatrix(plan),
  });
}

const ENTITY_LABELS: Readonly<Record<string, string>> = {
  all: 'anywhere (public entry)',
  world: 'the internet',
  cluster: 'any pod of the cluster',
  host: 'the node (host network)',
  'remote-node': 'other nodes',
  'kube-apiserver': 'kube-apiserver',
};

/**
 * The flow matrix: every declared flow (who may open a connection to whom, on which ports), as the policies render
 * it. Null when no policy is rendered (`networkPolicy: off`, or no policy engine enabled).
 */
function networkMatrix(plan: Plan) {
  const net = resolveNetwork(plan);
  if (plan.stack.networkPolicy === 'off' || !net.engine) return null;
  const nodeId = (e: FlowEndpoint) =>
    `${e.kind === 'entity' ? 'e' : 'w'}_${endpointName(e).replace(/[^A-Za-z0-9]/g, '_')}`;
  const edges = new Map<
    string,
    { from: string; to: string; fromName: string; toName: string; ports: string; why: string }
  >();
  for (const f of net.flows) {
    const ports = f.ports.map(portText).join(', ');
    const key = `${nodeId(f.from)}>${nodeId(f.to)}>${ports}`;
    if (!edges.has(key))
      edges.set(key, {
        from: nodeId(f.from),
        to: nodeId(f.to),
        fromName:
          f.from.kind === 'entity' ? (ENTITY_LABELS[f.from.entity] ?? f.from.entity) : endpointName(f.from),
        toName: f.to.kind === 'entity' ? (ENTITY_LABELS[f.to.entity] ?? f.to.entity) : endpointName(f.to),
        ports,
        why: f.why,
      });
  }
  const entities = [
    ...new Set(
      net.flows
        .flatMap((f) => [f.from, f.to])
        .filter((e) => e.kind === 'entity')
        .map((e) => e.entity),
    ),
  ]
    .sort()
    .map((entity) => ({ id: nodeId({ kind: 'entity', entity }), label: ENTITY_LABELS[entity] ?? entity }));
  const groups = plan.components
    .map((p) => ({
      id: `c_${p.component.name.replaceAll('-', '_')}`,
      name: p.component.name,
      workloads: net.workloads
        .filter((w) => w.component === p.component.name)
        .map((w) => ({
          id: nodeId({
            kind: 'workload',
            component: w.component,
            workload: w.workload.name,
            namespace: '',
            selector: {},
          }),
          name: w.workload.name,
        })),
    }))
    .filter((g) => g.workloads.length > 0);
  return {
    mode: plan.stack.networkPolicy,
    modeNote:
      plan.stack.networkPolicy === 'audit'
        ? "Cilium's policy audit mode: verdicts logged to Hubble, nothing dropped"
        : 'what no rule allows is dropped',
    namespaces: [...net.namespaces.keys()].sort(),
    entities,
    groups,
    edges: [...edges.values()],
  };
}

/**
 * The public topology: which hosts reach the cluster through a tunnel (components that `carry` hosts) and which
 * ports the router forwards to which component. Null when the stack declares neither.
 */
function topology(plan: Plan, id: (name: string) => string) {
  const tunnels = plan.components
    .filter((p) => p.carries.length > 0)
    .map((p) => ({ id: id(p.component.name), name: p.component.name, hosts: p.carries }));
  const forwards = plan.components.flatMap((p) =>
    p.forwards.map((f) => ({
      ...f,
      id: id(p.component.name),
      name: p.component.name,
      namespace: p.component.namespace,
    })),
  );
  if (tunnels.length === 0 && forwards.length === 0) return null;
  const tcp = forwards.filter((f) => f.protocol === 'TCP');
  return {
    tunnels,
    forwards,
    summary:
      tunnels.length > 0
        ? `Every tunnelled host reaches the cluster through an outbound tunnel (no inbound port); the router forwards ${tcp.length ? `TCP ${tcp.map((f) => f.port).join(', ')} and ` : 'no TCP port, only '}the ports below.`
        : 'No tunnel: every host is an A record to the public IP, and the router forwards the ports below.',
  };
}
