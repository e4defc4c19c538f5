/**
 * Names other components and this chart's own templates rely on. They follow from the release name (= the component
 * name, which is also the Argo CD Application's `helm.releaseName`) and the upstream charts' naming helpers.
 */

/** Release name of the umbrella chart: the component name (core renders `helm.releaseName: <component name>`). */
export const RELEASE = 'authentik-db';
export const NAMESPACE = 'authentik';

/** The upstream authentik chart's name (its `.Chart.Name` inside the umbrella: no alias). */
export const AUTHENTIK_CHART = 'authentik';

/** Naming inputs of the authentik chart that this component leaves at their upstream defaults. */
export interface AuthentikNaming {
  readonly release: string;
  readonly chartName: string;
  /** `nameOverride` / `global.nameOverride` (the global one wins). @default "" */
  readonly nameOverride?: string;
  /** `fullnameOverride` / `global.fullnameOverride` (the global one wins). @default "" */
  readonly fullnameOverride?: string;
  /** `server.name`. @default "server" */
  readonly serverName?: string;
}

/** Helm's `trunc 63 | trimSuffix "-"` (trimSuffix removes one trailing "-"). */
function dnsTrunc(name: string): string {
  const cut = name.slice(0, 63);
  return cut.endsWith('-') ? cut.slice(0, -1) : cut;
}

/**
 * The authentik chart's `authentik.fullname` rule (templates/_helpers of goauthentik/helm, 2026.x): an override wins;
 * otherwise, when the release name CONTAINS the chart name (as "authentik-db" contains "authentik") the release name
 * alone, else `<release>-<name>`; truncated to 63.
 */
export function authentikFullname(n: AuthentikNaming): string {
  const name = dnsTrunc(n.nameOverride || n.chartName);
  if (n.fullnameOverride) return dnsTrunc(n.fullnameOverride);
  return dnsTrunc(n.release.includes(name) ? n.release : `${n.release}-${name}`);
}

/** `authentik.server.fullname`: `<fullname>-<server.name>`, which names the server Deployment, Service and Ingress. */
export function authentikServerService(n: AuthentikNaming): string {
  return dnsTrunc(`${authentikFullname(n)}-${n.serverName ?? 'server'}`);
}

/** The naming this component renders with: release `authentik-db`, no overrides. */
export const AUTHENTIK_NAMING: AuthentikNaming = { release: RELEASE, chartName: AUTHENTIK_CHART };

/** Authentik's server Service HTTP port (`server.service.servicePortHttp`, upstream default; targets 9000). */
export const AUTHENTIK_SERVER_PORT = 80;

const CLUSTER = 'authentik-pg';

/** The CloudNativePG `Cluster` holding Authentik's database. */
export const POSTGRES = {
  cluster: CLUSTER,
  database: 'authentik',
  owner: 'authentik',
  /** The read-write Service CNPG creates for the primary: `<cluster>-rw`. */
  rwService: `${CLUSTER}-rw`,
  /** The app-user Secret CNPG generates from `bootstrap.initdb` when no secret is given: `<cluster>-app`. */
  appSecret: `${CLUSTER}-app`,
  /** Key of the generated Secret that holds the owner's password. */
  passwordKey: 'password',
} as const;

/** The Secret the operator creates with Authentik's `AUTHENTIK_SECRET_KEY` (cookie signing, unique ids). */
export const SECRET_KEY_SECRET = { name: 'authentik-secret-key', key: 'secret-key' } as const;

/** The Secret with the S3 credentials of the database backups (only when backups are configured). */
export const BACKUP_SECRET = {
  name: 'authentik-db-backup',
  accessKeyId: 'ACCESS_KEY_ID',
  secretAccessKey: 'ACCESS_SECRET_KEY',
} as const;

/** The Traefik forward-auth Middleware. */
export const FORWARD_AUTH_MIDDLEWARE = 'authentik-forward-auth';

/**
 * The headers Authentik's embedded outpost returns to Traefik and that the Middleware copies onto the request
 * (Authentik docs, "Traefik" forward-auth configuration).
 */
export const AUTHENTIK_RESPONSE_HEADERS = [
  'X-authentik-username',
  'X-authentik-groups',
  'X-authentik-entitlements',
  'X-authentik-email',
  'X-authentik-name',
  'X-authentik-uid',
  'X-authentik-jwt',
  'X-authentik-meta-jwks',
  'X-authentik-meta-outpost',
  'X-authentik-meta-provider',
  'X-authentik-meta-app',
  'X-authentik-meta-version',
] as const;

/** The embedded outpost's path prefix (forward-auth endpoint and sign-in callbacks live below it). */
export const OUTPOST_PATH = '/outpost.goauthentik.io/';

/**
 * Resource-level Argo CD sync waves inside this one Application. Argo CD applies a wave only once every resource of
 * the previous waves is healthy (it ships a health check for CNPG `Cluster`: Healthy = "Cluster in healthy state").
 */
export const WAVES = {
  /** The CNPG operator, its CRDs and webhooks (explicit, through the chart's `commonAnnotations`). */
  operator: 0,
  /** The CNPG `Cluster` (and its ScheduledBackup): the operator's webhook must be serving first. */
  database: 1,
  /** Authentik's server and worker Deployments: the database and its `<cluster>-app` Secret exist by then. */
  authentik: 2,
  /** Forward-auth Middleware, protected IngressRoutes and their Certificates: routes to a running Authentik. */
  routes: 3,
} as const;
