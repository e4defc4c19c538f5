import { fileURLToPath } from 'node:url';
import authentikDb from '@idstack/authentik-db';
import { defineComponent } from '@idstack/core';
import ingress from '@idstack/ingress';
import { z } from 'zod';

// STUB: replaced by the real declaration (values, templates, options, tests).
export default defineComponent({
  name: 'cloudflared',
  description: 'Cloudflare Tunnel carrying the management plane to Traefik',
  tier: 'networking',
  namespace: 'cloudflared',
  needs: [ingress, authentikDb],
  charts: [
    { name: 'cloudflare-tunnel', repository: 'https://cloudflare.github.io/helm-charts', version: '0.3.2' },
  ],
  options: z.object({}),
  values: () => ({ 'cloudflare-tunnel': {} }),
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
