import { apiEndpoint, hubbleUi } from './cilium.js';
import { DISTRIBUTION_NAMESPACES, type Options } from './options.js';
import { SHELL_POLICY_NAME, sparedNamespaces } from './policy.js';

const code = (s: string): string => `\`${s}\``;

/** What the distribution needs before Cilium can be the CNI. */
function distributionSteps(options: Options): string[] {
  const { host, port } = apiEndpoint(options);
  const kpr = options.kubeProxyReplacement;
  switch (options.distribution) {
    case 'k3s':
      return [
        `k3s without its own CNI, network policy and ingress: start every server with ${code(
          [
            '--flannel-backend=none',
            '--disable-network-policy',
            ...(kpr ? ['--disable-kube-proxy'] : []),
            '--disable=traefik',
          ].join(' '),
        )} (or the same keys in /etc/rancher/k3s/config.yaml). ${kpr ? '`--disable-kube-proxy` because Cilium replaces kube-proxy; ' : ''}\`--disable=traefik\` because idstack brings its own Traefik (keep servicelb, or use Cilium LB-IPAM, so its LoadBalancer Service gets an address). Nodes stay NotReady until Cilium runs.`,
        `Cilium reaches the API server at ${code(`${host}:${port}`)} before any Service exists. That works on k3s servers; with agent nodes set ${code('components.cilium-tetragon.k8sServiceHost')} to a server IP or a VIP every node reaches.`,
      ];
    case 'talos':
      return [
        `Talos machine config patch before bootstrap: ${code('cluster.network.cni.name: none')}${kpr ? ` and ${code('cluster.proxy.disabled: true')} (Cilium replaces kube-proxy)` : ''}. Keep KubePrism on (default since Talos 1.6): Cilium reaches the API server at ${code(`${host}:${port}`)}.`,
        'On Talos this chart drops SYS_MODULE from the Cilium capabilities (Talos refuses it to every process) and uses the cgroup2 mount at /sys/fs/cgroup that Talos provides (cgroup.autoMount off).',
      ];
    case 'generic':
      return [
        `Create the cluster without a CNI${kpr ? ' and without kube-proxy (kubeadm: `--skip-phases=addon/kube-proxy`)' : ''}, with node pod CIDRs allocated (kubeadm: \`--pod-network-cidr\`) when ipam is kubernetes.`,
        `Cilium reaches the API server at ${code(`${host}:${port}`)} before any Service exists: set ${code('components.cilium-tetragon.k8sServiceHost')} to an address every node reaches (a control-plane IP or a VIP).`,
      ];
  }
}

/** What the shell policy does in this build, and how to move between audit and enforce (README "How it works"). */
export function shellPolicyNotes(options: Options): string {
  return shellPolicyParagraphs(options).join('\n\n');
}

function shellPolicyParagraphs(options: Options): string[] {
  const p = options.shellPolicy;
  const key = 'components.cilium-tetragon.shellPolicy';
  if (p.mode === 'off') return [`The block-shell policy is off (${code(`${key}.mode: off`)}).`];
  const verb =
    p.mode === 'enforce'
      ? 'KILLS (SIGKILL, the exec never runs)'
      : 'REPORTS (audit: Post, nothing is killed)';
  const where =
    p.scope === 'cluster'
      ? `every pod outside the spared namespaces ${sparedNamespaces(options).map(code).join(', ') || '(none)'}${p.spareDistributionNamespaces && DISTRIBUTION_NAMESPACES[options.distribution].length ? ` (${DISTRIBUTION_NAMESPACES[options.distribution].map(code).join(', ')}: ${options.distribution}'s own shell-based system pods, e.g. the local-path provisioner's helper pods; ${code(`${key}.spareDistributionNamespaces: false`)} to protect them too)` : ''}`
      : `every pod in ${p.namespaces.map(code).join(', ')} (TracingPolicyNamespaced; these namespaces must exist)`;
  return [
    `The Tetragon policy ${code(SHELL_POLICY_NAME)} ${verb} any exec of ${p.binaries.map(code).join(', ')} in ${where}. Host processes are never matched (podSelector). It also catches shell-script entrypoints (#!/bin/sh) and, through /bin/busybox, every busybox applet. Spare one workload with the pod label ${code(`${p.optOutLabel}: "true"`)}. Tetragon learns pods from the API server, so the first moments of a brand-new container are best effort (its runtime hooks, off here, would close that gap).`,
    `Audit before enforcing: set ${code(`${key}.mode: audit`)}, rebuild and sync, watch ${code(`kubectl logs -n kube-system -l app.kubernetes.io/name=tetragon -c export-stdout -f --prefix | grep ${SHELL_POLICY_NAME}`)} for workloads that legitimately run shells (label them or spare their namespace), then set ${code(`${key}.mode: enforce`)} again.`,
  ];
}

/** Steps outside the cluster, for this build's options. */
export function manualSteps(options: Options): string[] {
  return [
    'Cilium is the CNI, so `pnpm idstack bootstrap` installs it with helm before Argo CD exists, from this very chart and values, with `shellPolicy.enabled=false` and `networkPolicies.enabled=false` (a plain helm install cannot create the TracingPolicy in the same release as its CRD, nor CiliumNetworkPolicies before the agent has installed theirs; Argo CD adds both on its first sync). The Application then adopts the release and never prunes it.',
    ...distributionSteps(options),
    `Hubble UI has no Ingress here: authentik-db serves it behind SSO, or run ${code(`kubectl -n ${hubbleUi.namespace} port-forward svc/${hubbleUi.service} 12000:${hubbleUi.port}`)}.`,
  ];
}
