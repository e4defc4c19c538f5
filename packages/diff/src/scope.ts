import type { Values } from '@idstack/core';
import { groupOf, record } from './tree.js';

/** Built-in Kubernetes kinds that are cluster-scoped (`kubectl api-resources --namespaced=false`). */
const BUILTIN_CLUSTER_SCOPED = new Set([
  'APIService',
  'CertificateSigningRequest',
  'ClusterRole',
  'ClusterRoleBinding',
  'ComponentStatus',
  'CSIDriver',
  'CSINode',
  'CustomResourceDefinition',
  'FlowSchema',
  'IngressClass',
  'IPAddress',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'MutatingWebhookConfiguration',
  'Namespace',
  'Node',
  'PersistentVolume',
  'PriorityClass',
  'PriorityLevelConfiguration',
  'RuntimeClass',
  'ServiceCIDR',
  'StorageClass',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ValidatingWebhookConfiguration',
  'VolumeAttachment',
]);

/** Cluster-scoped custom kinds the stack's own templates use whose names do not start with `Cluster`. */
const KNOWN_CLUSTER_SCOPED = new Set([
  'TracingPolicy',
  'CiliumNode',
  'CiliumIdentity',
  'CiliumExternalWorkload',
  'CiliumLoadBalancerIPPool',
  'CiliumBGPPeeringPolicy',
  'CiliumBGPAdvertisement',
  'CiliumBGPPeerConfig',
  'CiliumCIDRGroup',
  'CiliumL2AnnouncementPolicy',
  'CiliumPodIPPool',
]);

/**
 * Decides whether a kind is cluster-scoped, as Argo CD does before it puts an Application's namespace on a
 * namespaced object that names none: from the CustomResourceDefinitions in the render (the full render includes
 * the upstream charts' CRDs), else the built-in kinds, else the stack's known custom kinds and the `Cluster<Name>`
 * convention (cert-manager, SPIRE, Cilium).
 */
export function scopeResolver(
  renders: Iterable<readonly Values[]>,
): (group: string, kind: string) => 'Cluster' | 'Namespaced' {
  const fromCrds = new Map<string, string>();
  for (const objects of renders)
    for (const o of objects) {
      if (o.kind !== 'CustomResourceDefinition' || groupOf(o) !== 'apiextensions.k8s.io') continue;
      const spec = record(o.spec);
      const kind = record(spec.names).kind;
      if (typeof spec.group === 'string' && typeof kind === 'string' && typeof spec.scope === 'string')
        fromCrds.set(`${spec.group}/${kind}`, spec.scope);
    }
  return (group, kind) => {
    const declared = fromCrds.get(`${group}/${kind}`);
    if (declared) return declared === 'Cluster' ? 'Cluster' : 'Namespaced';
    if (!group.includes('.') || group.endsWith('.k8s.io'))
      return BUILTIN_CLUSTER_SCOPED.has(kind) ? 'Cluster' : 'Namespaced';
    return KNOWN_CLUSTER_SCOPED.has(kind) || /^Cluster[A-Z]/.test(kind) ? 'Cluster' : 'Namespaced';
  };
}
