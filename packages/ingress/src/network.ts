import type { NetworkWorkload } from '@idstack/core';

/**
 * The pods of Traefik 41.3.0 (`traefik.labelselector`: the chart name, and `<release>-<namespace>` as instance) and
 * cert-manager v1.21.1 (`app.kubernetes.io/name` controller / webhook / cainjector, the release as instance).
 */
export const TRAEFIK_PODS = {
  'app.kubernetes.io/name': 'traefik',
  'app.kubernetes.io/instance': 'ingress-ingress',
} as const;

/** Traefik's container ports (the chart's `ports.web.port` / `ports.websecure.port` defaults). */
export const TRAEFIK_CONTAINER_PORTS = { web: 8000, websecure: 8443 } as const;

const certManager = (name: string, component: string) => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/instance': 'ingress',
  'app.kubernetes.io/component': component,
});

/** The ingress component's workloads and flows. */
export function ingressNetwork(): NetworkWorkload[] {
  const traefik = { workload: 'traefik' } as const;
  return [
    {
      name: 'traefik',
      description: 'Traefik, the public entry point',
      selector: TRAEFIK_PODS,
      ingress: [
        {
          from: { entity: 'all' },
          ports: [{ port: TRAEFIK_CONTAINER_PORTS.web }, { port: TRAEFIK_CONTAINER_PORTS.websecure }],
          why: "the public entry point: every HTTP client, through the tunnel or the router's forwards",
        },
      ],
    },
    {
      name: 'cert-manager',
      description: 'cert-manager controller (no inbound flow)',
      selector: certManager('cert-manager', 'controller'),
    },
    {
      name: 'webhook',
      description: "cert-manager's admission webhook",
      selector: certManager('webhook', 'webhook'),
      ingress: [
        { from: { entity: 'kube-apiserver' }, ports: [{ port: 10250 }], why: 'admission webhook calls' },
      ],
    },
    {
      name: 'cainjector',
      description: 'cert-manager CA injector (no inbound flow)',
      selector: certManager('cainjector', 'cainjector'),
    },
    {
      name: 'acme-http01-solver',
      description: "cert-manager's HTTP-01 solver pods, created beside each Certificate while it is issued",
      selector: { 'acme.cert-manager.io/http01-solver': 'true' },
      operatorManaged: true,
      inEveryNamespace: true,
      ingress: [{ from: traefik, ports: [{ port: 8089 }], why: "Let's Encrypt's HTTP-01 challenge" }],
    },
  ];
}
