import { fileURLToPath } from 'node:url';
import { defineComponent } from '@idstack/core';
import ingress from '@idstack/ingress';
import spire from '@idstack/spire';
import { z } from 'zod';

// STUB: replaced by the real declaration (values, templates, options, tests).
export default defineComponent({
  name: 'authentik-db',
  description: 'Authentik SSO with Traefik forward-auth, on a CloudNativePG PostgreSQL cluster',
  tier: 'security',
  namespace: 'authentik',
  needs: [ingress, spire],
  charts: [
    { name: 'cloudnative-pg', repository: 'https://cloudnative-pg.github.io/charts', version: '0.29.0' },
    { name: 'authentik', repository: 'https://charts.goauthentik.io', version: '2026.8.0' },
  ],
  options: z.object({}),
  values: () => ({ 'cloudnative-pg': {}, authentik: {} }),
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
