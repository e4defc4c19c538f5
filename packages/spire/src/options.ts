import { dnsLabel, duration, trustDomain } from '@idstack/core';
import { z } from 'zod';

/** Every workload X.509 SVID lives one hour: short-lived identities, rotated by the agent at half-life. */
export const SVID_TTL = '1h';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration ("1h30m", "90s") in milliseconds; assumes the string already passed {@link duration}. */
export function durationMs(value: string): number {
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h)/g))
    total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
  return total;
}

/** A Kubernetes label selector, as ClusterSPIFFEID's podSelector / namespaceSelector take it. */
const labelSelector = z
  .strictObject({
    matchLabels: z
      .record(z.string(), z.string())
      .optional()
      .describe('Labels that must all match. Default: none.'),
    matchExpressions: z
      .array(
        z.strictObject({
          key: z.string().min(1),
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
          values: z.array(z.string()).optional(),
        }),
      )
      .optional()
      .describe('Set-based requirements (In, NotIn, Exists, DoesNotExist). Default: none.'),
  })
  .describe('A Kubernetes label selector.');

/** One extra ClusterSPIFFEID (beside the default one); the chart adds the controller `className` itself. */
export const extraIdentity = z
  .strictObject({
    name: dnsLabel.describe('Name of the ClusterSPIFFEID object (cluster-scoped, must be unique).'),
    spiffeIDTemplate: z
      .string()
      .regex(
        /^spiffe:\/\/[^/]+\/.+/,
        'must be a SPIFFE ID template such as "spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/app/x"',
      )
      .describe(
        'SPIFFE ID template (controller-manager syntax: {{ .TrustDomain }}, {{ .PodMeta.* }}, {{ .PodSpec.* }}, {{ .NodeMeta.* }}); must stay in the stack trust domain.',
      ),
    podSelector: labelSelector.optional().describe('Pods that get this identity. Default: every pod.'),
    namespaceSelector: labelSelector
      .optional()
      .describe('Namespaces whose pods get this identity. Default: every namespace.'),
    dnsNameTemplates: z
      .array(z.string().min(1))
      .optional()
      .describe('DNS SAN templates added to the X.509 SVID. Default: none.'),
    workloadSelectorTemplates: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Extra workload selectors (e.g. "k8s:container-name:app") the pod must also match. Default: none.',
      ),
    federatesWith: z
      .array(trustDomain)
      .optional()
      .describe('Trust domains whose bundles these workloads also receive. Default: none.'),
    ttl: duration
      .optional()
      .describe(
        'Upper bound of this identity’s X.509 SVID lifetime (at most caTTL). Default: the server’s 1h.',
      ),
    jwtTtl: duration
      .optional()
      .describe('Upper bound of its JWT-SVID lifetime. Default: the server default.'),
    hint: z
      .string()
      .optional()
      .describe('Entry hint, to tell several identities of one pod apart. Default: the object name.'),
    fallback: z
      .boolean()
      .optional()
      .describe('Apply only when no other (non-fallback) ClusterSPIFFEID matches the pod. Default: false.'),
    autoPopulateDNSNames: z
      .boolean()
      .optional()
      .describe('Add the DNS names of the Services that select the pod. Default: false.'),
  })
  .describe('An extra ClusterSPIFFEID registration.');

export type ExtraIdentity = z.output<typeof extraIdentity>;

/** Name of the default ClusterSPIFFEID object (`spiffe://<td>/ns/<ns>/sa/<sa>`). */
export const DEFAULT_IDENTITY_NAME = 'spire-default';

/** `components.spire` in stack.yaml. The trust domain and cluster name are stack-wide (`spiffe.trustDomain`, `cluster.name`). */
export const options = z.object({
  className: dnsLabel
    .default('idstack')
    .describe(
      'Controller class of the SPIRE controller manager: it only reconciles ClusterSPIFFEIDs whose spec.className equals it, and every ClusterSPIFFEID this chart renders carries it (set the same value on any ClusterSPIFFEID you add yourself). Default: idstack.',
    ),
  caTTL: duration
    .refine((v) => durationMs(v) > durationMs(SVID_TTL), {
      message: `must be longer than the ${SVID_TTL} X.509 SVID TTL (SPIRE recommends at least 6 times it, e.g. "24h")`,
    })
    .default('24h')
    .describe(
      'Lifetime of the SPIRE server’s signing CA (a Go duration, longer than the 1h SVID TTL; SPIRE recommends at least 6x). Default: 24h.',
    ),
  caCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO 3166 country code such as "DE" (XX: unspecified)')
    .default('XX')
    .describe(
      'Country (C) of the CA subject; the chart’s production strict mode refuses its placeholder. Default: XX (user-assigned code: unspecified).',
    ),
  caOrganization: z
    .string()
    .min(1, 'must not be empty')
    .default('idstack')
    .describe('Organization (O) of the CA subject (its CN is the trust domain). Default: idstack.'),
  storageClass: z
    .string()
    .default('')
    .describe(
      'StorageClass of the SPIRE server’s 1Gi datastore volume (empty: the cluster default; Talos has none out of the box). Default: "".',
    ),
  kubeletVerification: z
    .enum(['skip', 'auto', 'hostCert', 'apiServerCA'])
    .default('skip')
    .describe(
      'How the agent verifies the kubelet’s serving certificate when it looks up pods (workload attestation, over localhost): skip (upstream default, works on k3s and Talos), auto, hostCert or apiServerCA. Default: skip.',
    ),
  oidcDiscoveryProvider: z
    .boolean()
    .default(false)
    .describe(
      'Run the SPIFFE OIDC discovery provider (publishes the JWT-SVID signing keys, for federating with clouds). Nothing in the stack needs it. Default: false.',
    ),
  defaultIdentity: z
    .boolean()
    .default(true)
    .describe(
      'Register the default identity `spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>` for every pod outside the SPIRE namespaces (a fallback: extra identities that match a pod win). Default: true.',
    ),
  extraIdentities: z
    .array(extraIdentity)
    .superRefine((entries, ctx) => {
      const seen = new Set<string>([DEFAULT_IDENTITY_NAME]);
      entries.forEach((entry, i) => {
        if (seen.has(entry.name))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `"${entry.name}" is used twice (or by the default identity ${DEFAULT_IDENTITY_NAME})`,
          });
        seen.add(entry.name);
      });
    })
    .default([])
    .describe(
      'Extra ClusterSPIFFEIDs (name, spiffeIDTemplate, podSelector, namespaceSelector, ...). Default: [].',
    ),
  example: z
    .strictObject({
      enabled: z
        .boolean()
        .default(false)
        .describe(
          'Deploy a demo workload (namespace spire-example) that mounts the Workload API through the SPIFFE CSI driver and logs every SVID it is issued. Default: false.',
        ),
    })
    .prefault({})
    .describe('The example SPIFFE-enabled workload.'),
});

export type Options = z.output<typeof options>;
