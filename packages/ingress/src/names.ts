/** Names other components route to or reference (authentik-db, netbird and cloudflared import them: keep them stable). */

/** Traefik as other components route to it. */
export const traefik = {
  /** The Traefik Service (the chart's `fullnameOverride` pins it, so it does not depend on the release name). */
  service: 'traefik',
  namespace: 'ingress',
  /** The ingress class every Ingress of the stack uses (also the default class). */
  ingressClass: 'traefik',
  /** Entry point and Service port of HTTPS. */
  httpsEntryPoint: 'websecure',
  httpsPort: 443,
} as const;

/** Entry point and Service port of plain HTTP (everything there is redirected to HTTPS). */
export const httpEntryPoint = { name: 'web', port: 80 } as const;

/** Node ports used when the Service is a NodePort (fixed, so router port forwarding stays valid). */
export const nodePorts = { http: 30080, https: 30443 } as const;

export type AcmeEnvironment = 'staging' | 'production';

/** Let's Encrypt ACME directory of each environment. */
export const acmeServers: Readonly<Record<AcmeEnvironment, string>> = {
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
  production: 'https://acme-v02.api.letsencrypt.org/directory',
};

/** Name of the ACME ClusterIssuer for an environment. */
export const clusterIssuer = (environment: AcmeEnvironment): string => `letsencrypt-${environment}`;

/** The Secret cert-manager creates (in the ingress namespace) for an issuer's ACME account key. */
export const accountKeySecret = (environment: AcmeEnvironment): string =>
  `${clusterIssuer(environment)}-account-key`;

/**
 * Labels that make the ACME ClusterIssuers solve a Certificate with DNS-01 at Cloudflare instead of HTTP-01 (the
 * solver exists while cloudflared is enabled): for a DNS-only host that no HTTP request can reach, such as Netbird's
 * data-plane host when the router forwards no TCP port.
 */
export const dns01SolverLabels: Readonly<Record<string, string>> = { 'idstack.dev/acme-challenge': 'dns-01' };

/** The Secret (in the ingress namespace, where cert-manager reads ClusterIssuer secrets) with the Cloudflare API token. */
export const cloudflareApiToken = { name: 'cloudflare-api-token', key: 'apiToken' } as const;
