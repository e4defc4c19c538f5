import { type ComponentContext, ConfigError, type Problem, type Values } from '@idstack/core';
import { z } from 'zod';
import {
  DEFAULT_IDENTITY_NAME,
  durationMs,
  type ExtraIdentity,
  extraIdentity,
  type Options,
  SVID_TTL,
} from './options.js';

/**
 * Where the chart puts things with the production recommendations on (its `namespaceLayout`): the server, the
 * controller manager (and the OIDC provider) in `spire-server`, the agents and the CSI driver in `spire-system`.
 */
export const SERVER_NAMESPACE = 'spire-server';
export const SYSTEM_NAMESPACE = 'spire-system';
/** The example workload's own namespace (created by this chart only while the example is on). */
export const EXAMPLE_NAMESPACE = 'spire-example';

/**
 * The example's image: the SPIRE agent of the very release the chart deploys (appVersion 1.15.3), so the demo
 * pulls nothing new; its `spire-agent api watch` is a plain Workload API client. Pinned by tag like the chart's
 * own images.
 */
export const EXAMPLE_IMAGE = 'ghcr.io/spiffe/spire-agent:1.15.3';

/**
 * Name of the ValidatingWebhookConfiguration of the controller manager for release `spire` in `spire-server`:
 * `<release namespace>-<release>-controller-manager-webhook`.
 */
export const WEBHOOK_NAME = `${SERVER_NAMESPACE}-spire-controller-manager-webhook`;

/** The chart's own knobs (read by templates/clusterspiffeids.yaml and templates/example.yaml). */
export const knobs = z.object({
  clusterSPIFFEIDs: z
    .strictObject({
      default: z
        .strictObject({
          enabled: z.boolean().describe('Render the default ClusterSPIFFEID.'),
          name: z.string().describe('Its object name.'),
          excludeNamespaces: z
            .array(z.string())
            .describe('Namespaces it leaves out (SPIRE’s own, like the upstream chart’s default identity).'),
        })
        .describe(
          'The default identity `spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>` (a fallback).',
        ),
      extra: z
        .array(extraIdentity)
        .describe('Extra ClusterSPIFFEIDs, rendered as given plus the controller className.'),
    })
    .describe('ClusterSPIFFEID registrations; trust domain and className are read from the spire values.'),
  example: z
    .strictObject({
      enabled: z.boolean().describe('Render the example workload.'),
      namespace: z.string().describe('Its namespace (created by this chart).'),
      image: z.string().describe('Image whose `spire-agent api watch` prints the SVIDs it receives.'),
    })
    .describe('The example SPIFFE-enabled workload (off by default).'),
});

/** Cross-field checks zod cannot see: extra identities must stay in the trust domain and under the CA TTL. */
function checkExtraIdentities(entries: readonly ExtraIdentity[], trustDomain: string, caTTL: string): void {
  const problems: Problem[] = [];
  const allowed = [`spiffe://{{ .TrustDomain }}/`, `spiffe://${trustDomain}/`];
  entries.forEach((entry, i) => {
    const at = `components.spire.extraIdentities[${i}]`;
    if (!allowed.some((prefix) => entry.spiffeIDTemplate.startsWith(prefix)))
      problems.push({
        path: `${at}.spiffeIDTemplate`,
        message: `"${entry.spiffeIDTemplate}" is outside the trust domain; start it with "spiffe://{{ .TrustDomain }}/" or "spiffe://${trustDomain}/"`,
      });
    if (entry.ttl && durationMs(entry.ttl) > durationMs(caTTL))
      problems.push({ path: `${at}.ttl`, message: `"${entry.ttl}" is longer than caTTL (${caTTL})` });
  });
  if (problems.length) throw new ConfigError(problems);
}

/** The umbrella's values.yaml. */
export function values({ stack, options }: ComponentContext<Options>): Values {
  const trustDomain = stack.spiffe.trustDomain;
  checkExtraIdentities(options.extraIdentities, trustDomain, options.caTTL);
  return {
    // CRDs only (templates, so Argo CD creates them in this sync); its values need nothing.
    'spire-crds': {},
    spire: {
      global: {
        spire: {
          trustDomain,
          // Required with recommendations on (strict mode refuses "example-cluster"); also the PSAT cluster key.
          clusterName: stack.cluster.name,
          // Strict mode refuses the chart's placeholder CA subject.
          caSubject: {
            country: options.caCountry,
            organization: options.caOrganization,
            commonName: trustDomain,
          },
          // Production layout (spire-server / spire-system namespaces), PSS labels on the namespaces the chart
          // creates, priority classes system-cluster-critical (server) / system-node-critical (agent, CSI driver),
          // hardened security contexts, Prometheus exporters, strict mode.
          recommendations: { enabled: true },
          // spire-server is this Application's destination: Argo CD's CreateNamespace makes it, the chart must not
          // also own it. spire-system exists only because the chart creates it (privileged PSS: hostPath, CSI).
          namespaces: { server: { create: false }, system: { create: true } },
          ...(options.storageClass ? { persistence: { storageClass: options.storageClass } } : {}),
        },
        // The hooks patch the webhook's failurePolicy after install/upgrade (a permanent Argo CD diff) and run
        // kubectl Jobs; Argo CD orders things with sync waves instead.
        installAndUpgradeHooks: { enabled: false },
        deleteHooks: { enabled: false },
      },
      'spire-server': {
        caTTL: options.caTTL,
        defaultX509SvidTTL: SVID_TTL,
        nodeAttestor: { k8sPSAT: { enabled: true } },
        controllerManager: {
          enabled: true,
          className: options.className,
          // Same switches at the subchart level, so the webhook renders the real failurePolicy (Fail) whatever
          // the chart version reads.
          installAndUpgradeHook: { enabled: false },
          deleteHook: { enabled: false },
          identities: {
            clusterSPIFFEIDs: {
              // Replaced by templates/clusterspiffeids.yaml (same template, explicit className, sync wave).
              default: { enabled: false },
              'oidc-discovery-provider': { enabled: options.oidcDiscoveryProvider },
              // Only used by `helm test`, which Argo CD never runs.
              'test-keys': { enabled: false },
            },
          },
        },
      },
      'spire-agent': {
        nodeAttestor: { k8sPSAT: { enabled: true } },
        workloadAttestors: { k8s: { verification: { type: options.kubeletVerification } } },
      },
      'spiffe-csi-driver': { enabled: true },
      'spiffe-oidc-discovery-provider': { enabled: options.oidcDiscoveryProvider },
    },
    clusterSPIFFEIDs: {
      default: {
        enabled: options.defaultIdentity,
        name: DEFAULT_IDENTITY_NAME,
        excludeNamespaces: [SERVER_NAMESPACE, SYSTEM_NAMESPACE],
      },
      extra: options.extraIdentities,
    },
    example: { enabled: options.example.enabled, namespace: EXAMPLE_NAMESPACE, image: EXAMPLE_IMAGE },
  };
}
