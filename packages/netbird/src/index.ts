import { fileURLToPath } from 'node:url';
import authentikDb from '@idstack/authentik-db';
import cloudflared from '@idstack/cloudflared';
import { defineComponent } from '@idstack/core';
import ingress from '@idstack/ingress';
import { authentikEndpoints, CLI_REDIRECT, SECRETS } from './management-config.js';
import { netbirdOptions } from './options.js';
import { knobs, SERVICES, STUN_PORT, STUN_SERVICE, UPSTREAM_CHART } from './routes.js';
import { hostsOf, netbirdValues } from './values.js';

export { MANAGEMENT_ENV, SECRETS } from './management-config.js';
export { GRPC_PATHS, relayPodLabels, SERVICES, STUN_PORT, STUN_SERVICE } from './routes.js';

/**
 * Self-hosted Netbird: the official chart's management, signal, relay (+ STUN) and dashboard, logging in through
 * Authentik (OIDC, device and PKCE flows), behind Traefik on one host (gRPC over h2c), STUN on its own UDP Service.
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
      description: 'Netbird dashboard, REST API (/api), relay WebSocket (/relay) and signal/management gRPC',
    },
  },
  options: netbirdOptions,
  knobs,
  values: netbirdValues,
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
          description: `Password (app password token) of the Authentik service account "${options.oidc.serviceAccount}" (see the manual steps).`,
        },
        ...(options.oidc.confidentialClient
          ? [
              {
                key: SECRETS.authentik.clientSecret,
                description: `Client secret of the Authentik OAuth2 provider "${options.oidc.clientId}".`,
              },
            ]
          : []),
      ],
    },
  ],
  manualSteps: (ctx) => {
    const { options } = ctx;
    const { host, authHost, stunHost } = hostsOf(ctx);
    const { oidc, stun } = options;
    const issuer = authentikEndpoints(authHost, oidc.slug).issuer;
    const steps = [
      `DNS: make ${host} reach Traefik (an A record to your public IP with TCP 80/443 forwarded, or the Cloudflare Tunnel): Let's Encrypt HTTP-01 and every peer use it on 443.`,
      `Authentik (https://${authHost}): Applications -> Providers -> create an "OAuth2/OpenID Provider": client type ${oidc.confidentialClient ? 'Confidential (put its secret in netbird-authentik/clientSecret)' : 'Public'}, client ID "${oidc.clientId}", redirect URIs (strict) https://${host}/nb-auth, https://${host}/nb-silent-auth, ${CLI_REDIRECT}/ and http://localhost:54000/, a signing key (RS256: Netbird checks tokens against the JWKS), and the offline_access scope among the selected scopes. Then create an application with slug "${oidc.slug}" using that provider; its issuer must be ${issuer}.`,
      `Authentik: System -> Brands -> edit the default brand -> Device code flow: pick an authorization flow (e.g. default-provider-authorization-implicit-consent), so \`netbird up\` on headless machines works.`,
      `Authentik: Directory -> Users -> "Create Service account" "${oidc.serviceAccount}" (no expiry), add it to a group with superuser rights (Netbird's IdP manager lists users), and store its password in the Secret netbird-authentik, key serviceAccountPassword.`,
    ];
    if (stun.enabled) {
      const target =
        stun.serviceType === 'LoadBalancer'
          ? `the EXTERNAL-IP of Service ${STUN_SERVICE} (\`kubectl -n netbird get svc ${STUN_SERVICE}\`; pin it with stun.annotations)`
          : `a node's IP on the node port of Service ${STUN_SERVICE}${stun.nodePort ? ` (${stun.nodePort})` : ''}`;
      steps.push(
        `Router: forward UDP ${STUN_PORT} from your public IP to ${target}. Neither the HTTP ingress nor the Cloudflare Tunnel can carry UDP, and peers are told stun:${stunHost}:${STUN_PORT}, so the public port must be ${STUN_PORT}.`,
      );
      if (!stun.host)
        steps.push(
          `If ${host} is proxied (e.g. through the Cloudflare Tunnel), set components.netbird.stun.host to a DNS-only name that resolves to your public IP: STUN cannot go through a proxy.`,
        );
    }
    steps.push(
      `Traefik must keep long-lived gRPC streams open: the ingress component sets the websecure entry point's respondingTimeouts (readTimeout 0); do not lower them. Backends: dashboard ${SERVICES.dashboard.name}:${SERVICES.dashboard.port}, API + gRPC ${SERVICES.management.name}:${SERVICES.management.port}, signal ${SERVICES.signal.name}:${SERVICES.signal.port}, relay ${SERVICES.relay.name}:${SERVICES.relay.port}.`,
    );
    return steps;
  },
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
