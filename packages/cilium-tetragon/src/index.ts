import { fileURLToPath } from 'node:url';
import argocd from '@idstack/argocd';
import { defineComponent } from '@idstack/core';
import { CILIUM_SECRETS_NAMESPACE, ciliumValues } from './cilium.js';
import { manualSteps, shellPolicyNotes } from './manual-steps.js';
import { options } from './options.js';
import { knobs, shellPolicyKnob } from './policy.js';
import { tetragonValues } from './tetragon.js';

export { CILIUM_SECRETS_NAMESPACE, hubbleUi } from './cilium.js';
export { DEFAULT_SHELL_BINARIES, DEFAULT_SPARED_NAMESPACES } from './options.js';
export { podCidr } from './pod-cidr.js';
export { SHELL_POLICY_NAME } from './policy.js';

export default defineComponent({
  name: 'cilium-tetragon',
  description: 'Cilium (CNI, Hubble) and Tetragon, with a TracingPolicy that kills shell execution in pods',
  tier: 'infra',
  namespace: 'kube-system',
  // The chart creates Cilium's secrets namespace and puts Roles there: Argo CD must be allowed to sync them.
  otherNamespaces: [CILIUM_SECRETS_NAMESPACE],
  // A namespaced shell policy lands in the operator's own namespaces (the AppProject must allow them).
  externalNamespaces: ({ options }) =>
    options.shellPolicy.mode !== 'off' && options.shellPolicy.scope === 'namespaced'
      ? options.shellPolicy.namespaces
      : [],
  // Argo CD adopts it; Cilium itself runs without it.
  after: [argocd],
  charts: [
    { name: 'cilium', repository: 'https://helm.cilium.io', version: '1.20.0' },
    { name: 'tetragon', repository: 'https://helm.cilium.io', version: '1.7.0' },
  ],
  options,
  knobs,
  values: ({ options, stack }) => ({
    cilium: ciliumValues(options, stack.networkPolicy),
    tetragon: tetragonValues(),
    shellPolicy: shellPolicyKnob(options),
    networkPolicies: { enabled: true },
  }),
  freeFormValues: [
    {
      path: 'cilium.policyAuditMode',
      reason:
        'commented out in values.yaml, read by templates/cilium-configmap.yaml (`hasKey .Values "policyAuditMode"`) as the agent\'s policy-audit-mode',
    },
  ],
  // Cilium's agent installs the CiliumNetworkPolicy CRDs: Argo CD's policies (it syncs before Cilium) live here.
  networkPolicyEngine: { switch: 'networkPolicies.enabled' },
  // The CNI comes before Argo CD; the shell policy waits for Argo CD (its CRD arrives in the same release), the
  // network policies for the agent (which installs their CRDs once it runs).
  bootstrap: { order: 1, set: { 'shellPolicy.enabled': 'false', 'networkPolicies.enabled': 'false' } },
  notes: ({ options }) => shellPolicyNotes(options),
  manualSteps: ({ options }) => manualSteps(options),
  argocd: ({ options }) => ({
    // The CNI: installed before Argo CD (bootstrap), adopted, never pruned nor cascade-deleted (no finalizer).
    prune: false,
    selfHeal: options.selfHeal,
    // Tetragon's TracingPolicy CRDs are over 256 KiB: too big for client-side apply's annotation.
    serverSideApply: true,
  }),
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
