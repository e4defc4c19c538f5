import { KUBE_APISERVER_PORTS, type NetworkWorkload } from '@idstack/core';
import { POSTGRES, RELEASE } from './naming.js';

/** Selector labels of authentik 2026.8.0's pods (`authentik.selectorLabels`: name, release, component). */
const authentikPods = (component: string) => ({
  'app.kubernetes.io/name': 'authentik',
  'app.kubernetes.io/instance': RELEASE,
  'app.kubernetes.io/component': component,
});

const traefik = { component: 'ingress', workload: 'traefik' } as const;

/**
 * Authentik, its database and the CloudNativePG operator. The database is the most guarded workload: only
 * Authentik and the operator reach it, and it reaches only the API server, its own instances (and the object store
 * when backups are on).
 */
export function authentikNetwork(backups: boolean): NetworkWorkload[] {
  const postgres = { workload: 'postgres' } as const;
  return [
    {
      name: 'server',
      description: 'Authentik server (UI, OIDC, forward-auth outpost)',
      selector: authentikPods('server'),
      ingress: [
        {
          from: traefik,
          ports: [{ port: 9000 }],
          why: 'the auth host and forward-auth checks of protected hosts',
        },
      ],
    },
    {
      name: 'worker',
      description: 'Authentik worker (no inbound flow)',
      selector: authentikPods('worker'),
    },
    {
      name: 'cnpg-operator',
      description: 'the CloudNativePG operator',
      selector: { 'app.kubernetes.io/name': 'cloudnative-pg', 'app.kubernetes.io/instance': RELEASE },
      ingress: [{ from: { entity: 'kube-apiserver' }, ports: [{ port: 9443 }], why: 'admission webhooks' }],
    },
    {
      name: 'postgres',
      description: `PostgreSQL instances of the CNPG Cluster ${POSTGRES.cluster} (created by the operator)`,
      selector: { 'cnpg.io/cluster': POSTGRES.cluster },
      operatorManaged: true,
      ingress: [
        { from: { workload: 'server' }, ports: [{ port: 5432 }], why: "Authentik's database" },
        { from: { workload: 'worker' }, ports: [{ port: 5432 }], why: "Authentik's database" },
        {
          from: { workload: 'cnpg-operator' },
          ports: [{ port: 8000 }, { port: 5432 }],
          why: "the operator's instance manager status and management connections",
        },
        { from: postgres, ports: [{ port: 5432 }], why: 'streaming replication between instances' },
      ],
      egress: [
        {
          to: { entity: 'kube-apiserver' },
          ports: KUBE_APISERVER_PORTS,
          why: 'the instance manager watches its Cluster',
        },
        { to: postgres, ports: [{ port: 5432 }], why: 'streaming replication from the primary' },
        ...(backups
          ? [
              {
                to: { entity: 'world' as const },
                ports: [{ port: 443 }],
                why: 'base backups and WAL to the object store',
              },
            ]
          : []),
      ],
    },
  ];
}
