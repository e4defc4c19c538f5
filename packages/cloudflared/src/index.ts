import { fileURLToPath } from 'node:url';
import { defineComponent } from '@idstack/core';
import ingress from '@idstack/ingress';
import { cloudflaredNetwork } from './network.js';
import { type Options, options } from './options.js';
import { tunnelRoutes } from './routes.js';
import { manualSteps, secrets } from './steps.js';
import { CONDITIONS, knobs, tokenSecret, values } from './values.js';

export { MANAGEMENT_HOSTS } from './options.js';
export { ingressRules, traefikOrigin, tunnelledHosts, tunnelRoutes } from './routes.js';
export { CLOUDFLARED_VERSION, FULLNAME, tokenSecret } from './values.js';

/**
 * Cloudflare Tunnel for the management plane: cloudflared dials out to Cloudflare and hands each routed host to
 * Traefik's HTTPS entrypoint. It comes right after Traefik: the HTTP-01 challenges of every tunnelled host's
 * certificate travel through it, so the components holding those certificates (authentik-db, netbird) come after it.
 */
export default defineComponent({
  name: 'cloudflared',
  description: 'Cloudflare Tunnel carrying the management plane to Traefik',
  tier: 'networking',
  namespace: 'cloudflared',
  // Every tunnel rule ends at Traefik. Nothing else first: Traefik only routes what has been synced, so a UI is
  // reachable through the tunnel only once its own Application (with its login) exists.
  needs: [ingress],
  carries: (ctx) => tunnelRoutes(ctx).map((r) => r.host),
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
  network: ({ options: { mode } }: { options: Options }) => cloudflaredNetwork(mode),
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
