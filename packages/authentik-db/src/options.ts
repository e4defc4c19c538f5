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
});

export type Options = z.output<typeof options>;
