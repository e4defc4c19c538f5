import type { NetworkPolicyMode, Values } from '@idstack/core';
import type { Distribution, Options } from './options.js';

/** Hubble UI's Service, which authentik-db exposes behind forward-auth (keep the names stable: it imports this). */
export const hubbleUi = { service: 'hubble-ui', namespace: 'kube-system', port: 80 } as const;

/**
 * Capabilities of the cilium-agent container on Talos: cilium 1.20.0's default list without SYS_MODULE, which Talos
 * refuses to every process (the container would not even start). The test compares it with the pinned values.yaml.
 */
export const TALOS_AGENT_CAPABILITIES = [
  'CHOWN',
  'KILL',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'SYS_ADMIN',
  'SYS_RESOURCE',
  'DAC_OVERRIDE',
  'FOWNER',
  'SETGID',
  'SETUID',
  'SYSLOG',
] as const;

/** The clean-cilium-state init container's default capabilities, again without SYS_MODULE. */
export const TALOS_CLEAN_STATE_CAPABILITIES = ['NET_ADMIN', 'SYS_ADMIN', 'SYS_RESOURCE'] as const;

/** The API endpoint every node reaches before Services work. */
export function apiEndpoint(options: Options): { host: string; port: number } {
  const talos = options.distribution === 'talos';
  return {
    // KubePrism (on by default since Talos 1.6) load-balances the API servers on every node at localhost:7445.
    host: options.k8sServiceHost ?? (talos ? 'localhost' : '127.0.0.1'),
    port: options.k8sServicePort ?? (talos ? 7445 : 6443),
  };
}

/** What a distribution needs beyond the common values. */
function distributionValues(distribution: Distribution): Values {
  if (distribution !== 'talos') return {};
  return {
    securityContext: {
      capabilities: {
        ciliumAgent: [...TALOS_AGENT_CAPABILITIES],
        cleanCiliumState: [...TALOS_CLEAN_STATE_CAPABILITIES],
      },
    },
    // Talos already mounts cgroup2 at /sys/fs/cgroup (and bpffs); the auto-mount init container would fail there.
    cgroup: { autoMount: { enabled: false }, hostRoot: '/sys/fs/cgroup' },
  };
}

/**
 * Where Cilium keeps the TLS secrets of its policies and TLS interception: the chart creates this namespace and
 * Roles in it (upstream default `tls.secretsNamespace`), so the component declares it and the AppProject permits it.
 */
export const CILIUM_SECRETS_NAMESPACE = 'cilium-secrets';

/** Values of the upstream cilium chart (every key exists in the pinned 1.20.0 values.yaml; the test walks them). */
export function ciliumValues(options: Options, networkPolicy: NetworkPolicyMode = 'audit'): Values {
  const { host, port } = apiEndpoint(options);
  return {
    // stack.yaml's networkPolicy: audit logs every verdict to Hubble and drops nothing; enforce drops.
    policyAuditMode: networkPolicy === 'audit',
    // Explicit: `auto` looks the endpoint up at install time, which `helm template` (Argo CD) cannot do.
    k8sServiceHost: host,
    k8sServicePort: port,
    // Upstream's own string form ("true"/"false"), which its templates compare against.
    kubeProxyReplacement: options.kubeProxyReplacement ? 'true' : 'false',
    ipam: {
      mode: options.ipam,
      ...(options.ipam === 'cluster-pool'
        ? { operator: { clusterPoolIPv4PodCIDRList: [options.clusterPoolCidr] } }
        : {}),
    },
    operator: { replicas: options.operatorReplicas },
    // Restart the agents when their ConfigMap changes, so a values change through Argo CD takes effect.
    rollOutCiliumPods: true,
    hubble: {
      enabled: true,
      relay: { enabled: true },
      // No Ingress here: authentik-db puts the UI behind SSO forward-auth.
      ui: { enabled: true, ingress: { enabled: false } },
      tls: {
        enabled: true,
        // `helm` would generate new certificates on every render (permanent OutOfSync); a certgen CronJob creates
        // them once in-cluster and renews them. cert-manager is no option: it arrives after the CNI.
        auto: { enabled: true, method: 'cronJob' },
      },
    },
    // Stated, not inherited: the AppProject permits exactly this namespace (otherNamespaces of the component).
    tls: { secretsNamespace: { create: true, name: CILIUM_SECRETS_NAMESPACE } },
    ...distributionValues(options.distribution),
  };
}
