/**
 * Network flows as data: the workloads a component runs, who may connect to them and, where egress is restricted,
 * what they may connect to. Core renders them as CiliumNetworkPolicies (network-policy.ts); `idstack check`
 * simulates them (rule `network-flows`).
 */

/** How `stack.yaml` rolls the policies out (`networkPolicy`). */
export const NETWORK_POLICY_MODES = ['audit', 'enforce', 'off'] as const;
export type NetworkPolicyMode = (typeof NETWORK_POLICY_MODES)[number];

/**
 * Cilium's reserved identities a flow can come from or go to: `world` (outside the cluster), `cluster` (every
 * endpoint of the cluster), `host` (the local node: kubelet probes), `remote-node` (other nodes, host-network pods
 * there), `kube-apiserver` (webhooks calling in, controllers calling out), `all` (anything).
 */
export const NETWORK_ENTITIES = ['world', 'cluster', 'host', 'remote-node', 'kube-apiserver', 'all'] as const;
export type NetworkEntity = (typeof NETWORK_ENTITIES)[number];

/** A port a flow uses: the pod's (container) port, as the policy sees it after Service translation. */
export interface NetworkPort {
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: 'TCP' | 'UDP';
}

/**
 * The other end of a flow: a workload (of this component unless `component` names another; flows with a disabled
 * component's workload are dropped), or a Cilium entity.
 */
export type NetworkPeer =
  | {
      /** The workload's `name` in its component's {@link NetworkWorkload} list. */
      readonly workload: string;
      /** The component declaring it. @default this component */
      readonly component?: string;
    }
  | { readonly entity: NetworkEntity };

/** Who may open connections to a workload, on which ports. */
export interface InboundFlow {
  readonly from: NetworkPeer;
  /** Ports of the workload's pods it may reach. */
  readonly ports: readonly NetworkPort[];
  /** Why the flow exists (the policy rule's description, the README matrix). */
  readonly why: string;
}

/** Where a workload with restricted egress may connect (DNS to kube-dns is always allowed). */
export interface OutboundFlow {
  readonly to: NetworkPeer;
  /** Ports at the destination. */
  readonly ports: readonly NetworkPort[];
  readonly why: string;
}

/** The pods of one workload, as its chart (or its operator) creates them. */
export interface NetworkWorkload {
  /** Short name, unique within the component: `server`, `postgres`. */
  readonly name: string;
  /** What it is, for the README. */
  readonly description: string;
  /** Namespace of its pods. @default the component's namespace */
  readonly namespace?: string;
  /**
   * Labels that select exactly its pods: the selector labels the chart renders on its pod template (read from the
   * upstream chart's templates; `idstack check` fails when they select no rendered pod).
   */
  readonly selector: Readonly<Record<string, string>>;
  /**
   * Its pods are created by an operator from a custom resource, not rendered by a chart (CloudNativePG's
   * instances): the check takes their labels from the selector. @default false
   */
  readonly operatorManaged?: boolean;
  /**
   * Its pods appear in the namespaces of other components (cert-manager's HTTP-01 solvers, created where the
   * Certificate is): its rules land in every namespace that gets policies. @default false
   */
  readonly inEveryNamespace?: boolean;
  /** Who may connect to it. @default nobody but the node (kubelet probes) */
  readonly ingress?: readonly InboundFlow[];
  /** When set, the only places it may connect to (plus DNS). @default unrestricted egress */
  readonly egress?: readonly OutboundFlow[];
}

/** The namespace label Cilium gives every endpoint (selectors across namespaces use it). */
export const CILIUM_NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';

/** kube-dns (CoreDNS) pods, reached by every workload with restricted egress. */
export const KUBE_DNS = {
  namespace: 'kube-system',
  selector: { 'k8s-app': 'kube-dns' },
  ports: [
    { port: 53, protocol: 'UDP' },
    { port: 53, protocol: 'TCP' },
  ],
} as const;

/** The API server's ports as a pod reaches them (the Service's 443, the endpoint's 6443 after translation). */
export const KUBE_APISERVER_PORTS: readonly NetworkPort[] = [{ port: 443 }, { port: 6443 }];

/** Namespaces never given policies: the node's own system pods (and Cilium itself) live there. */
export const UNMANAGED_NAMESPACES: ReadonlySet<string> = new Set(['kube-system']);

/** A port as text: `5432/TCP`. */
export const portText = (p: NetworkPort): string => `${p.port}/${p.protocol ?? 'TCP'}`;
