import { fileURLToPath } from 'node:url';
import ciliumTetragon from '@idstack/cilium-tetragon';
import { defineComponent } from '@idstack/core';
import { spireNetwork } from './network.js';
import { options } from './options.js';
import {
  EXAMPLE_NAMESPACE,
  knobs,
  SERVER_NAMESPACE,
  SYSTEM_NAMESPACE,
  values,
  WEBHOOK_NAME,
} from './values.js';

export { DEFAULT_IDENTITY_NAME, durationMs, SVID_TTL } from './options.js';
export {
  EXAMPLE_IMAGE,
  EXAMPLE_NAMESPACE,
  SERVER_NAMESPACE,
  SYSTEM_NAMESPACE,
  WEBHOOK_NAME,
} from './values.js';

/**
 * Where workloads find the SPIFFE Workload API: an inline CSI volume of this driver, mounted read-only; the agent
 * socket inside it is `spire-agent.sock` (set SPIFFE_ENDPOINT_SOCKET=unix://<mount>/spire-agent.sock).
 */
export const workloadApi = { csiDriver: 'csi.spiffe.io', socketFile: 'spire-agent.sock' } as const;

export default defineComponent({
  name: 'spire',
  description: 'SPIRE workload identities (SPIFFE), Kubernetes PSAT attestation, CSI driver',
  tier: 'infra',
  // The release namespace: the server and controller manager run here (Argo CD creates it).
  namespace: SERVER_NAMESPACE,
  // spire-system: agents and CSI driver (created by the spire chart); spire-example: the demo (created by ours).
  // The chart creates spire-system; the example (when on) renders its own namespace.
  otherNamespaces: ({ options }) => [
    SYSTEM_NAMESPACE,
    ...(options.example.enabled ? [EXAMPLE_NAMESPACE] : []),
  ],
  after: [ciliumTetragon],
  charts: [
    { name: 'spire-crds', repository: 'https://spiffe.github.io/helm-charts-hardened/', version: '0.6.0' },
    { name: 'spire', repository: 'https://spiffe.github.io/helm-charts-hardened/', version: '0.30.0' },
  ],
  options,
  values,
  knobs,
  network: ({ options }) => spireNetwork(options.example.enabled),
  argocd: {
    // The chart would label spire-server "restricted" if it created it; Argo CD creates it, so Argo CD labels it.
    namespaceMetadata: { labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    // The controller manager writes the trust bundle into the webhook's caBundle at runtime (and rewrites it on
    // every CA rotation); it touches nothing else there (its webhook manager only patches caBundle, and the
    // failurePolicy-patching hooks are off), so only caBundle is ignored.
    ignoreDifferences: [
      {
        group: 'admissionregistration.k8s.io',
        kind: 'ValidatingWebhookConfiguration',
        name: WEBHOOK_NAME,
        jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
      },
    ],
  },
  notes: ({ stack, options }) =>
    [
      `Every pod gets the SPIFFE ID \`spiffe://${stack.spiffe.trustDomain}/ns/<namespace>/sa/<service-account>\` (an X.509 SVID valid 1h, rotated at half-life) through the Workload API socket the SPIFFE CSI driver mounts. The trust domain is a name, never a URL; changing it later re-issues every identity and invalidates every trust bundle.`,
      `Nodes attest with Kubernetes PSAT: agents present projected service-account tokens (audience "spire-server") that the server checks with a TokenReview, which every Kubernetes API server supports, so there is nothing to configure on k3s or Talos.`,
      `The controller manager only acts on ClusterSPIFFEIDs with \`spec.className: ${options.className}\`: give that className to any ClusterSPIFFEID you write yourself (or add it under \`components.spire.extraIdentities\`, which sets it for you).`,
      `To see an identity issued: set \`components.spire.example.enabled: true\`, build and let Argo CD sync, then \`kubectl -n ${EXAMPLE_NAMESPACE} logs deploy/spire-example -f\` prints the X.509 SVID spiffe://${stack.spiffe.trustDomain}/ns/${EXAMPLE_NAMESPACE}/sa/spire-example and a new one about every 30 minutes. \`kubectl get clusterspiffeids\` shows how many pods each registration selected (status.stats).`,
      'If the Tetragon shell-kill policy is enforcing, the spire-system namespace must stay spared: the agent pods run short bash init containers (socket alias links).',
    ].join('\n\n'),
  manualSteps: ({ options }) => [
    `The SPIRE server keeps its datastore on a 1Gi PersistentVolume${options.storageClass ? ` of StorageClass \`${options.storageClass}\`` : ' of the default StorageClass (k3s ships local-path; on Talos install one first, or set `components.spire.storageClass`)'}.`,
  ],
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
