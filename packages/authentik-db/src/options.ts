import { dnsLabel, dnsNameProblem } from '@idstack/core';
import { z } from 'zod';

/** The stack UIs that can be put behind Authentik's forward-auth (Netbird's dashboard is not: it speaks OIDC itself). */
export const PROTECTABLE = ['hubble', 'argocd'] as const;
export type Protectable = (typeof PROTECTABLE)[number];

/** A storage size as a PVC takes it, in binary units. */
const storageSize = z
  .string()
  .regex(
    /^[1-9][0-9]*(Mi|Gi|Ti)$/,
    'must be a storage size such as "5Gi" (a whole number with Mi, Gi or Ti)',
  );

/** A StorageClass name (DNS-1123 subdomain), or empty for the cluster's default class. */
const storageClass = z
  .string()
  .regex(
    /^$|^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/,
    'must be a StorageClass name (lower-case DNS subdomain) or "" for the default class',
  );

/** CNPG's schedule: a cron expression WITH a leading seconds field (robfig/cron), six fields. */
const cnpgSchedule = z
  .string()
  .regex(
    /^\S+( \S+){5}$/,
    'must be a six-field cron expression with seconds first, e.g. "0 0 3 * * *" (daily at 03:00)',
  );

const backup = z
  .strictObject({
    destinationPath: z
      .string()
      .regex(
        /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9._-]+)*\/?$/,
        'must be an S3 URL such as "s3://my-bucket/authentik"',
      )
      .describe(
        'S3 (or S3-compatible) bucket and prefix the base backups and WAL go to, e.g. s3://homelab-backups/authentik. Required.',
      ),
    endpointURL: z
      .url({ protocol: /^https?$/, error: 'must be the http(s) URL of the S3-compatible endpoint' })
      .optional()
      .describe(
        'Endpoint of an S3-compatible store (MinIO, Cloudflare R2, Backblaze B2, ...). Default: none (AWS S3).',
      ),
    schedule: cnpgSchedule
      .default('0 0 3 * * *')
      .describe(
        'When base backups run: six-field cron with seconds first. Default: "0 0 3 * * *" (daily at 03:00).',
      ),
    retentionPolicy: z
      .string()
      .regex(/^[1-9][0-9]*[dwm]$/, 'must be a number of days, weeks or months such as "30d", "4w" or "6m"')
      .default('30d')
      .describe('How long backups and WAL are kept. Default: 30d.'),
  })
  .describe(
    `Scheduled backups of Authentik's database to an object store (CNPG barmanObjectStore, S3 credentials from a Secret you create). Default: none (no backups).`,
  );

/** A public host name (no scheme, port or trailing dot). */
const hostName = z.string().superRefine((value, ctx) => {
  const problem = dnsNameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** An https URL or a loopback http URL (a CLI's callback), as OAuth2 redirect URIs are registered. */
const redirectUri = z
  .string()
  .regex(
    /^(https:\/\/[^\s/]+|http:\/\/(localhost|127\.0\.0\.1)(:[0-9]+)?)(\/\S*)?$/,
    'must be an https:// URL (or http://localhost:<port>/... for a CLI), exactly as your app sends it',
  );

/** One of the user's own applications that logs in through Authentik. */
const application = z
  .strictObject({
    slug: dnsLabel.describe(
      'Slug of the Authentik application; an OIDC issuer is https://<hosts.auth>/application/o/<slug>/. Required.',
    ),
    name: z.string().min(1).describe('Display name in Authentik. Required.'),
    oidc: z
      .strictObject({
        clientId: z
          .string()
          .regex(
            /^[A-Za-z0-9._~-]{1,255}$/,
            'must be an OAuth2 client ID (letters, digits, ".", "_", "~", "-")',
          )
          .optional()
          .describe('Client ID your app is configured with. Default: the slug.'),
        clientType: z
          .enum(['public', 'confidential'])
          .default('confidential')
          .describe(
            'confidential: the app authenticates with a client secret, the Secret <slug>-authentik (key clientSecret) in `namespace`, which `idstack secrets --create` makes (random) and Authentik reads a copy of; public: PKCE only. Default: confidential.',
          ),
        namespace: z
          .string()
          .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name')
          .optional()
          .describe(
            'Namespace of your app, where its client Secret is created (confidential only). Default: the slug.',
          ),
        redirectUris: z
          .array(redirectUri)
          .min(1, 'must list at least one redirect URI')
          .describe('Exactly the redirect URIs your app sends (registered Strict). Required.'),
        scopes: z
          .array(z.string().regex(/^\S+$/, 'must be one scope name'))
          .default(['openid', 'profile', 'email'])
          .describe('Scopes your app requests. Default: [openid, profile, email].'),
      })
      .optional()
      .describe('Log in with OIDC: an OAuth2 provider for your app. Default: none.'),
    protect: z
      .strictObject({
        host: hostName.describe('Public host of your app (e.g. grafana.example.org). Required.'),
        service: z
          .strictObject({
            name: z.string().min(1).describe('Service name.'),
            namespace: z.string().min(1).describe('Service namespace.'),
            port: z.int().min(1).max(65535).describe('Service port.'),
          })
          .describe("Your app's Service, which Traefik sends authenticated requests to. Required."),
      })
      .optional()
      .describe(
        "Put your app behind forward-auth: an IngressRoute and Certificate for the host (in Authentik's namespace), a proxy provider on the embedded outpost. Default: none.",
      ),
  })
  .refine((a) => a.oidc || a.protect, 'must set oidc, protect or both');

export type Application = z.output<typeof application>;

/** `components.authentik-db` in stack.yaml. */
export const options = z.object({
  instances: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1 (one primary)')
    .max(9, 'must be at most 9')
    .default(1)
    .describe(
      'PostgreSQL instances of the CNPG cluster: one primary plus streaming replicas (3 survives a node loss). Default: 1.',
    ),
  storageSize: storageSize.default('5Gi').describe('Volume size of each PostgreSQL instance. Default: 5Gi.'),
  storageClass: storageClass
    .default('')
    .describe('StorageClass of the PostgreSQL volumes; "" uses the cluster default. Default: "".'),
  backup: backup.optional(),
  protect: z
    .array(z.enum(PROTECTABLE, { error: `must be one of: ${PROTECTABLE.join(', ')}` }))
    .refine((list) => new Set(list).size === list.length, 'must not list a UI twice')
    .optional()
    .describe(
      "Stack UIs routed through Authentik's Traefik forward-auth (login required): hubble (Hubble UI) and/or argocd (Argo CD, when you do not use its own SSO; then turn Argo CD's own ingress off). Netbird's dashboard is never listed: it uses OIDC. Default: [hubble] while cilium-tetragon (which serves Hubble UI) is enabled, else [].",
    ),
  applications: z
    .array(application)
    .default([])
    .superRefine((list, ctx) => {
      const seen = new Map<string, number>();
      list.forEach((a, i) => {
        if (seen.has(a.slug))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'slug'],
            message: `"${a.slug}" is already the slug of applications[${seen.get(a.slug)}]; slugs must be unique`,
          });
        seen.set(a.slug, i);
      });
    })
    .describe(
      'Your own apps that log in through Authentik (OIDC) or sit behind its forward-auth: each becomes Authentik objects in the generated blueprint, so nothing is clicked in Authentik. Default: [].',
    ),
});

export type Options = z.output<typeof options>;
