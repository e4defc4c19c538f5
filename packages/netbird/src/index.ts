import { fileURLToPath } from 'node:url';
import authentikDb from '@idstack/authentik-db';
import cloudflared from '@idstack/cloudflared';
import { defineComponent } from '@idstack/core';
import ingress from '@idstack/ingress';
import { netbirdIdentity, oidcClient, relayAddress, SECRETS } from './management-config.js';
import { netbirdNetwork } from './network.js';
import { netbirdOptions } from './options.js';
import {
  DASHBOARD_VERSION,
  DATA_PLANE_SERVICE,
  knobs,
  NETBIRD_VERSION,
  RELAY_LISTEN_PORT,
  RELAY_TLS,
  SERVICES,
  STUN_PORT,
  UPSTREAM_CHART,
} from './routes.js';
import { hostsOf, netbirdValues } from './values.js';

export {
  CLI_REDIRECTS,
  MANAGEMENT_ENV,
  managementConfig,
  netbirdIdentity,
  type OidcClient,
  oidcClient,
  oidcClientOf,
  SECRETS,
} from './management-config.js';
export {
  DASHBOARD_VERSION,
  DATA_PLANE_SERVICE,
  GRPC_PATHS,
  NETBIRD_VERSION,
  RELAY_TLS,
  relayPodLabels,
  SERVICES,
  STUN_PORT,
} from './routes.js';
export { hostsOf } from './values.js';

/**
 * Self-hosted Netbird: the official chart's management, signal, relay (+ STUN) and dashboard, logging in through
 * Authentik (OIDC, device and PKCE flows). The control plane is behind Traefik on one host (gRPC over h2c); the data
 * plane (STUN and the relay over QUIC) is UDP on a Service of its own, on a host that is never tunnelled.
 */
