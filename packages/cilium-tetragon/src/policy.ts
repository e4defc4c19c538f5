import { ConfigError } from '@idstack/core';
import { z } from 'zod';
import { DISTRIBUTION_NAMESPACES, type Options } from './options.js';

/** Name of the block-shell TracingPolicy (or of each TracingPolicyNamespaced). */
export const SHELL_POLICY_NAME = 'block-shell-in-pods';

/**
 * Pod label Tetragon's policy filter adds to every pod (`pkg/labels.K8sPodNamespace`): the only way a cluster-wide
 * podSelector can select by Kubernetes namespace (matchNamespaces would mean Linux namespaces).
 */
export const POD_NAMESPACE_LABEL = 'k8s:io.kubernetes.pod.namespace';

/** The chart's own knob that templates/block-shell-policy.yaml reads (values.schema.json comes from this). */
export const knobs = z.object({
  shellPolicy: z
    .object({
      enabled: z
        .boolean()
        .describe(
          'Render the policy. Bootstrap installs the chart with false (helm cannot create a CR whose CRD it installs in the same release); Argo CD then adds it.',
        ),
      name: z.string().min(1).describe('Name of the TracingPolicy (or of each TracingPolicyNamespaced).'),
      action: z
        .enum(['Sigkill', 'Post'])
        .describe('Tetragon action on a match: Sigkill (enforce) or Post (audit: report only).'),
      kind: z
        .enum(['TracingPolicy', 'TracingPolicyNamespaced'])
        .describe('Cluster-wide policy, or one namespaced policy per entry of namespaces.'),
      namespaces: z
        .array(z.string())
        .describe('Namespaces that get a TracingPolicyNamespaced (kind TracingPolicyNamespaced only).'),
      sparedNamespaces: z
        .array(z.string())
        .describe(`Kubernetes namespaces left alone (podSelector ${POD_NAMESPACE_LABEL} NotIn).`),
      optOutLabel: z.string().min(1).describe('Pods labelled <optOutLabel>: "true" are left alone.'),
      binaries: z
        .array(z.string())
        .min(1)
        .describe('Real paths of the shell binaries (security_bprm_check linux_binprm argument).'),
    })
    .describe('The block-shell TracingPolicy (templates/block-shell-policy.yaml).'),
  networkPolicies: z
    .object({
      enabled: z
        .boolean()
        .describe(
          "Render the CiliumNetworkPolicies this chart holds (those of the components that sync before Cilium, Argo CD's). Bootstrap installs the chart with false: the CRDs appear only once Cilium's agent runs.",
        ),
    })
    .describe('The generated templates/idstack-network-policies.yaml (absent with networkPolicy: off).'),
});

export type ShellPolicyKnob = z.output<typeof knobs>['shellPolicy'];

/** The knob from the options; cross-field problems zod cannot see become ConfigErrors naming the key. */
export function shellPolicyKnob(options: Options): ShellPolicyKnob {
  const p = options.shellPolicy;
  const key = 'components.cilium-tetragon.shellPolicy';
  const namespaced = p.scope === 'namespaced';
  if (p.mode !== 'off' && namespaced) {
    if (p.namespaces.length === 0)
      throw new ConfigError([
        {
          path: `${key}.namespaces`,
          message: 'scope namespaced needs at least one namespace to protect (or use scope: cluster)',
        },
      ]);
    const spared = p.namespaces.filter((ns) => p.sparedNamespaces.includes(ns));
    if (spared.length)
      throw new ConfigError([
        {
          path: `${key}.namespaces`,
          message: `${spared.join(', ')} ${spared.length > 1 ? 'are' : 'is'} also in sparedNamespaces; a namespace is either protected or spared`,
        },
      ]);
  }
  return {
    enabled: p.mode !== 'off',
    name: SHELL_POLICY_NAME,
    action: p.mode === 'audit' ? 'Post' : 'Sigkill',
    kind: namespaced ? 'TracingPolicyNamespaced' : 'TracingPolicy',
    namespaces: namespaced ? [...p.namespaces] : [],
    // A namespaced policy only ever sees its own namespace: the spared list is the cluster scope's business.
    sparedNamespaces: namespaced ? [] : sparedNamespaces(options),
    optOutLabel: p.optOutLabel,
    binaries: [...p.binaries],
  };
}

/** The namespaces a cluster-wide policy spares: the configured ones, plus the distribution's own when asked. */
export function sparedNamespaces(options: Options): string[] {
  const p = options.shellPolicy;
  const own = p.spareDistributionNamespaces ? DISTRIBUTION_NAMESPACES[options.distribution] : [];
  return [...new Set([...p.sparedNamespaces, ...own])];
}
