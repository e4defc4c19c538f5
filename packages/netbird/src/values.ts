import type { ComponentContext, Values } from '@idstack/core';
import { clusterIssuer, traefik } from '@idstack/ingress';
import {
  authentikEndpoints,
  MANAGEMENT_ENV,
  managementConfig,
  SCOPES,
  SECRETS,
} from './management-config.js';
import type { NetbirdOptions } from './options.js';
import { FULLNAME, GRPC_PATHS, SERVICES, STUN_PORT, STUN_SERVICE, UPSTREAM_CHART } from './routes.js';

/** Where the relay listens inside its pod: the chart's relay containerPort/Service port (33080). */
const RELAY_LISTEN = `:${SERVICES.relay.port}`;

/** The Netbird host, the STUN host and the Authentik host this build uses. */
export function hostsOf(ctx: ComponentContext<NetbirdOptions>) {
  const { stack, options } = ctx;
  const host = stack.hosts.netbird as string;
  // netbird needs authentik-db, so the build refuses it without Authentik (its identity provider).
  const authHost = stack.hosts.auth as string;
  const stunHost = options.stun.enabled ? (options.stun.host ?? host) : undefined;
  return { host, authHost, stunHost };
}

/** `secretName/key`, the chart's `envFromSecret` reference form. */
const ref = (secret: string, key: string): string => `${secret}/${key}`;

/** The umbrella's values.yaml: the netbird chart's values, plus the knobs of our own templates. */
export function netbirdValues(ctx: ComponentContext<NetbirdOptions>): Values {
  const { stack, options } = ctx;
  const { host, authHost, stunHost } = hostsOf(ctx);
  const { oidc, stun } = options;
  const endpoints = authentikEndpoints(authHost, oidc.slug);
  const clientSecretRef = ref(SECRETS.authentik.name, SECRETS.authentik.clientSecret);

  return {
    [UPSTREAM_CHART.name]: {
      fullnameOverride: FULLNAME,
      management: {
        // management.json; the `{{ .IDSTACK_* }}` placeholders are filled from envFromSecret when management starts.
        configmap: JSON.stringify(managementConfig({ host, stunHost, authHost, options }), null, 2),
        podCommand: {
          args: [
            '--port=80',
            '--log-file=console',
            '--log-level=info',
            `--disable-anonymous-metrics=${!options.anonymousMetrics}`,
            `--single-account-mode-domain=${options.dnsDomain}`,
            `--dns-domain=${options.dnsDomain}`,
          ],
        },
        envFromSecret: {
          [MANAGEMENT_ENV.relaySecret]: ref(SECRETS.relay.name, SECRETS.relay.authSecret),
          [MANAGEMENT_ENV.datastoreKey]: ref(
            SECRETS.management.name,
            SECRETS.management.datastoreEncryptionKey,
          ),
          [MANAGEMENT_ENV.idpPassword]: ref(SECRETS.authentik.name, SECRETS.authentik.serviceAccountPassword),
          ...(oidc.confidentialClient ? { [MANAGEMENT_ENV.clientSecret]: clientSecretRef } : {}),
        },
        persistentVolume: {
          size: options.storageSize,
          ...(options.storageClass ? { storageClass: options.storageClass } : {}),
        },
      },
      relay: {
        env: {
          NB_LISTEN_ADDRESS: RELAY_LISTEN,
          // What management hands to peers as well (management.json Relay.Addresses): TLS at Traefik on 443.
          NB_EXPOSED_ADDRESS: `rels://${host}:443`,
          NB_LOG_LEVEL: 'info',
          ...(stun.enabled ? { NB_ENABLE_STUN: 'true', NB_STUN_PORTS: String(STUN_PORT) } : {}),
        },
        envFromSecret: { NB_AUTH_SECRET: ref(SECRETS.relay.name, SECRETS.relay.authSecret) },
        // The relay of the chart's app version (0.46.0) has no STUN server; see the stun.relayImageTag option.
        ...(stun.enabled ? { image: { tag: stun.relayImageTag } } : {}),
      },
      dashboard: {
        env: {
          NETBIRD_MGMT_API_ENDPOINT: `https://${host}`,
          NETBIRD_MGMT_GRPC_API_ENDPOINT: `https://${host}`,
          AUTH_AUTHORITY: endpoints.issuer,
          AUTH_CLIENT_ID: oidc.clientId,
          AUTH_AUDIENCE: oidc.clientId,
          ...(oidc.confidentialClient ? {} : { AUTH_CLIENT_SECRET: '' }),
          AUTH_SUPPORTED_SCOPES: SCOPES,
          AUTH_REDIRECT_URI: '/nb-auth',
          AUTH_SILENT_REDIRECT_URI: '/nb-silent-auth',
          USE_AUTH0: 'false',
          NETBIRD_TOKEN_SOURCE: 'accessToken',
          // TLS ends at Traefik: the dashboard's nginx serves plain HTTP and requests no certificate itself.
          NGINX_SSL_PORT: '443',
          LETSENCRYPT_DOMAIN: 'none',
        },
        ...(oidc.confidentialClient ? { envFromSecret: { AUTH_CLIENT_SECRET: clientSecretRef } } : {}),
      },
    },
    route: {
      host,
      entryPoint: traefik.httpsEntryPoint,
      ingressClass: traefik.ingressClass,
      clusterIssuer: clusterIssuer(stack.acme.environment),
      tlsSecretName: `${FULLNAME}-tls`,
      grpcPaths: { ...GRPC_PATHS },
      services: {
        dashboard: { ...SERVICES.dashboard },
        management: { ...SERVICES.management },
        signal: { ...SERVICES.signal },
        relay: { ...SERVICES.relay },
      },
    },
    stun: {
      enabled: stun.enabled,
      name: STUN_SERVICE,
      serviceType: stun.serviceType,
      port: STUN_PORT,
      nodePort: stun.nodePort ?? null,
      annotations: stun.annotations,
      relayAppName: `${UPSTREAM_CHART.name}-relay`,
    },
  };
}
