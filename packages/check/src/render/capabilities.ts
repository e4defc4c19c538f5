import type { K8sObject } from '../types.js';

/**
 * The Kubernetes version the render assumes. Argo CD passes the destination cluster's own (`--kube-version`); a
 * check has no cluster, so it renders for one current release that satisfies every chart's `kubeVersion`.
 */
export const RENDER_KUBE_VERSION = '1.34.0';

/**
 * The built-in API group/versions a 1.34 API server serves (what Argo CD passes as `--api-versions` before any CRD
 * exists). Charts test `.Capabilities.APIVersions.Has` against these.
 */
export const BUILT_IN_API_VERSIONS: readonly string[] = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1',
  'apiregistration.k8s.io/v1',
  'apps/v1',
  'authentication.k8s.io/v1',
  'authorization.k8s.io/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'batch/v1',
  'certificates.k8s.io/v1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'events.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1',
  'networking.k8s.io/v1',
  'node.k8s.io/v1',
  'policy/v1',
  'rbac.authorization.k8s.io/v1',
  'resource.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1',
];

/**
 * The `group/version` and `group/version/Kind` entries the CRDs among `objects` add to the API server (what Argo CD
 * passes for a cluster where those CRDs are installed).
 */
export function apiVersionsOfCrds(objects: readonly K8sObject[]): string[] {
  const out: string[] = [];
  for (const { object } of objects) {
    if (object.kind !== 'CustomResourceDefinition') continue;
    const spec = (object.spec ?? {}) as {
      group?: string;
      names?: { kind?: string };
      versions?: { name?: string; served?: boolean }[];
    };
    for (const v of spec.versions ?? []) {
      if (!spec.group || !v.name || v.served === false) continue;
      out.push(`${spec.group}/${v.name}`);
      if (spec.names?.kind) out.push(`${spec.group}/${v.name}/${spec.names.kind}`);
    }
  }
  return out;
}