export default defineComponent({
  name: 'netbird',
  description: 'Self-hosted Netbird (management, signal, relay/STUN, dashboard) logging in through Authentik',
  tier: 'networking',
  namespace: 'netbird',
  // Authentik must answer OIDC discovery before management starts; Traefik and cert-manager route and certify the host.
  // cloudflared: the HTTP-01 challenge of its certificate comes through the tunnel when the host is tunnelled.
  needs: [authentikDb, ingress],
  after: [cloudflared],
  charts: [
    { name: UPSTREAM_CHART.name, repository: UPSTREAM_CHART.repository, version: UPSTREAM_CHART.version },
  ],
  hosts: {
    netbird: {
      prefix: 'netbird',
      description: 'Netbird dashboard, REST API (/api) and signal/management gRPC (the control plane)',
    },
    relay: {
      prefix: 'relay',
      description:
        "Netbird's data plane: STUN (UDP 3478) and the relay (QUIC on UDP). A DNS-only name (an A record to your public IP, never proxied nor tunnelled)",
      // UDP only: without a tunnel it may be Netbird's own host (the build refuses it when that host is tunnelled).
      mayShareWith: ['netbird'],
    },
  },
  options: netbirdOptions,
  knobs,
  values: netbirdValues,
  identity: (ctx) => {
    const { host, authHost } = hostsOf(ctx);
    return netbirdIdentity(oidcClient(host, authHost, ctx.options));
  },
  network: ({ options }) => netbirdNetwork(options.dataPlane.stun),
  secrets: ({ options }) => [
    {
      name: SECRETS.relay.name,
      purpose: 'Shared secret of management (signs relay credentials for peers) and the relay (checks them).',
      keys: [{ key: SECRETS.relay.authSecret, description: 'Any long random string.', random: true }],
    },
    {
      name: SECRETS.management.name,
      purpose: "Encryption key of the sensitive columns in management's store.",
      keys: [
        {
          key: SECRETS.management.datastoreEncryptionKey,
          description:
            'Exactly 32 random bytes, base64-encoded (a hex string is not a valid AES-256 key). Never change it afterwards: the store would become unreadable.',
          random: true,
          encoding: 'base64',
        },
      ],
    },
    {
      name: SECRETS.authentik.name,
      purpose: 'Credentials Netbird uses against Authentik.',
      keys: [
        {
          key: SECRETS.authentik.serviceAccountPassword,
          description: `App password of the Authentik service account "${options.oidc.serviceAccount}": Authentik's blueprint sets the token to this value.`,
          random: true,
        },
        ...(options.oidc.confidentialClient
          ? [
              {
                key: SECRETS.authentik.clientSecret,
                description: `Client secret of the Authentik OAuth2 provider "${options.oidc.clientId}": Authentik's blueprint sets it to this value.`,
                random: true,
              },
            ]
          : []),
      ],
    },
  ],
  forwards: (ctx) => {
    const { dataPlaneHost } = hostsOf(ctx);
    const { dataPlane } = ctx.options;
    return [
      ...(dataPlane.stun
        ? [{ protocol: 'UDP' as const, port: STUN_PORT, hosts: [dataPlaneHost], purpose: 'Netbird STUN' }]
        : []),
      {
        protocol: 'UDP' as const,
        port: dataPlane.relayPort,
        hosts: [dataPlaneHost],
        purpose: 'Netbird relay (QUIC): relayed peer traffic',
      },
    ];
  },
  manualSteps: (ctx) => {
    const { options } = ctx;
    const { host, dataPlaneHost, viaTunnel } = hostsOf(ctx);
    const { dataPlane } = options;
    const ports = [
      ...(dataPlane.stun ? [{ what: 'STUN', port: STUN_PORT, nodePort: dataPlane.nodePorts?.stun }] : []),
      { what: 'the relay (QUIC)', port: dataPlane.relayPort, nodePort: dataPlane.nodePorts?.relay },
    ];
    const target = (p: (typeof ports)[number]) =>
      dataPlane.serviceType === 'LoadBalancer'
        ? `the EXTERNAL-IP of Service ${DATA_PLANE_SERVICE} port ${p.port} (\`kubectl -n netbird get svc ${DATA_PLANE_SERVICE}\`; pin it with dataPlane.annotations)`
        : `a node's IP on the node port of Service ${DATA_PLANE_SERVICE}${p.nodePort ? ` (${p.nodePort})` : ''}`;
    return [
      viaTunnel && host !== dataPlaneHost
        ? `DNS: ${host} goes through the Cloudflare Tunnel (see cloudflared); ${dataPlaneHost} is DNS-only (in Cloudflare: grey cloud), an A (and AAAA) record to your public IP: peers send STUN and relayed traffic there, over UDP, which no tunnel carries.`
        : `DNS: ${host} reaches Traefik (an A record to your public IP, TCP 80/443 forwarded: see ingress); peers send STUN and relayed traffic to ${dataPlaneHost} over UDP.`,
      ...ports.map(
        (p) =>
          `Router: forward UDP ${p.port} from your public IP to ${target(p)}: ${p.what}. Peers are told ${p.what === 'STUN' ? `stun:${dataPlaneHost}:${p.port}` : relayAddress(dataPlaneHost, p.port)}, so the public port must be ${p.port}.`,
      ),
      `Traefik must keep long-lived gRPC streams open: the ingress component sets the websecure entry point's respondingTimeouts (readTimeout 0); do not lower them. Backends: dashboard ${SERVICES.dashboard.name}:${SERVICES.dashboard.port}, API + gRPC ${SERVICES.management.name}:${SERVICES.management.port}, signal ${SERVICES.signal.name}:${SERVICES.signal.port}.`,
    ];
  },
  notes: (ctx) => {
    const { host, authHost, dataPlaneHost } = hostsOf(ctx);
    const { dataPlane, oidc } = ctx.options;
    const client = oidcClient(host, authHost, ctx.options);
    return [
      `**Login through Authentik, with no clicks in Authentik**: its blueprint (generated by authentik-db from this component's identity declaration) creates the OAuth2 provider "${client.clientId}" (${client.clientType}, strict redirect URIs ${client.redirectUris.join(', ')}) and the application "${client.slug}" (issuer ${client.issuer}), the device code flow on the default brand (\`netbird up\` on headless machines), and the service account "${oidc.serviceAccount}" whose app password is the Secret netbird-authentik (\`idstack secrets --create\` makes it, then Authentik's copy).`,
      '',
      `Management, signal and relay run one Netbird release, ${NETBIRD_VERSION} (they share version numbers and are upgraded together), with dashboard ${DASHBOARD_VERSION}; the chart's own app version (0.46.0) predates the relay's STUN server.`,
      '',
      `**Control plane** (dashboard, REST API, signal and management gRPC) is HTTPS on ${host}, through Traefik (and the Cloudflare Tunnel when it carries the host). **Data plane**: peers first try direct WireGuard connections, learning their public address from STUN (\`stun:${dataPlaneHost}:${STUN_PORT}\`, UDP); when that fails they relay through the relay at \`${relayAddress(dataPlaneHost, dataPlane.relayPort)}\`.`,
      '',
      `Why the relay listens on its own address: a Netbird client races two transports to the relay address, QUIC (UDP) and WebSocket (TCP), to the same host and port, and keeps the first that connects. A Cloudflare Tunnel carries no UDP and would carry the WebSocket only at tunnel speed, so the relay is published on the DNS-only data-plane host instead of behind Traefik: UDP ${dataPlane.relayPort} is forwarded to Service ${DATA_PLANE_SERVICE}, which sends it to the relay's QUIC listener (port ${RELAY_LISTEN_PORT}; the relay serves QUIC only with TLS, and peers check its certificate against the public roots, so Certificate ${RELAY_TLS.certificate} holds one for ${dataPlaneHost}: HTTP-01 while the router forwards TCP 80 to Traefik, DNS-01 at Cloudflare with the tunnel, where no TCP port is forwarded). No TCP port is forwarded to the relay: the WebSocket attempt fails and QUIC carries relayed traffic. A peer whose network blocks outgoing UDP therefore cannot be relayed.`,
      '',
      `Forwarded on the router, UDP only: ${dataPlane.stun ? `${STUN_PORT} (STUN) and ` : ''}${dataPlane.relayPort} (relay).`,
    ].join('\n');
  },
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
