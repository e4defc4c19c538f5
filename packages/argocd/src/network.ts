import type { NetworkWorkload } from '@idstack/core';

/** Selector labels argo-cd 10.1.1 renders on each component's pods (`argo-cd.selectorLabels`: `argocd-<name>`). */
const pods = (name: string) => ({
  'app.kubernetes.io/name': `argocd-${name}`,
  'app.kubernetes.io/instance': 'argocd',
});

/** Traefik, which routes the Argo CD host (declared by the ingress component). */
const traefik = { component: 'ingress', workload: 'traefik' } as const;

/**
 * Argo CD's workloads and flows (ports are the chart's containerPorts). The chart's own NetworkPolicies (on by
 * default) let every namespace reach the server and the metrics ports; these replace them.
 */
export function argocdNetwork(): NetworkWorkload[] {
  return [
    {
      name: 'server',
      description: 'Argo CD API and UI',
      selector: pods('server'),
      ingress: [{ from: traefik, ports: [{ port: 8080 }], why: 'the Argo CD host (UI, API, gRPC-web)' }],
    },
    {
      name: 'repo-server',
      description: 'renders the charts',
      selector: pods('repo-server'),
      ingress: [
        { from: { workload: 'server' }, ports: [{ port: 8081 }], why: 'manifests for the UI and API' },
        {
          from: { workload: 'application-controller' },
          ports: [{ port: 8081 }],
          why: 'manifests to compare and sync',
        },
        {
          from: { workload: 'applicationset-controller' },
          ports: [{ port: 8081 }],
          why: 'git generators',
        },
        {
          from: { workload: 'notifications-controller' },
          ports: [{ port: 8081 }],
          why: 'application details for notifications',
        },
      ],
    },
    {
      name: 'redis',
      description: "Argo CD's cache",
      selector: pods('redis'),
      ingress: [
        { from: { workload: 'server' }, ports: [{ port: 6379 }], why: 'cache' },
        { from: { workload: 'repo-server' }, ports: [{ port: 6379 }], why: 'cache of rendered manifests' },
        { from: { workload: 'application-controller' }, ports: [{ port: 6379 }], why: 'cache of app state' },
      ],
    },
    {
      name: 'application-controller',
      description: 'compares and syncs Applications (no inbound flow)',
      selector: pods('application-controller'),
    },
    {
      name: 'applicationset-controller',
      description: 'generates Applications (no inbound flow: no SCM webhook)',
      selector: pods('applicationset-controller'),
    },
    {
      name: 'notifications-controller',
      description: 'sends notifications (no inbound flow)',
      selector: pods('notifications-controller'),
    },
  ];
}
