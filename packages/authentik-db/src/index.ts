import { fileURLToPath } from 'node:url';
import ciliumTetragon from '@idstack/cilium-tetragon';
import { defineComponent } from '@idstack/core';
import ingress from '@idstack/ingress';
import spire from '@idstack/spire';
import { z } from 'zod';

/** Authentik as other components use it (keep these names stable: netbird and cloudflared import them). */
export const authentik = {
  namespace: 'authentik',
  /** The server Service the upstream chart creates for release `authentik-db` (derive it from the chart's helpers). */
  serverService: 'authentik-db-server',
  serverPort: 80,
  /** The Traefik forward-auth Middleware; reference it as `<namespace>-<name>@kubernetescrd`. */
  forwardAuthMiddleware: { name: 'authentik-forward-auth', namespace: 'authentik' },
  /** OIDC issuer of an Authentik OAuth2 provider whose application slug is `slug`. */
  oidcIssuer: (authHost: string, slug: string): string => `https://${authHost}/application/o/${slug}/`,
} as const;

// STUB: replaced by the real declaration (values, templates, options, tests).
export default defineComponent({
  name: 'authentik-db',
  description: 'Authentik SSO with Traefik forward-auth, on a CloudNativePG PostgreSQL cluster',
  tier: 'security',
  namespace: 'authentik',
  needs: [ingress, spire, ciliumTetragon],
  charts: [
    { name: 'cloudnative-pg', repository: 'https://cloudnative-pg.github.io/charts', version: '0.29.0' },
    { name: 'authentik', repository: 'https://charts.goauthentik.io', version: '2026.8.0' },
  ],
  options: z.object({}),
  values: () => ({ 'cloudnative-pg': {}, authentik: {} }),
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
