import { z } from 'zod';
import type { Component } from '../component.js';
import { NETWORK_POLICY_MODES } from '../network.js';
import { dnsLabel, email, gitRevision, publicDomain, repositoryPath, trustDomain } from './names.js';
import { closeObjects } from './strict.js';

/** Settings shared by every component block under `components:`; `needs` may only name known components. */
function commonComponentShape(componentNames: readonly string[]) {
  const knownComponent = z.string().refine((n) => componentNames.includes(n), {
    error: (issue) =>
      `"${String(issue.input)}" is not a component; known components: ${componentNames.join(', ')}`,
  });
  return {
    enabled: z
      .boolean()
      .default(true)
      .describe('Render this component (its chart and its Application). Default: true.'),
    needs: z
      .array(knownComponent)
      .default([])
      .describe(
        'Extra components this one must wait for, beside the ones it declares itself. Default: none.',
      ),
    values: z
      .record(z.string(), z.unknown())
      .default({})
      .describe(
        'Helm values deep-merged over what idstack renders for this chart (escape hatch; `idstack check` still checks every key against upstream). Default: {}.',
      ),
  };
}

/** The stack-wide part of stack.yaml (everything but `hosts` and `components`, which depend on the components). */
export const globalShape = {
  domain: publicDomain
    .default('example.com')
    .describe(
      "Public DNS domain you own; every UI gets a host under it and Let's Encrypt (HTTP-01) certificates. Private names (.local, .lan, .internal, .home.arpa, bare hosts) are refused. Default: example.com (a placeholder `idstack check` warns about).",
    ),
  acme: z
    .strictObject({
      email: email
        .default('admin@example.com')
        .describe("Let's Encrypt account e-mail (expiry notices). Default: admin@example.com (placeholder)."),
      environment: z
        .enum(['staging', 'production'])
        .default('staging')
        .describe(
          "Which Let's Encrypt issuer ingresses use: staging (untrusted certificates, generous rate limits) until the stack works, then production. Default: staging.",
        ),
    })
    .prefault({})
    .describe("Let's Encrypt (ACME) settings for cert-manager's ClusterIssuers."),
  spiffe: z
    .strictObject({
      trustDomain: trustDomain
        .default('homelab.internal')
        .describe(
          'SPIFFE trust domain of workload identities (a name, never a URL). Default: homelab.internal.',
        ),
    })
    .prefault({})
    .describe('Workload identity (SPIRE) settings.'),
  cluster: z
    .strictObject({
      name: dnsLabel
        .default('homelab')
        .describe('Cluster name (SPIRE node attestation, labels). Default: homelab.'),
    })
    .prefault({})
    .describe('The Kubernetes cluster this stack runs on.'),
  source: z
    .strictObject({
      repoURL: z
        .url({
          protocol: /^(https|ssh|git)$/,
          error: 'must be the git URL Argo CD clones (https://, ssh:// or git://)',
        })
        .default('https://github.com/example/homelab.git')
        .describe(
          'This git repository, as Argo CD clones it. Default: a placeholder `idstack check` warns about.',
        ),
      targetRevision: gitRevision
        .default('main')
        .describe('Branch, tag or commit Argo CD follows. Default: main.'),
      path: repositoryPath
        .default('')
        .describe(
          'Folder of this repository that holds charts/ and cluster/ (empty: the repository root). Default: "".',
        ),
      charts: z
        .enum(['git', 'oci'])
        .default('git')
        .describe(
          'Where Applications take the charts from: git (charts/<name> in this repository at targetRevision) or oci (the released chart, at its exact version, from `registry`, read natively by Argo CD 3.1+ as an oci:// source). Default: git.',
        ),
      registry: z
        .string()
        .regex(
          /^oci:\/\/[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/,
          'must be an OCI registry prefix such as "oci://ghcr.io/you/charts"',
        )
        .default('oci://ghcr.io/example/idstack-charts')
        .describe(
          'OCI registry prefix that releases publish to (and `charts: oci` reads from). Default: a placeholder.',
        ),
    })
    .prefault({})
    .describe('Where Argo CD reads this stack from.'),
  networkPolicy: z
    .enum(NETWORK_POLICY_MODES)
    .default('audit')
    .describe(
      "Zero Trust on the network: every component's pods get CiliumNetworkPolicies (default-deny ingress, one rule per declared flow, restricted egress for the database and cloudflared). audit: Cilium's policy audit mode, verdicts logged to Hubble and nothing dropped (watch `hubble observe --verdict AUDIT`, then switch). enforce: what a policy does not allow is dropped. off: no policies. Default: audit.",
    ),
  mirror: z
    .string()
    .regex(
      /^(oci|https?):\/\/[A-Za-z0-9.-]+(:[0-9]+)?(\/[A-Za-z0-9._-]+)*\/?$/,
      'must be an OCI registry prefix (oci://host/path) or a Helm repository URL (https://host/path)',
    )
    .optional()
    .describe(
      'A chart mirror that replaces every upstream chart repository (in Chart.yaml too, so Argo CD pulls from it). Fill it with `idstack mirror`. Default: none (upstream repositories).',
    ),
};

const globalSchema = z.strictObject(globalShape);
export type GlobalSettings = z.output<typeof globalSchema>;

/** The common settings of every component block. */
export interface ComponentSettings {
  readonly enabled: boolean;
  readonly needs: readonly string[];
  readonly values: Record<string, unknown>;
  readonly [option: string]: unknown;
}

/** The validated stack: global settings, every host resolved, every component's block with defaults applied. */
export type Stack = GlobalSettings & {
  /** Every public host an enabled component declares, resolved to a full name (`hosts.<key>` or `<prefix>.<domain>`). */
  readonly hosts: Readonly<Record<string, string>>;
  readonly components: Readonly<Record<string, ComponentSettings>>;
};

/**
 * The zod schema of stack.yaml for a set of components: the single source of truth, from which the editor's JSON
 * Schema is generated.
 */
export function stackSchema(components: readonly Component[]) {
  const common = commonComponentShape(components.map((c) => c.name));
  const componentShape = Object.fromEntries(
    components.map((c) => [
      c.name,
      z
        .strictObject({ ...common, ...c.options.shape })
        .prefault({})
        .describe(`${c.description} (tier ${c.tier}, namespace ${c.namespace}).`),
    ]),
  );
  const hostShape = Object.fromEntries(
    components.flatMap((c) =>
      Object.entries(c.hosts ?? {}).map(([key, h]) => [
        key,
        publicDomain.optional().describe(`${h.description}. Default: ${h.prefix}.<domain>.`),
      ]),
    ),
  );
  return closeObjects(
    z.strictObject({
      ...globalShape,
      hosts: z
        .strictObject(hostShape)
        .prefault({})
        .describe("Public host names of the stack's UIs and APIs; each defaults to <prefix>.<domain>."),
      components: z
        .strictObject(componentShape)
        .prefault({})
        .describe(
          'Per-component switches and options; an empty block (or none) means enabled with defaults.',
        ),
    }),
  );
}
