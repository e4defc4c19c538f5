import { WAVE_ANNOTATION } from './argocd.js';
import type { Values } from './merge.js';
import {
  CILIUM_NAMESPACE_LABEL,
  KUBE_DNS,
  type NetworkEntity,
  type NetworkPeer,
  type NetworkPort,
  type NetworkWorkload,
  portText,
  UNMANAGED_NAMESPACES,
} from './network.js';
import type { Plan, PlannedComponent } from './plan.js';
import { toYamlDocuments } from './yaml.js';

/** The generated template of an umbrella that holds policies (beside the component's own templates). */
export const NETWORK_POLICY_TEMPLATE = 'templates/idstack-network-policies.yaml';
/** Name of the default-deny policy of every managed namespace. */
export const BASELINE_POLICY = 'idstack-default-deny';
/** Label on every generated policy: the component whose workload it protects. */
export const POLICY_COMPONENT_LABEL = 'idstack.dev/component';

/** One end of a resolved flow: a workload's pods (namespace and labels known) or a Cilium entity. */
export type FlowEndpoint =
  | {
      readonly kind: 'workload';
      readonly component: string;
      readonly workload: string;
      readonly namespace: string;
      readonly selector: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'entity'; readonly entity: NetworkEntity };

/** A declared flow, both ends resolved: what the policies must allow and the check proves. */
export interface ResolvedFlow {
  /** `ingress` is declared by the destination, `egress` by the source (a workload with restricted egress). */
  readonly direction: 'ingress' | 'egress';
  readonly from: FlowEndpoint;
  readonly to: FlowEndpoint;
  readonly ports: readonly NetworkPort[];
  readonly why: string;
  /** `ingress/traefik -> authentik-db/server 9000/TCP`: how findings and the README name it. */
  readonly name: string;
}

/** A workload with the namespaces its pods live in. */
export interface ResolvedWorkload {
  readonly component: string;
  readonly workload: NetworkWorkload;
  readonly namespaces: readonly string[];
}

/** The stack's network as declared: workloads, flows, the namespaces that get a default-deny policy. */
export interface ResolvedNetwork {
  readonly workloads: readonly ResolvedWorkload[];
  readonly flows: readonly ResolvedFlow[];
  /** Namespaces the stack owns and isolates, each with the component whose chart holds its policies. */
  readonly namespaces: ReadonlyMap<string, string>;
  /** The component running the policy engine (Cilium), if enabled. */
  readonly engine: string | undefined;
}

export const endpointName = (e: FlowEndpoint): string =>
  e.kind === 'entity' ? e.entity : `${e.component}/${e.workload}`;

/** Namespaces a component's policies cover: where its workloads run (never kube-system). */
function ownNamespaces(planned: PlannedComponent): string[] {
  const all = new Set<string>();
  for (const w of planned.network)
    if (!w.inEveryNamespace) all.add(w.namespace ?? planned.component.namespace);
  return [...all].filter((ns) => !UNMANAGED_NAMESPACES.has(ns)).sort();
}

/**
 * Resolves every component's declared network against the plan: peers to namespaces and labels (flows with a
 * disabled component's workload are dropped), and which chart holds each namespace's policies.
 */
export function resolveNetwork(plan: Plan): ResolvedNetwork {
  const engine = plan.components.find((p) => p.component.networkPolicyEngine);
  const namespaces = new Map<string, string>();
  for (const p of plan.components) {
    const holder = !engine || p.wave > engine.wave ? p.component.name : engine.component.name;
    for (const ns of ownNamespaces(p)) if (!namespaces.has(ns)) namespaces.set(ns, holder);
  }
  const managed = [...namespaces.keys()].sort();
  const workloads: ResolvedWorkload[] = plan.components.flatMap((p) =>
    p.network.map((workload) => ({
      component: p.component.name,
      workload,
      namespaces: workload.inEveryNamespace ? managed : [workload.namespace ?? p.component.namespace],
    })),
  );
  const find = (component: string, name: string) =>
    workloads.find((w) => w.component === component && w.workload.name === name);
  const endpoints = (peer: NetworkPeer, self: string): FlowEndpoint[] => {
    if ('entity' in peer) return [{ kind: 'entity', entity: peer.entity }];
    const component = peer.component ?? self;
    const w = find(component, peer.workload);
    if (!w) {
      if (plan.components.some((p) => p.component.name === component))
        throw new Error(
          `${self} declares a flow with ${component}/${peer.workload}, which ${component} does not declare`,
        );
      return []; // a disabled component: no flow
    }
    return w.namespaces.map((namespace) => ({
      kind: 'workload',
      component,
      workload: w.workload.name,
      namespace,
      selector: w.workload.selector,
    }));
  };
  const flows: ResolvedFlow[] = [];
  const add = (
    direction: ResolvedFlow['direction'],
    from: FlowEndpoint,
    to: FlowEndpoint,
    f: { ports: readonly NetworkPort[]; why: string },
  ) =>
    flows.push({
      direction,
      from,
      to,
      ports: f.ports,
      why: f.why,
      name: `${endpointName(from)} -> ${endpointName(to)} ${f.ports.map(portText).join(',')}`,
    });
  for (const w of workloads) {
    for (const namespace of w.namespaces) {
      const self: FlowEndpoint = {
        kind: 'workload',
        component: w.component,
        workload: w.workload.name,
        namespace,
        selector: w.workload.selector,
      };
      for (const f of w.workload.ingress ?? [])
        for (const from of endpoints(f.from, w.component)) add('ingress', from, self, f);
      for (const f of w.workload.egress ?? [])
        for (const to of endpoints(f.to, w.component)) add('egress', self, to, f);
    }
  }
  return { workloads, flows, namespaces, engine: engine?.component.name };
}

