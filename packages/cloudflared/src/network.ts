import type { NetworkWorkload } from '@idstack/core';
import { TRAEFIK_CONTAINER_PORTS } from '@idstack/ingress';

/**
 * cloudflared, the component exposed to the internet: nothing connects to it, and it connects only to Cloudflare's
 * edge and to Traefik. The pods carry the selector labels of the chart of the mode (`<chart>.selectorLabels`: the
 * chart name, the release).
 */
export function cloudflaredNetwork(mode: 'local' | 'remote'): NetworkWorkload[] {
  return [
    {
      name: 'cloudflared',
      description: 'cloudflared, dialling out to the Cloudflare edge',
      selector: {
        'app.kubernetes.io/name': mode === 'remote' ? 'cloudflare-tunnel-remote' : 'cloudflare-tunnel',
        'app.kubernetes.io/instance': 'cloudflared',
      },
      egress: [
        {
          to: { entity: 'world' },
          ports: [
            { port: 7844, protocol: 'TCP' },
            { port: 7844, protocol: 'UDP' },
          ],
          why: "the tunnel to Cloudflare's edge (QUIC, or HTTP/2 over TCP)",
        },
        {
          to: { component: 'ingress', workload: 'traefik' },
          ports: [{ port: TRAEFIK_CONTAINER_PORTS.web }, { port: TRAEFIK_CONTAINER_PORTS.websecure }],
          why: "every tunnelled host's origin, Let's Encrypt's HTTP-01 challenges included",
        },
      ],
    },
  ];
}
