import { fileURLToPath } from 'node:url';
import ciliumTetragon from '@idstack/cilium-tetragon';
import { defineComponent } from '@idstack/core';
import { z } from 'zod';

/** Traefik as other components route to it (keep these names stable: authentik-db, netbird and cloudflared import them). */
export const traefik = {
  /** The Traefik Service (set fullnameOverride so it does not depend on the release name). */
  service: 'traefik',
  namespace: 'ingress',
  /** The ingress class every Ingress of the stack uses. */
  ingressClass: 'traefik',
  /** Entry point and Service port of HTTPS. */
  httpsEntryPoint: 'websecure',
  httpsPort: 443,
} as const;

/** Name of the ACME ClusterIssuer for an environment. */
export const clusterIssuer = (environment: 'staging' | 'production'): string => `letsencrypt-${environment}`;

// STUB: replaced by the real declaration (values, templates, options, tests).
export default defineComponent({
  name: 'ingress',
  description: "Traefik ingress and cert-manager with Let's Encrypt (HTTP-01) ClusterIssuers",
  tier: 'infra',
  namespace: 'ingress',
  needs: [ciliumTetragon],
  charts: [
    { name: 'traefik', repository: 'https://traefik.github.io/charts', version: '41.3.0' },
    { name: 'cert-manager', repository: 'https://charts.jetstack.io', version: 'v1.21.1' },
  ],
  options: z.object({}),
  values: () => ({ traefik: {}, 'cert-manager': {} }),
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
