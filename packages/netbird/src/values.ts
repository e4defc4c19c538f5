import { tunnelledHosts } from '@idstack/cloudflared';
import { type ComponentContext, ConfigError, type Values } from '@idstack/core';
import { clusterIssuer, dns01SolverLabels, traefik } from '@idstack/ingress';
import {
  authentikEndpoints,
  DASHBOARD_CALLBACKS,
  MANAGEMENT_ENV,
  managementConfig,
  relayAddress,
  SCOPES,
  SECRETS,
} from './management-config.js';
import type { NetbirdOptions } from './options.js';
import {
  DASHBOARD_VERSION,
  DATA_PLANE_SERVICE,
  FULLNAME,
  GRPC_PATHS,
  NETBIRD_VERSION,
  RELAY_LISTEN_PORT,
  RELAY_TLS,
  SERVICES,
  STUN_PORT,
  UPSTREAM_CHART,
} from './routes.js';

/**
 * The Netbird host, the data-plane host (STUN and relay) and the Authentik host this build uses. Throws a
 * {@link ConfigError} naming the keys when the data-plane host would go through the tunnel, which carries no UDP.
 */
export function hostsOf(ctx: ComponentContext<NetbirdOptions>) {
  const { stack } = ctx;
  const host = stack.hosts.netbird as string;
  const dataPlaneHost = stack.hosts.relay as string;
  // netbird needs authentik-db, so the build refuses it without Authentik (its identity provider).
  const authHost = stack.hosts.auth as string;
  const tunnelled = tunnelledHosts(stack, ctx.enabled);
  if (tunnelled.includes(dataPlaneHost)) {
    const why =
      dataPlaneHost === host
        ? `hosts.relay is hosts.netbird (${host}), which goes through the Cloudflare Tunnel (components.cloudflared.routes)`
        : `hosts.relay (${dataPlaneHost}) goes through the Cloudflare Tunnel (components.cloudflared.routes)`;
    throw new ConfigError([
      {
        path: 'hosts.relay',
        message: `${why}, and a tunnel carries no UDP: STUN and the relay need a DNS-only host (grey cloud, an A record to your public IP), e.g. relay.${stack.domain}; set hosts.relay to one, or take it out of components.cloudflared.routes`,
      },
    ]);
  }
  return { host, authHost, dataPlaneHost, viaTunnel: tunnelled.length > 0 };
}

/** `secretName/key`, the chart's `envFromSecret` reference form. */
const ref = (secret: string, key: string): string => `${secret}/${key}`;

/** The umbrella's values.yaml: the netbird chart's values, plus the knobs of our own templates. */
export function netbirdValues(ctx: ComponentContext<NetbirdOptions>): Values {
  const { stack, options } = ctx;
  const { host, authHost, dataPlaneHost, viaTunnel } = hostsOf(ctx);
  const { oidc, dataPlane } = options;
  const endpoints = authentikEndpoints(authHost, oidc.slug);
  const clientSecretRef = ref(SECRETS.authentik.name, SECRETS.authentik.clientSecret);

  return {
    [UPSTREAM_CHART.name]: {
      fullnameOverride: FULLNAME,
      management: {
        image: { tag: NETBIRD_VERSION },
        // management.json; the `{{ .IDSTACK_* }}` placeholders are filled from envFromSecret when management starts.
        configmap: JSON.stringify(managementConfig({ host, dataPlaneHost, authHost, options }), null, 2),
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
      signal: { image: { tag: NETBIRD_VERSION } },
      relay: {
        image: { tag: NETBIRD_VERSION },
        env: {
          NB_LISTEN_ADDRESS: `:${RELAY_LISTEN_PORT}`,
          // What management hands to peers as well (management.json Relay.Addresses).
          NB_EXPOSED_ADDRESS: relayAddress(dataPlaneHost, dataPlane.relayPort),
          NB_LOG_LEVEL: 'info',
          // QUIC needs TLS: the certificate for the data-plane host (certificate.yaml), mounted below.
          NB_TLS_CERT_FILE: `${RELAY_TLS.mountPath}/tls.crt`,
          NB_TLS_KEY_FILE: `${RELAY_TLS.mountPath}/tls.key`,
          ...(dataPlane.stun ? { NB_ENABLE_STUN: 'true', NB_STUN_PORTS: String(STUN_PORT) } : {}),
        },
        envFromSecret: { NB_AUTH_SECRET: ref(SECRETS.relay.name, SECRETS.relay.authSecret) },
        volumes: [{ name: 'relay-tls', secret: { secretName: RELAY_TLS.secret } }],
        volumeMounts: [{ name: 'relay-tls', mountPath: RELAY_TLS.mountPath, readOnly: true }],
      },
      dashboard: {
        image: { tag: DASHBOARD_VERSION },
        env: {
          NETBIRD_MGMT_API_ENDPOINT: `https://${host}`,
          NETBIRD_MGMT_GRPC_API_ENDPOINT: `https://${host}`,
          AUTH_AUTHORITY: endpoints.issuer,
          AUTH_CLIENT_ID: oidc.clientId,
          AUTH_AUDIENCE: oidc.clientId,
          ...(oidc.confidentialClient ? {} : { AUTH_CLIENT_SECRET: '' }),
          AUTH_SUPPORTED_SCOPES: SCOPES,
          AUTH_REDIRECT_URI: DASHBOARD_CALLBACKS.signIn,
          AUTH_SILENT_REDIRECT_URI: DASHBOARD_CALLBACKS.silentRenew,
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
      },
    },
    dataPlane: {
      name: DATA_PLANE_SERVICE,
      serviceType: dataPlane.serviceType,
      stun: dataPlane.stun
        ? { port: STUN_PORT, targetPort: STUN_PORT, nodePort: dataPlane.nodePorts?.stun ?? null }
        : null,
      relay: {
        port: dataPlane.relayPort,
        targetPort: RELAY_LISTEN_PORT,
        nodePort: dataPlane.nodePorts?.relay ?? null,
      },
      annotations: dataPlane.annotations,
      relayAppName: `${UPSTREAM_CHART.name}-relay`,
      certificate: {
        name: RELAY_TLS.certificate,
        host: dataPlaneHost,
        secretName: RELAY_TLS.secret,
        // With the tunnel no TCP port is forwarded: no HTTP-01 challenge can reach a DNS-only host.
        solverLabels: viaTunnel ? { ...dns01SolverLabels } : {},
      },
    },
  };
}
