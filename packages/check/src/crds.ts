import type { Values } from '@idstack/core';
import type { CheckContext, K8sObject } from './types.js';
import { type CrdInfo, crdInfo, crdKey } from './upstream.js';

/**
 * Every rendered object of every Application, in sync order: what Argo CD applies (full render) or, offline, each
 * chart's own templates. The one source of objects for the rules.
 */
export async function renderedObjects(ctx: CheckContext): Promise<K8sObject[]> {
  return (await ctx.render()).applications.flatMap((a) => a.objects);
}

/** Is the object from the umbrella's own templates (not from an upstream chart)? */
export const isOwnObject = (o: K8sObject): boolean => o.file.startsWith(`charts/${o.chart}/templates/`);

/** The CRDs among rendered objects (so CRs of the same or a later Application can use them). */
export function ownCrds(objects: readonly K8sObject[]): { crd: CrdInfo; owner: K8sObject }[] {
  const out: { crd: CrdInfo; owner: K8sObject }[] = [];
  for (const o of objects) {
    const crd = crdInfo(o.object, o.file);
    if (crd) out.push({ crd, owner: o });
  }
  return out;
}

/** Every known CRD: the pinned upstream ones and those the render contains (the latter win). */
export async function knownCrds(ctx: CheckContext): Promise<Map<string, CrdInfo>> {
  const all = new Map(ctx.upstream.crds());
  for (const { crd } of ownCrds(await renderedObjects(ctx))) all.set(crdKey(crd.group, crd.kind), crd);
  return all;
}

/** `group` and `version` of an apiVersion (`v1` is the core group ""). */
export function splitApiVersion(apiVersion: unknown): { group: string; version: string } {
  const s = String(apiVersion ?? '');
  const slash = s.lastIndexOf('/');
  return slash < 0 ? { group: '', version: s } : { group: s.slice(0, slash), version: s.slice(slash + 1) };
}

/** Groups served by Kubernetes itself (their kinds are validated with kubernetes-models). */
export function isBuiltInGroup(group: string): boolean {
  return (
    group === '' ||
    ['apps', 'batch', 'policy', 'autoscaling', 'extensions'].includes(group) ||
    group.endsWith('.k8s.io')
  );
}

/** Cluster-scoped built-in kinds (everything else built in is namespaced). */
export const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'APIService',
  'CertificateSigningRequest',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'DeviceClass',
  'IPAddress',
  'ServiceCIDR',
]);

/** Is the object namespaced (built-in list, else its CRD's scope; unknown kinds count as namespaced)? */
export function isNamespaced(object: Values, crds: ReadonlyMap<string, CrdInfo>): boolean {
  const { group } = splitApiVersion(object.apiVersion);
  const kind = String(object.kind);
  if (isBuiltInGroup(group)) return !CLUSTER_SCOPED_KINDS.has(kind);
  return crds.get(crdKey(group, kind))?.scope !== 'Cluster';
}
