import {
  endpointName,
  type FlowEndpoint,
  isPlainObject,
  matchesLabelSelector,
  type NetworkEntity,
  type NetworkPort,
  portText,
  type ResolvedFlow,
  resolveNetwork,
  UNMANAGED_NAMESPACES,
  type Values,
} from '@idstack/core';
import { describeObject } from '../context.js';
import type { Finding, K8sObject, Rule } from '../types.js';

/**
 * Simulates the rendered CiliumNetworkPolicies against the rendered pods, the way Cilium decides a connection:
 * a pod selected by a rule with `ingress` (or `egress`) is isolated in that direction and admits only what one of
 * those rules allows; a deny rule wins over every allow. The declared flows (each component's `network`) must all
 * pass; a pod of an unrelated namespace and the world must reach only the public entry points (workloads declared
 * reachable from `all`); no workload may reach another one unless a flow says so.
 */
export const networkFlows: Rule = {
  id: 'network-flows',
  description:
    'simulates the rendered CiliumNetworkPolicies over the rendered pods: every declared flow allowed, every other path denied',
  run: async (ctx) => {
    const net = resolveNetwork(ctx.plan);
    if (ctx.stack.networkPolicy === 'off' || !net.engine) return [];
    const found: Finding[] = [];
    const error = (chart: string, where: string, message: string, fix: string) =>
      found.push({ severity: 'error', rule: 'network-flows', chart, where, message, fix });

    const { applications } = await ctx.render();
    const objects = applications.flatMap((a) =>
      a.objects.map((o) => ({ ...o, namespace: namespaceOf(o.object, a.application.namespace) })),
    );
    const rules = objects.flatMap(policyRules);
    const pods = objects.flatMap(podsOf);

    // Declared workloads to pods: the rendered ones (by their selector), else stand-ins from the declaration
    // (operator-made pods; offline, the upstream charts' pods).
    const workloadOf = (pod: Pod) =>
      net.workloads.find(
        (w) => w.namespaces.includes(pod.namespace) && matchesLabels(w.workload.selector, pod.labels),
      );
    for (const w of net.workloads) {
      for (const namespace of w.namespaces) {
        if (pods.some((p) => p.namespace === namespace && matchesLabels(w.workload.selector, p.labels)))
          continue;
        if (!w.workload.operatorManaged && ctx.renderMode === 'full') {
          error(
            w.component,
            `component ${w.component}: network workload "${w.workload.name}"`,
            `selects no rendered pod in namespace ${namespace} (selector ${JSON.stringify(w.workload.selector)}): the chart's pods carry other labels, so every flow declared for it misses them`,
            "copy the selector labels the upstream chart renders on the pod template into the workload's selector",
          );
          continue;
        }
        pods.push({
          namespace,
          labels: { ...w.workload.selector },
          hostNetwork: false,
          ports: (w.workload.ingress ?? []).flatMap((f) => f.ports),
          source: `${w.component}/${w.workload.name} (declared${w.workload.operatorManaged ? ', made by an operator' : ''})`,
        });
      }
    }
    if (ctx.renderMode === 'own')
      ctx.notVerified(
        "network-flows: the upstream charts' pod labels (offline: pods stand in from the declared selectors)",
      );

    const name = (pod: Pod) => {
      const w = workloadOf(pod);
      return w ? `${w.component}/${w.workload.name}` : pod.source;
    };

    // 1. Every declared flow is allowed (ingress at its destination, egress at its source).
    const instances = (e: FlowEndpoint): Peer[] =>
      e.kind === 'entity'
        ? [{ entity: e.entity }]
        : pods.filter((p) => p.namespace === e.namespace && matchesLabels(e.selector, p.labels));
    for (const flow of net.flows) {
      for (const from of instances(flow.from))
        for (const to of instances(flow.to))
          for (const port of flow.ports) {
            const verdict = decide(rules, from, to, port);
            if (verdict !== 'allowed')
              error(
                owner(flow),
                `declared flow ${flow.name}`,
                `is blocked (${describePeer(from, name)} -> ${describePeer(to, name)} ${portText(port)}): ${verdict}`,
                'render the policies from the declaration (`pnpm build`), or fix the rule that blocks it',
              );
          }
    }

    // 2. Every pod the stack isolates is isolated for ingress.
    for (const pod of pods) {
      if (pod.hostNetwork || UNMANAGED_NAMESPACES.has(pod.namespace)) continue;
      if (!net.namespaces.has(pod.namespace)) {
        found.push({
          severity: 'warning',
          rule: 'network-flows',
          chart: 'idstack',
          where: pod.source,
          message: `runs in namespace ${pod.namespace}, which gets no policy from the stack: any pod can connect to it`,
          fix: "declare the workload in its component's network, or isolate the namespace yourself",
        });
        continue;
      }
      if (!rules.some((r) => r.ingress && selects(r, pod)))
        error(
          net.namespaces.get(pod.namespace) as string,
          pod.source,
          `pod ${name(pod)} is not isolated for ingress: every pod of the cluster can connect to it`,
          'give its namespace the default-deny policy (`pnpm build`)',
        );
    }

    // 3. Nothing undeclared is open: from an unrelated namespace, from the world, or between the stack's workloads.
    const probes: Peer[] = [
      {
        namespace: 'idstack-unrelated',
        labels: { app: 'any' },
        hostNetwork: false,
        ports: [],
        source: 'a pod of an unrelated namespace',
      },
      { entity: 'world' },
      ...pods.filter((p) => !p.hostNetwork && net.namespaces.has(p.namespace)),
    ];
    const declared = (from: Peer, to: Pod, port: NetworkPort) =>
      net.flows.some(
        (f) =>
          covers(f.to, to) &&
          covers(f.from, from) &&
          f.ports.some((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP')),
      );
    for (const to of pods) {
      if (to.hostNetwork || !net.namespaces.has(to.namespace)) continue;
      for (const port of uniquePorts(to.ports)) {
        const open = probes.filter(
          (from) => from !== to && decide(rules, from, to, port) === 'allowed' && !declared(from, to, port),
        );
        if (open.length === 0) continue;
        const w = workloadOf(to);
        error(
          w?.component ?? (net.namespaces.get(to.namespace) as string),
          `${name(to)} ${portText(port)}`,
          `undeclared path open: ${open.map((from) => `${describePeer(from, name)} -> ${name(to)} ${portText(port)}`).join(', ')} (no declared flow allows it, the rendered policies do)`,
          "narrow the policy that admits it, or declare the flow in the component's network",
        );
      }
    }
    // 4. Restricted egress stays restricted: the world and the API server only where a flow says so.
    for (const from of pods) {
      const w = workloadOf(from);
      if (!w?.workload.egress || from.hostNetwork) continue;
      const open = EGRESS_PROBES.filter(
        ({ entity, port }) =>
          decide(rules, from, { entity }, port) === 'allowed' &&
          !net.flows.some(
            (f) =>
              covers(f.from, from) &&
              f.to.kind === 'entity' &&
              (f.to.entity === entity || f.to.entity === 'all') &&
              f.ports.some((p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP')),
          ),
      );
      if (open.length)
        error(
          w.component,
          `${name(from)} egress`,
          `undeclared path open: ${open.map(({ entity, port }) => `${name(from)} -> ${entity} ${portText(port)}`).join(', ')} (its egress is restricted by declaration, the rendered policies let it out)`,
          "narrow the egress rule that admits it, or declare the flow in the component's network",
        );
    }
    return found;
  },
};

/** Where a workload with restricted egress must not get unless declared: the internet and the API server. */
const EGRESS_PROBES: readonly { entity: NetworkEntity; port: NetworkPort }[] = [
  { entity: 'world', port: { port: 443 } },
  { entity: 'world', port: { port: 80 } },
  { entity: 'kube-apiserver', port: { port: 6443 } },
];

/** A pod template as rendered, or a stand-in for one. */
interface Pod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly hostNetwork: boolean;
  readonly ports: readonly NetworkPort[];
  readonly source: string;
}
type Peer = Pod | { readonly entity: NetworkEntity };
const isPod = (p: Peer): p is Pod => 'namespace' in p;

const describePeer = (p: Peer, name: (pod: Pod) => string): string => (isPod(p) ? name(p) : p.entity);

/** The component that declared a flow (its destination's for ingress, its source's for egress). */
function owner(flow: ResolvedFlow): string {
  const end = flow.direction === 'ingress' ? flow.to : flow.from;
  return end.kind === 'workload' ? end.component : endpointName(end);
}

/** Does a declared flow end cover a concrete peer? (`all` covers everything, `cluster` every pod.) */
function covers(end: FlowEndpoint, peer: Peer): boolean {
  if (end.kind === 'entity') {
    if (end.entity === 'all') return true;
    if (isPod(peer)) return end.entity === 'cluster';
    return end.entity === peer.entity;
  }
  return isPod(peer) && peer.namespace === end.namespace && matchesLabels(end.selector, peer.labels);
}

function namespaceOf(object: Values, fallback: string): string {
  const meta = isPlainObject(object.metadata) ? object.metadata : {};
  return typeof meta.namespace === 'string' ? meta.namespace : fallback;
}

/** Pod templates of workload kinds. */
function podsOf(o: K8sObject & { namespace: string }): Pod[] {
  const spec = isPlainObject(o.object.spec) ? o.object.spec : {};
  let template: unknown;
  if (o.object.kind === 'Pod') template = o.object;
  else if (o.object.kind === 'CronJob')
    template = ((spec.jobTemplate as Values | undefined)?.spec as Values | undefined)?.template;
  else if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(String(o.object.kind)))
    template = spec.template;
  if (!isPlainObject(template)) return [];
  const meta = isPlainObject(template.metadata) ? template.metadata : {};
  const podSpec = isPlainObject(template.spec) ? template.spec : {};
  const containers = [
    ...(Array.isArray(podSpec.containers) ? podSpec.containers : []),
    ...(Array.isArray(podSpec.initContainers) ? podSpec.initContainers : []),
  ].filter(isPlainObject);
  const ports = containers.flatMap((c) =>
    (Array.isArray(c.ports) ? c.ports : [])
      .filter(isPlainObject)
      .filter((p) => typeof p.containerPort === 'number')
      .map((p) => ({
        port: p.containerPort as number,
        protocol: p.protocol === 'UDP' ? ('UDP' as const) : ('TCP' as const),
      })),
  );
  return [
    {
      namespace: o.namespace,
      labels: Object.fromEntries(
        Object.entries(isPlainObject(meta.labels) ? meta.labels : {}).map(([k, v]) => [k, String(v)]),
      ),
      hostNetwork: podSpec.hostNetwork === true,
      ports,
      source: `${o.file}: ${describeObject(o.object)}`,
    },
  ];
}

/** One rule of a CiliumNetworkPolicy (`spec` or an entry of `specs`), with the namespace it is bound to. */
interface PolicyRule {
  readonly namespace: string | undefined;
  readonly endpointSelector: Values;
  readonly ingress?: readonly Values[];
  readonly ingressDeny?: readonly Values[];
  readonly egress?: readonly Values[];
  readonly egressDeny?: readonly Values[];
}

function policyRules(o: K8sObject & { namespace: string }): PolicyRule[] {
  const kind = o.object.kind;
  if (!String(o.object.apiVersion ?? '').startsWith('cilium.io/')) return [];
  if (kind !== 'CiliumNetworkPolicy' && kind !== 'CiliumClusterwideNetworkPolicy') return [];
  const namespace = kind === 'CiliumNetworkPolicy' ? o.namespace : undefined;
  const specs = [
    ...(isPlainObject(o.object.spec) ? [o.object.spec] : []),
    ...(Array.isArray(o.object.specs) ? o.object.specs.filter(isPlainObject) : []),
  ];
  const list = (v: unknown) => (Array.isArray(v) ? v.filter(isPlainObject) : undefined);
  return specs
    .filter((s) => isPlainObject(s.endpointSelector))
    .map((s) => {
      const defaults = isPlainObject(s.enableDefaultDeny) ? s.enableDefaultDeny : {};
      return {
        namespace,
        endpointSelector: s.endpointSelector as Values,
        // enableDefaultDeny false: the rule adds allows without isolating (treated as not isolating here).
        ingress: defaults.ingress === false ? undefined : list(s.ingress),
        ingressDeny: list(s.ingressDeny),
        egress: defaults.egress === false ? undefined : list(s.egress),
        egressDeny: list(s.egressDeny),
      };
    });
}

/** A label key as Cilium compares it: without the `k8s:` / `any:` source prefix. */
const bare = (key: string) => key.replace(/^(k8s|any):/, '');
const NAMESPACE_KEY = 'io.kubernetes.pod.namespace';

function matchesLabels(
  selector: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
): boolean {
  return Object.entries(selector).every(([k, v]) => labels[bare(k)] === v);
}

/** Does a Cilium endpoint selector select a pod (bound to `namespace` unless the selector names one)? */
function selectorSelects(selector: Values, pod: Pod, namespace: string | undefined): boolean {
  const labels: Record<string, string> = { ...pod.labels, [NAMESPACE_KEY]: pod.namespace };
  const matchLabels = Object.fromEntries(
    Object.entries(isPlainObject(selector.matchLabels) ? selector.matchLabels : {}).map(([k, v]) => [
      bare(k),
      String(v),
    ]),
  );
  const expressions = (Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []).filter(
    isPlainObject,
  );
  const namesNamespace =
    NAMESPACE_KEY in matchLabels || expressions.some((e) => bare(String(e.key)) === NAMESPACE_KEY);
  if (namespace !== undefined && !namesNamespace && pod.namespace !== namespace) return false;
  return matchesLabelSelector(
    {
      matchLabels,
      matchExpressions: expressions.map((e) => ({
        key: bare(String(e.key)),
        operator: String(e.operator),
        values: (Array.isArray(e.values) ? e.values : []).map(String),
      })),
    },
    labels,
  );
}

const selects = (rule: PolicyRule, pod: Pod) => selectorSelects(rule.endpointSelector, pod, rule.namespace);

/** Entities an entity selector term admits a peer as (`cluster` holds the nodes and the API server too). */
function entityMatches(entities: readonly unknown[], peer: Peer): boolean {
  const list = entities.map(String);
  if (list.includes('all')) return true;
  if (isPod(peer)) return list.includes('cluster');
  if (list.includes(peer.entity)) return true;
  return list.includes('cluster') && ['host', 'remote-node', 'kube-apiserver'].includes(peer.entity);
}

/** Does one ingress/egress entry admit `peer` (the other end) on `port`? */
function entryAdmits(
  entry: Values,
  peer: Peer,
  port: NetworkPort,
  direction: 'from' | 'to',
  namespace: string | undefined,
): boolean {
  const endpoints = entry[`${direction}Endpoints`];
  const entities = entry[`${direction}Entities`];
  const hasPeer =
    Array.isArray(endpoints) ||
    Array.isArray(entities) ||
    entry[`${direction}CIDR`] !== undefined ||
    entry[`${direction}CIDRSet`] !== undefined;
  if (!hasPeer && entry.toPorts === undefined) return false; // an empty rule only isolates
  const peerOk =
    !hasPeer ||
    (Array.isArray(endpoints) &&
      isPod(peer) &&
      endpoints.filter(isPlainObject).some((s) => selectorSelects(s, peer, namespace))) ||
    (Array.isArray(entities) && entityMatches(entities, peer)) ||
    ((entry[`${direction}CIDR`] !== undefined || entry[`${direction}CIDRSet`] !== undefined) &&
      !isPod(peer) &&
      peer.entity === 'world');
  return peerOk && portsAdmit(entry.toPorts, port);
}

function portsAdmit(toPorts: unknown, port: NetworkPort): boolean {
  if (!Array.isArray(toPorts)) return true;
  const protocol = port.protocol ?? 'TCP';
  return toPorts.filter(isPlainObject).some((tp) =>
    (Array.isArray(tp.ports) ? tp.ports : []).filter(isPlainObject).some((p) => {
      const first = Number(p.port);
      const last = typeof p.endPort === 'number' ? p.endPort : first;
      const proto = String(p.protocol ?? 'ANY');
      return port.port >= first && port.port <= last && (proto === 'ANY' || proto === protocol);
    }),
  );
}

/**
 * Cilium's verdict for a connection: the destination's ingress rules, then the source's egress rules (a pod's). A
 * deny rule that matches wins; an isolated side needs an allow rule that matches.
 */
function decide(rules: readonly PolicyRule[], from: Peer, to: Peer, port: NetworkPort): 'allowed' | string {
  if (isPod(to) && !to.hostNetwork) {
    const mine = rules.filter((r) => selects(r, to));
    const admits = (key: 'ingress' | 'ingressDeny') =>
      mine.some((r) => (r[key] ?? []).some((e) => entryAdmits(e, from, port, 'from', r.namespace)));
    if (admits('ingressDeny')) return 'an ingressDeny rule of the destination drops it';
    if (mine.some((r) => r.ingress) && !admits('ingress'))
      return 'no ingress rule of the policies that select the destination admits it';
  }
  if (isPod(from) && !from.hostNetwork) {
    const mine = rules.filter((r) => selects(r, from));
    const admits = (key: 'egress' | 'egressDeny') =>
      mine.some((r) => (r[key] ?? []).some((e) => entryAdmits(e, to, port, 'to', r.namespace)));
    if (admits('egressDeny')) return 'an egressDeny rule of the source drops it';
    if (mine.some((r) => r.egress) && !admits('egress'))
      return "the source's egress is restricted and no egress rule admits it";
  }
  return 'allowed';
}

function uniquePorts(ports: readonly NetworkPort[]): NetworkPort[] {
  const seen = new Map<string, NetworkPort>();
  for (const p of ports) seen.set(portText(p), p);
  return [...seen.values()];
}
