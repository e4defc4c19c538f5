import { fileURLToPath } from 'node:url';
import ciliumTetragon from '@idstack/cilium-tetragon';
import { defineComponent } from '@idstack/core';
import { z } from 'zod';

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
