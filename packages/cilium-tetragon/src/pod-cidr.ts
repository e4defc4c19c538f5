import type { Stack } from '@idstack/core';
import type { Options } from './options.js';

/** The pod CIDR each distribution allocates node podCIDRs from by default (ipam kubernetes). */
const DISTRIBUTION_POD_CIDRS: Readonly<Record<Options['distribution'], string | undefined>> = {
  k3s: '10.42.0.0/16',
  talos: '10.244.0.0/16',
  // kubeadm and friends: whatever --pod-network-cidr said; nothing to assume.
  generic: undefined,
};

/**
 * The cluster's pod CIDR as this stack's Cilium settings imply it: `clusterPoolCidr` with ipam cluster-pool, else the
 * distribution's default (undefined for generic). Other components trust in-cluster proxies (cloudflared, Traefik)
 * by it. `stack.components['cilium-tetragon']` holds the validated options, defaults applied.
 */
export function podCidr(stack: Stack): string | undefined {
  const options = stack.components['cilium-tetragon'] as unknown as Options | undefined;
  if (!options) return undefined;
  return options.ipam === 'cluster-pool'
    ? options.clusterPoolCidr
    : DISTRIBUTION_POD_CIDRS[options.distribution];
}
