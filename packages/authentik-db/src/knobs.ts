import { z } from 'zod';

/** A resource-level Argo CD sync wave, as the annotation takes it (a string). */
const wave = z.string().regex(/^-?[0-9]+$/, 'must be an integer as a string');

const service = z.strictObject({
  name: z.string().min(1).describe('Service name.'),
  namespace: z.string().min(1).describe('Service namespace.'),
  port: z.number().int().describe('Service port.'),
});

/**
 * The chart's own top-level values (read by chart/templates/*): computed from stack.yaml by values(), described here
 * so values.schema.json rejects typos in `components.authentik-db.values` overrides.
 */
export const knobs = z.object({
  database: z
    .strictObject({
      cluster: z.string().min(1).describe('Name of the CNPG Cluster (its Services are <cluster>-rw/-ro/-r).'),
      instances: z.number().int().min(1).describe('PostgreSQL instances (primary + replicas).'),
      storage: z.strictObject({
        size: z.string().min(1).describe('Volume size of each instance.'),
        storageClass: z.string().describe('StorageClass; "" for the cluster default.'),
      }),
      database: z.string().min(1).describe('Database bootstrap.initdb creates.'),
      owner: z
        .string()
        .min(1)
        .describe('Owner bootstrap.initdb creates; its password lands in <cluster>-app.'),
      syncWave: wave.describe('Argo CD wave of the Cluster and ScheduledBackup (after the operator).'),
      backup: z
        .strictObject({
          destinationPath: z.string().min(1).describe('s3:// bucket and prefix.'),
          endpointURL: z.string().optional().describe('S3-compatible endpoint; absent for AWS S3.'),
          schedule: z.string().min(1).describe('Six-field cron (seconds first).'),
          retentionPolicy: z.string().min(1).describe('Retention, e.g. 30d.'),
          credentialsSecret: z.string().min(1).describe('Secret with the S3 keys.'),
          accessKeyIdKey: z.string().min(1).describe('Key of the access key id in that Secret.'),
          secretAccessKeyKey: z.string().min(1).describe('Key of the secret access key in that Secret.'),
        })
        .optional()
        .describe('Scheduled backups to an object store; absent: no backups.'),
    })
    .describe("Authentik's CloudNativePG database."),
  forwardAuth: z
    .strictObject({
      name: z.string().min(1).describe('Name of the Traefik forward-auth Middleware.'),
      address: z.string().min(1).describe("Authentik's embedded outpost endpoint for Traefik."),
      authResponseHeaders: z.array(z.string()).describe('Headers copied from Authentik onto the request.'),
      syncWave: wave.describe('Argo CD wave of the Middleware, IngressRoutes and Certificates.'),
    })
    .describe("Authentik's Traefik forward-auth."),
  protectedRoutes: z
    .array(
      z.strictObject({
        name: z.string().min(1).describe('Short name (resource names derive from it).'),
        host: z.string().min(1).describe('Public host.'),
        service: service.describe('The UI Service behind forward-auth.'),
        tlsSecret: z.string().min(1).describe('Secret the Certificate writes.'),
      }),
    )
    .describe('UIs routed through the forward-auth Middleware (one IngressRoute + Certificate each).'),
  blueprints: z
    .strictObject({
      configMap: z
        .string()
        .min(1)
        .describe('Name of the ConfigMap (listed in authentik.blueprints.configMaps).'),
      files: z
        .record(z.string().regex(/\.yaml$/), z.string())
        .describe('Blueprint files by key (Authentik applies keys ending in .yaml).'),
    })
    .describe("Authentik blueprints generated from the components' identity declarations."),
  routing: z
    .strictObject({
      entryPoint: z.string().min(1).describe('Traefik HTTPS entry point.'),
      clusterIssuer: z.string().min(1).describe('cert-manager ClusterIssuer of the Certificates.'),
      outpostPath: z.string().min(1).describe("Path prefix routed to Authentik's embedded outpost."),
      authentik: service.describe("Authentik's server Service (outpost routes)."),
    })
    .describe('Shared settings of the protected routes.'),
});

export type Knobs = z.input<typeof knobs>;
