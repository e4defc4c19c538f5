import { fileURLToPath } from 'node:url';
import argocd from '@idstack/argocd';
import ciliumTetragon from '@idstack/cilium-tetragon';
import cloudflared from '@idstack/cloudflared';
import { defineComponent } from '@idstack/core';
import ingress from '@idstack/ingress';
import spire from '@idstack/spire';
import { knobs } from './knobs.js';
import {
  AUTHENTIK_NAMING,
  AUTHENTIK_SERVER_PORT,
  authentikServerService,
  BACKUP_SECRET,
  FORWARD_AUTH_MIDDLEWARE,
  NAMESPACE,
  POSTGRES,
  RELEASE,
  SECRET_KEY_SECRET,
} from './naming.js';
import { authentikNetwork } from './network.js';
import { blueprintNotes } from './notes.js';
import { options } from './options.js';
import { appSecrets, identity, stackBlueprints, values } from './values.js';

export { BLUEPRINT_FILE, BLUEPRINTS_CONFIGMAP, BUILT_IN, DEVICE_CODE_FLOW } from './blueprints.js';
export { authentikFullname, authentikServerService, POSTGRES, WAVES } from './naming.js';
export { PROTECTABLE, type Protectable } from './options.js';

/** Authentik as other components use it (keep these names stable: netbird and cloudflared import them). */
export const authentik = {
  namespace: NAMESPACE,
  /** The server Service the upstream chart creates for release `authentik-db` (derived from the chart's helpers). */
  serverService: authentikServerService(AUTHENTIK_NAMING),
  serverPort: AUTHENTIK_SERVER_PORT,
  /** The Traefik forward-auth Middleware; reference it as `<namespace>-<name>@kubernetescrd`. */
  forwardAuthMiddleware: { name: FORWARD_AUTH_MIDDLEWARE, namespace: NAMESPACE },
  /** OIDC issuer of an Authentik OAuth2 provider whose application slug is `slug`. */
  oidcIssuer: (authHost: string, slug: string): string => `https://${authHost}/application/o/${slug}/`,
} as const;

/**
 * Authentik (SSO, forward-auth at Traefik) on a CloudNativePG PostgreSQL cluster, in one Application ordered by
 * resource waves: CNPG operator -> `Cluster` -> Authentik's Deployments -> Middleware, protected routes, certificates.
 *
 * Own templates (chart/templates): the CNPG `Cluster` (+ `ScheduledBackup` when backups are configured), the Traefik
 * forward-auth `Middleware`, and per protected UI an `IngressRoute` + cert-manager `Certificate`.
 *
 * When `protect` lists `argocd`, this chart serves Argo CD's host through forward-auth: Argo CD's own Ingress on the
 * same host must then be off (the argocd component is to switch it off when authentik-db protects it).
 */
export default defineComponent({
  name: RELEASE,
  description: 'Authentik SSO with Traefik forward-auth, on a CloudNativePG PostgreSQL cluster',
  tier: 'security',
  namespace: NAMESPACE,
  // argocd: its Service is protected when asked (and it is a dependency of this package for argocdServer).
  // Traefik's CRDs and cert-manager are its front door; the rest only order the sync (security after infra).
  // cloudflared: the HTTP-01 challenges of its certificates (auth, protected UIs) come through the tunnel.
  needs: [ingress],
  after: [spire, ciliumTetragon, argocd, cloudflared],
  charts: [
    { name: 'cloudnative-pg', repository: 'https://cloudnative-pg.github.io/charts', version: '0.29.0' },
    { name: 'authentik', repository: 'https://charts.goauthentik.io', version: '2026.8.0' },
  ],
  hosts: {
    auth: { prefix: 'auth', description: 'Authentik: single sign-on, admin UI, OIDC issuer' },
    hubble: { prefix: 'hubble', description: "Hubble UI, behind Authentik's forward-auth" },
  },
  options,
  values,
  knobs,
  identity,
  network: ({ options: o }) => authentikNetwork(o.backup !== undefined),
  secrets: (ctx) => [
    {
      name: SECRET_KEY_SECRET.name,
      purpose:
        "Authentik's AUTHENTIK_SECRET_KEY (signs cookies, derives unique ids). Never change it after the first start.",
      keys: [{ key: SECRET_KEY_SECRET.key, description: 'at least 50 random characters', random: true }],
    },
    ...(ctx.options.backup
      ? [
          {
            name: BACKUP_SECRET.name,
            purpose: `S3 credentials CNPG uses to write base backups and WAL of ${POSTGRES.cluster} to ${ctx.options.backup.destinationPath}.`,
            keys: [
              { key: BACKUP_SECRET.accessKeyId, description: 'S3 access key id' },
              { key: BACKUP_SECRET.secretAccessKey, description: 'S3 secret access key' },
            ],
          },
        ]
      : []),
    ...appSecrets(ctx.options),
    // Copies of the credentials other components hold, which the blueprints read (client secrets, app passwords).
    ...stackBlueprints(ctx).secrets,
  ],
  manualSteps: ({ stack, options: o }) => [
    `Open https://${stack.hosts.auth}/if/flow/initial-setup/ as soon as Authentik is up and create the admin (akadmin) user: until then anyone reaching the host can. This is the one thing in Authentik that cannot be declared (its password is yours alone); everything else Authentik needs is in the generated blueprint (see "How it works").`,
    ...(o.protect?.includes('argocd')
      ? [
          `Argo CD is served through forward-auth here (IngressRoute on ${stack.hosts.argocd}): turn Argo CD's own ingress off so the two do not compete for the host.`,
        ]
      : []),
  ],
  notes: (ctx) => blueprintNotes(ctx),
  argocd: {
    // The cloudnative-pg CRDs (Cluster, Pooler) are over the 256 KiB client-side apply limit.
    serverSideApply: true,
    // The operator injects its self-signed CA into its webhook configurations at runtime.
    ignoreDifferences: [
      {
        group: 'admissionregistration.k8s.io',
        kind: 'MutatingWebhookConfiguration',
        jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
      },
      {
        group: 'admissionregistration.k8s.io',
        kind: 'ValidatingWebhookConfiguration',
        jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
      },
    ],
  },
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
