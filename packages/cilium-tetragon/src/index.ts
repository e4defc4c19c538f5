import { fileURLToPath } from 'node:url';
import argocd from '@idstack/argocd';
import { defineComponent } from '@idstack/core';
import { z } from 'zod';

/** Hubble UI's Service, which authentik-db exposes behind forward-auth (keep the names stable: it imports this). */
export const hubbleUi = { service: 'hubble-ui', namespace: 'kube-system', port: 80 } as const;

// STUB: replaced by the real declaration (values, templates, options, tests).
export default defineComponent({
  name: 'cilium-tetragon',
  description: 'Cilium (CNI, Hubble) and Tetragon, with a TracingPolicy that kills shell execution in pods',
  tier: 'infra',
  namespace: 'kube-system',
  needs: [argocd],
  charts: [
    { name: 'cilium', repository: 'https://helm.cilium.io', version: '1.20.0' },
    { name: 'tetragon', repository: 'https://helm.cilium.io', version: '1.7.0' },
  ],
  options: z.object({}),
  values: () => ({ cilium: {}, tetragon: {} }),
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
