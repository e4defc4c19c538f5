import type { Values } from './merge.js';
import type { Plan, PlannedComponent } from './plan.js';

/** Namespace Argo CD runs in, where every Application object lives. */
export const ARGOCD_NAMESPACE = 'argocd';
/** The AppProject every component Application belongs to. */
export const COMPONENT_PROJECT = 'idstack';
/** The AppProject of the root app-of-apps: it may only create Applications and the component AppProject. */
export const ROOT_PROJECT = 'idstack-root';
export const IN_CLUSTER = 'https://kubernetes.default.svc';
export const WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';
export const CASCADE_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

const LABELS = { 'app.kubernetes.io/part-of': 'idstack', 'app.kubernetes.io/managed-by': 'idstack' };

function repoPath(plan: Plan, ...parts: string[]): string {
  return [plan.stack.source.path, ...parts].filter(Boolean).join('/');
}

/**
 * A released chart as Argo CD 3.1+ reads it natively: `oci://<registry>/<path>/<chart>` (the registry prefix plus the
 * chart name), with nothing registered in Argo CD (the older `<registry>/<path>` + `chart:` form needs a repository
 * registered with `enableOCI`).
 */
export function ociChartURL(plan: Plan, chart: string): string {
  return `${plan.stack.source.registry.replace(/\/+$/, '')}/${chart}`;
}

/** The Application source: the chart folder in git, or the released chart in the OCI registry. */
export function applicationSource(plan: Plan, planned: PlannedComponent): Values {
  const { name } = planned.component;
  const helm = { releaseName: name };
  if (plan.stack.source.charts === 'oci') {
    // Argo CD's native OCI source: the artifact at its exact version, the chart at the artifact's root.
    return { repoURL: ociChartURL(plan, name), targetRevision: planned.package.version, path: '.', helm };
  }
  return {
    repoURL: plan.stack.source.repoURL,
    targetRevision: plan.stack.source.targetRevision,
    path: repoPath(plan, 'charts', name),
    helm,
  };
}

/** `cluster/apps/<name>.yaml`: the component's Argo CD Application. */
export function renderApplication(plan: Plan, planned: PlannedComponent): Values {
  const { component, argocd } = planned;
  const syncOptions = [
    'CreateNamespace=true',
    'PruneLast=true',
    ...(argocd.serverSideApply ? ['ServerSideApply=true'] : []),
    ...(argocd.ignoreDifferences.length ? ['RespectIgnoreDifferences=true'] : []),
    ...argocd.syncOptions,
  ];
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: {
      name: component.name,
      namespace: ARGOCD_NAMESPACE,
      labels: { ...LABELS, 'idstack.dev/tier': component.tier },
      annotations: { [WAVE_ANNOTATION]: String(planned.wave) },
      // Cascading delete only where Argo CD may delete at all (never the CNI, never Argo CD itself).
      ...(argocd.prune ? { finalizers: [CASCADE_FINALIZER] } : {}),
    },
    spec: {
      project: COMPONENT_PROJECT,
      source: applicationSource(plan, planned),
      destination: { server: IN_CLUSTER, namespace: component.namespace },
      syncPolicy: {
        automated: { prune: argocd.prune, selfHeal: argocd.selfHeal },
        syncOptions: [...new Set(syncOptions)],
        ...(argocd.namespaceMetadata ? { managedNamespaceMetadata: argocd.namespaceMetadata } : {}),
        retry: argocd.retry,
      },
      ...(argocd.ignoreDifferences.length ? { ignoreDifferences: argocd.ignoreDifferences } : {}),
    },
  };
}

/** Every namespace the stack deploys into (and nothing more: `idstack check` proves each is rendered into). */
export function stackNamespaces(plan: Plan): string[] {
  const all = new Set<string>();
  for (const { component, otherNamespaces, externalNamespaces } of plan.components) {
    all.add(component.namespace);
    for (const ns of [...otherNamespaces, ...externalNamespaces]) all.add(ns);
  }
  return [...all].sort();
}

/**
 * The AppProject of the components: this repository (or the chart registry) and the pinned upstream chart
 * repositories as sources, only the stack's namespaces as destinations.
 */
export function renderComponentProject(plan: Plan): Values {
  const sources = new Set<string>();
  for (const planned of plan.components) {
    // Exactly the repoURL each Application names: this repository, or the chart's own OCI artifact.
    sources.add(applicationSource(plan, planned).repoURL as string);
    for (const c of planned.charts) sources.add(c.repository);
  }
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: {
      name: COMPONENT_PROJECT,
      namespace: ARGOCD_NAMESPACE,
      labels: LABELS,
      // Before every Application that uses it.
      annotations: { [WAVE_ANNOTATION]: '-1' },
    },
    spec: {
      description:
        "idstack components: only this repository and the pinned upstream charts, only the stack's namespaces",
      sourceRepos: [...sources].sort(),
      destinations: stackNamespaces(plan).map((namespace) => ({ server: IN_CLUSTER, namespace })),
      // Upstream charts install CRDs, cluster roles, webhooks, ingress classes and cluster-wide policies.
      clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      namespaceResourceWhitelist: [{ group: '*', kind: '*' }],
      orphanedResources: { warn: true },
    },
  };
}

/**
 * `cluster/root.yaml`: applied once by hand (or by bootstrap). The root project may only take this repository's
 * `cluster/apps` folder and create Applications and the component AppProject in the Argo CD namespace.
 */
export function renderRoot(plan: Plan): Values[] {
  const retry = { limit: 10, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } };
  return [
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: ROOT_PROJECT, namespace: ARGOCD_NAMESPACE, labels: LABELS },
      spec: {
        description:
          'idstack root app-of-apps: creates the component Applications and their AppProject, nothing else',
        sourceRepos: [plan.stack.source.repoURL],
        destinations: [{ server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE }],
        clusterResourceWhitelist: [],
        namespaceResourceWhitelist: [
          { group: 'argoproj.io', kind: 'Application' },
          { group: 'argoproj.io', kind: 'AppProject' },
        ],
      },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: {
        name: 'idstack',
        namespace: ARGOCD_NAMESPACE,
        labels: LABELS,
        finalizers: [CASCADE_FINALIZER],
      },
      spec: {
        project: ROOT_PROJECT,
        source: {
          repoURL: plan.stack.source.repoURL,
          targetRevision: plan.stack.source.targetRevision,
          path: repoPath(plan, 'cluster', 'apps'),
          directory: { recurse: false },
        },
        destination: { server: IN_CLUSTER, namespace: ARGOCD_NAMESPACE },
        syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['PruneLast=true'], retry },
      },
    },
  ];
}
