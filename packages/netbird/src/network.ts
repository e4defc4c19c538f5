import type { NetworkWorkload } from '@idstack/core';
import { RELAY_LISTEN_PORT, STUN_PORT } from './routes.js';

/** Selector labels netbird 1.9.0 renders (`netbird.<part>.selectorLabels`: `netbird-<part>`, the release). */
const pods = (part: string) => ({
  'app.kubernetes.io/name': `netbird-${part}`,
  'app.kubernetes.io/instance': 'netbird',
});

const traefik = { component: 'ingress', workload: 'traefik' } as const;

/**
 * Netbird's workloads: the control plane only through Traefik (containerPort 80 each), the relay's data plane
 * (STUN and QUIC, UDP) from anywhere: peers come from the internet through the router's forwards.
 */
export function netbirdNetwork(stun: boolean): NetworkWorkload[] {
  return [
    {
      name: 'management',
      description: 'Netbird management (REST API and gRPC)',
      selector: pods('management'),
      ingress: [
        { from: traefik, ports: [{ port: 80 }], why: 'the netbird host: /api and management gRPC (h2c)' },
      ],
    },
    {
      name: 'signal',
      description: 'Netbird signal (gRPC)',
      selector: pods('signal'),
      ingress: [{ from: traefik, ports: [{ port: 80 }], why: 'the netbird host: signal gRPC (h2c)' }],
    },
    {
      name: 'dashboard',
      description: 'Netbird dashboard',
      selector: pods('dashboard'),
      ingress: [{ from: traefik, ports: [{ port: 80 }], why: 'the netbird host: the dashboard' }],
    },
    {
      name: 'relay',
      description: 'Netbird relay with embedded STUN: the data plane',
      selector: pods('relay'),
      ingress: [
        {
          from: { entity: 'all' },
          ports: [
            ...(stun ? [{ port: STUN_PORT, protocol: 'UDP' as const }] : []),
            { port: RELAY_LISTEN_PORT, protocol: 'UDP' },
          ],
          why: 'the public data plane: STUN and the relay over QUIC, forwarded by the router',
        },
      ],
    },
  ];
}
