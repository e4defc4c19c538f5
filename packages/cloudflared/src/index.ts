import { fileURLToPath } from 'node:url';
import authentikDb from '@idstack/authentik-db';
import { defineComponent } from '@idstack/core';
import ingress from '@idstack/ingress';
import { type Options, options } from './options.js';
import { manualSteps, secrets } from './steps.js';
import { CONDITIONS, knobs, tokenSecret, values } from './values.js';

export { MANAGEMENT_HOSTS } from './options.js';
export { ingressRules, traefikOrigin, tunnelRoutes } from './routes.js';
export { CLOUDFLARED_VERSION, FULLNAME, tokenSecret } from './values.js';

/**
 * Cloudflare Tunnel for the management plane: cloudflared dials out to Cloudflare and hands each routed host to
 * Traefik's HTTPS entrypoint. Needs ingress (the Traefik it targets) and authentik-db (SSO must guard the UIs
 * before they are public).
 */
export default defineComponent({
  name: 'cloudflared',
  description: 'Cloudflare Tunnel carrying the management plane to Traefik',
  tier: 'networking',
  namespace: 'cloudflared',
  // Every tunnel rule ends at Traefik; Authentik must guard the UIs before they go public.
  needs: [ingress],
  after: [authentikDb],
  charts: [
    {
      name: 'cloudflare-tunnel',
      repository: 'https://cloudflare.github.io/helm-charts',
      version: '0.3.2',
      condition: CONDITIONS.local,
    },
    {
      name: 'cloudflare-tunnel-remote',
      repository: 'https://cloudflare.github.io/helm-charts',
      version: '0.1.2',
      condition: CONDITIONS.remote,
    },
  ],
  options,
  knobs,
  values,
  secrets,
  placeholders: ({ options: { mode, tunnelId } }: { options: Options }) =>
    mode === 'local' && /^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(tunnelId)
      ? [
          {
            path: 'components.cloudflared.tunnelId',
            message:
              'is the all-zero placeholder: cloudflared cannot connect to a tunnel that does not exist',
          },
        ]
      : [],
  manualSteps,
  argocd: ({ options: { mode } }: { options: Options }) =>
    mode === 'remote'
      ? {
          // cloudflare-tunnel-remote 0.1.2 may render its own token Secret (empty without a token value): never let
          // a sync overwrite the token the operator stored in it.
          syncOptions: ['RespectIgnoreDifferences=true'],
          ignoreDifferences: [
            { kind: 'Secret', name: tokenSecret.name, jsonPointers: ['/data', '/stringData'] },
          ],
        }
      : {},
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
