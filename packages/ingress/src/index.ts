import { fileURLToPath } from 'node:url';
import ciliumTetragon from '@idstack/cilium-tetragon';
import { defineComponent } from '@idstack/core';
import { cloudflareApiToken, dns01SolverLabels, httpEntryPoint, nodePorts, traefik } from './names.js';
import { ingressNetwork } from './network.js';
import { options } from './options.js';
import { knobs, usesTunnel, values } from './values.js';

export * from './names.js';
export { TRAEFIK_CONTAINER_PORTS, TRAEFIK_PODS } from './network.js';
export { options } from './options.js';

/**
 * The stack's front door: Traefik (default ingress class `traefik`, HTTP->HTTPS, long gRPC streams) and cert-manager
 * with two Let's Encrypt ClusterIssuers (templates/clusterissuers.yaml) solving HTTP-01 through Traefik.
 */
export default defineComponent({
  name: 'ingress',
  description: "Traefik ingress and cert-manager with Let's Encrypt (HTTP-01) ClusterIssuers",
  tier: 'infra',
  namespace: traefik.namespace,
  // Any CNI will do; with idstack's, Traefik comes after it.
  after: [ciliumTetragon],
  charts: [
    { name: 'traefik', repository: 'https://traefik.github.io/charts', version: '41.3.0' },
    { name: 'cert-manager', repository: 'https://charts.jetstack.io', version: 'v1.21.1' },
  ],
  options,
  values,
  knobs,
  network: () => ingressNetwork(),
  freeFormValues: [
    {
      path: 'traefik.service.spec',
      reason:
        'copied verbatim into the Service spec (upstream: "Additional entries here will be added to the Service spec"): externalTrafficPolicy, loadBalancerIP',
    },
    {
      path: 'traefik.ports.web.http.redirections.entryPoint',
      reason:
        'becomes --entryPoints.web.http.redirections.entryPoint.<key> (to, scheme, permanent, priority)',
    },
  ],
  // The direct model only: with the tunnel, no TCP port is forwarded.
  forwards: (ctx) =>
    usesTunnel(ctx)
      ? []
      : [httpEntryPoint.port, traefik.httpsPort].map((port) => ({
          protocol: 'TCP' as const,
          port,
          hosts: [],
          purpose: `every HTTP host, to Traefik${port === httpEntryPoint.port ? " (Let's Encrypt's HTTP-01 starts here)" : ''}`,
        })),
  secrets: (ctx) =>
    usesTunnel(ctx)
      ? [
          {
            name: cloudflareApiToken.name,
            purpose:
              "Cloudflare API token cert-manager's ClusterIssuers use for DNS-01 challenges (DNS-only hosts, with the Cloudflare Tunnel).",
            keys: [
              {
                key: cloudflareApiToken.key,
                description: `A Cloudflare API token with Zone > DNS > Edit on ${ctx.stack.domain}.`,
              },
            ],
          },
        ]
      : [],
  manualSteps: (ctx) => {
    const { stack, options: o } = ctx;
    const hosts = [...new Set(Object.values(stack.hosts))].sort();
    const target =
      o.serviceType === 'LoadBalancer'
        ? `the Traefik LoadBalancer address (${o.loadBalancerIP ?? `\`kubectl -n ${traefik.namespace} get svc ${traefik.service}\`, EXTERNAL-IP`})`
        : `any node's IP, ports ${nodePorts.http} (HTTP) and ${nodePorts.https} (HTTPS)`;
    const loadBalancer =
      o.serviceType === 'LoadBalancer'
        ? [
            'LoadBalancer: the cluster needs an implementation that assigns the Traefik Service an address (k3s ServiceLB, MetalLB, or Cilium LB-IPAM with an IP pool and L2 announcements; Talos has none built in). Until it gets one, Argo CD reports the Service, and so this Application, as Progressing and the later waves wait; use `serviceType: NodePort` if you have none.',
          ]
        : [];
    return [
      ...loadBalancer,
      'k3s: disable its bundled Traefik before this syncs (`disable: [traefik]` in /etc/rancher/k3s/config.yaml, or `--disable=traefik`), or two controllers fight over the `traefik` ingress class and ports 80/443.',
      ...(usesTunnel(ctx)
        ? [
            "Topology (Cloudflare Tunnel): every HTTP host reaches Traefik through cloudflared (the hosts it routes: see cloudflared, whose steps create their proxied CNAMEs), so forward no TCP port to Traefik and create no A record for those hosts; Let's Encrypt's HTTP-01 challenges come through the tunnel too.",
            `Cloudflare API token: create one with Zone > DNS > Edit on ${stack.domain} and store it in the Secret ${cloudflareApiToken.name} (see Secrets): the ClusterIssuers solve DNS-01 with it for the Certificates labelled ${Object.entries(
              dns01SolverLabels,
            )
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')} (DNS-only hosts such as Netbird's data plane, which no HTTP request reaches).`,
          ]
        : [
            `Topology (direct): forward TCP ${httpEntryPoint.port} and ${traefik.httpsPort} from the internet to ${target}. Port ${httpEntryPoint.port} must stay open: Let's Encrypt's HTTP-01 challenge starts there.`,
            `DNS: an A (and AAAA, if you have IPv6) record pointing at your public IP for each host: ${hosts.length ? hosts.join(', ') : `every host under ${stack.domain}`}.`,
          ]),
      `ACME: set \`acme.email\` to a real address (Let's Encrypt refuses example.com and the issuers stay not Ready); keep \`acme.environment: staging\` until certificates issue, then switch to production (currently ${stack.acme.environment}).`,
    ];
  },
  argocd: {
    // cert-manager's CRDs exceed the client-side apply annotation limit.
    serverSideApply: true,
    // The ClusterIssuers (wave 5) are validated by cert-manager's webhook, which needs its Deployment up and its CA
    // injected: retry for about 20 minutes (15s, 30s, ... capped at 4m) rather than fail the first sync.
    retry: { limit: 8, backoff: { duration: '15s', factor: 2, maxDuration: '4m' } },
  },
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
