import { fileURLToPath } from 'node:url';
import ciliumTetragon from '@idstack/cilium-tetragon';
import { defineComponent } from '@idstack/core';
import { z } from 'zod';

// STUB: replaced by the real declaration (values, templates, options, tests).
export default defineComponent({
  name: 'spire',
  description: 'SPIRE workload identities (SPIFFE), Kubernetes PSAT attestation, CSI driver',
  tier: 'infra',
  namespace: 'spire-server',
  needs: [ciliumTetragon],
  charts: [
    { name: 'spire-crds', repository: 'https://spiffe.github.io/helm-charts-hardened/', version: '0.6.0' },
    { name: 'spire', repository: 'https://spiffe.github.io/helm-charts-hardened/', version: '0.30.0' },
  ],
  options: z.object({}),
  values: () => ({ 'spire-crds': {}, spire: {} }),
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