const toPorts = (ports: readonly NetworkPort[]) => [
  { ports: ports.map((p) => ({ port: String(p.port), protocol: p.protocol ?? 'TCP' })) },
];

/** A flow's other end as a Cilium peer (endpoints always name their namespace). */
function peer(direction: 'from' | 'to', e: FlowEndpoint): Values {
  if (e.kind === 'entity') return { [`${direction}Entities`]: [e.entity] };
  return {
    [`${direction}Endpoints`]: [{ matchLabels: { ...e.selector, [CILIUM_NAMESPACE_LABEL]: e.namespace } }],
  };
}

/** The CiliumNetworkPolicies of one namespace: its default-deny baseline and one policy per workload. */
function namespacePolicies(net: ResolvedNetwork, namespace: string, annotations: Values): Values[] {
  const metadata = (name: string, component: string) => ({
    name,
    namespace,
    labels: { 'app.kubernetes.io/managed-by': 'idstack', [POLICY_COMPONENT_LABEL]: component },
    annotations,
  });
  const holder = net.namespaces.get(namespace) as string;
  const out: Values[] = [
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: metadata(BASELINE_POLICY, holder),
      spec: {
        description:
          'Default deny for ingress: every pod of the namespace is isolated; only the node itself (kubelet probes) gets in. The flows each workload needs are the other policies.',
        endpointSelector: {},
        ingress: [{ fromEntities: ['host'] }],
      },
    },
  ];
  for (const w of net.workloads) {
    if (!w.namespaces.includes(namespace)) continue;
    const here = (end: FlowEndpoint) =>
      end.kind === 'workload' &&
      end.component === w.component &&
      end.workload === w.workload.name &&
      end.namespace === namespace;
    const ingress = net.flows.filter((f) => f.direction === 'ingress' && here(f.to));
    const egress = net.flows.filter((f) => f.direction === 'egress' && here(f.from));
    const selector = { matchLabels: { ...w.workload.selector } };
    const specs: Values[] = ingress.map((f) => ({
      description: `${f.name}: ${f.why}`,
      endpointSelector: selector,
      ingress: [{ ...peer('from', f.from), toPorts: toPorts(f.ports) }],
    }));
    if (w.workload.egress) {
      specs.push({
        description: `${w.component}/${w.workload.name} -> kube-dns 53: name resolution (egress is restricted to the rules below)`,
        endpointSelector: selector,
        egress: [
          {
            toEndpoints: [
              { matchLabels: { ...KUBE_DNS.selector, [CILIUM_NAMESPACE_LABEL]: KUBE_DNS.namespace } },
            ],
            toPorts: toPorts(KUBE_DNS.ports),
          },
        ],
      });
      for (const f of egress)
        specs.push({
          description: `${f.name}: ${f.why}`,
          endpointSelector: selector,
          egress: [{ ...peer('to', f.to), toPorts: toPorts(f.ports) }],
        });
    }
    if (specs.length === 0) continue;
    out.push({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: metadata(`${w.component}-${w.workload.name}`, w.component),
      specs,
    });
  }
  return out;
}

/**
 * The generated policy template of each umbrella that holds policies (component name -> template text): none when
 * `networkPolicy: off` or no enabled component runs the policy engine. A component that syncs after the engine holds
 * its own; those of earlier components land in the engine's chart, after its workloads, behind its switch.
 */
export function networkPolicyTemplates(plan: Plan): Map<string, string> {
  const out = new Map<string, string>();
  const net = resolveNetwork(plan);
  if (plan.stack.networkPolicy === 'off' || !net.engine) return out;
  const engine = plan.components.find((p) => p.component.name === net.engine) as PlannedComponent;
  const holders = [...new Set(net.namespaces.values())].sort();
  for (const holder of holders) {
    const inEngine = holder === net.engine;
    const annotations: Values = {
      // The CRDs come from Cilium's agent at runtime: no dry run against a CRD Argo CD has not seen yet.
      'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
      // In the engine's own chart: after its workloads (the agent installs the CRDs once it runs); elsewhere with
      // the workloads they protect.
      [WAVE_ANNOTATION]: inEngine ? '1' : '0',
    };
    const objects = [...net.namespaces]
      .filter(([, h]) => h === holder)
      .map(([ns]) => ns)
      .sort()
      .flatMap((ns) => namespacePolicies(net, ns, annotations));
    const header = `# Generated by idstack from the components' declared network flows: do not edit.\n# networkPolicy: ${plan.stack.networkPolicy} (stack.yaml).\n`;
    const body = toYamlDocuments(objects);
    const gate = engine.component.networkPolicyEngine?.switch as string;
    out.set(
      holder,
      inEngine ? `${header}{{- if .Values.${gate} }}\n${body}{{- end }}\n` : `${header}${body}`,
    );
  }
  return out;
}
