import { argocdServer } from '@idstack/argocd';
import { hubbleUi, podCidr } from '@idstack/cilium-tetragon';
import {
  type ComponentContext,
  ConfigError,
  type IdentityClient,
  type IdentityDeclaration,
  type ProtectedHost,
  type RequiredSecret,
  type Values,
} from '@idstack/core';
import { clusterIssuer, traefik } from '@idstack/ingress';
import { BLUEPRINTS_CONFIGMAP, type Blueprints, blueprints } from './blueprints.js';
import type { Knobs } from './knobs.js';
import {
  AUTHENTIK_NAMING,
  AUTHENTIK_RESPONSE_HEADERS,
  AUTHENTIK_SERVER_PORT,
  authentikServerService,
  BACKUP_SECRET,
  FORWARD_AUTH_MIDDLEWARE,
  NAMESPACE,
  OUTPOST_PATH,
  POSTGRES,
  SECRET_KEY_SECRET,
  WAVES,
} from './naming.js';
import type { Application, Options, Protectable } from './options.js';

const WAVE = 'argocd.argoproj.io/sync-wave';

/** The forward-auth endpoint of Authentik's embedded outpost, on the server Service the chart creates. */
export function forwardAuthAddress(): string {
  const service = authentikServerService(AUTHENTIK_NAMING);
  return `http://${service}.${NAMESPACE}.svc.cluster.local:${AUTHENTIK_SERVER_PORT}${OUTPOST_PATH}auth/traefik`;
}

/** The UIs protected when `protect` is not written (those whose component is enabled). */
const DEFAULT_PROTECT: readonly Protectable[] = ['hubble'];

/** What each protectable UI is: the component that installs it, its host key and its Service. */
const PROTECTED_UIS: Readonly<
  Record<
    Protectable,
    { component: string; hostKey: string; title: string; service: typeof hubbleUi | typeof argocdServer }
  >
> = {
  hubble: { component: 'cilium-tetragon', hostKey: 'hubble', title: 'Hubble UI', service: hubbleUi },
  argocd: { component: 'argocd', hostKey: 'argocd', title: 'Argo CD', service: argocdServer },
};

/** The Authentik application of each stack UI behind forward-auth (its proxy provider is on the embedded outpost). */
export function protectedHosts(ctx: ComponentContext<Options>): ProtectedHost[] {
  return [
    ...protectedUis(ctx).map((name) => ({
      slug: `${name}-forward-auth`,
      name: `${PROTECTED_UIS[name].title} (forward auth)`,
      host: ctx.stack.hosts[PROTECTED_UIS[name].hostKey] as string,
    })),
    ...ctx.options.applications.flatMap((app) =>
      app.protect
        ? [{ slug: `${app.slug}-forward-auth`, name: `${app.name} (forward auth)`, host: app.protect.host }]
        : [],
    ),
  ];
}

/** The Secret holding the client secret of one of the user's confidential apps (in the app's namespace). */
function appClientSecret(app: Application) {
  return { name: `${app.slug}-authentik`, key: 'clientSecret', namespace: app.oidc?.namespace ?? app.slug };
}

/** The OIDC client of each of the user's apps that logs in with OIDC (`applications[].oidc`). */
function appClients(ctx: ComponentContext<Options>): IdentityClient[] {
  const authHost = ctx.stack.hosts.auth as string;
  return ctx.options.applications.flatMap((app) => {
    if (!app.oidc) return [];
    return [
      {
        name: app.name,
        slug: app.slug,
        clientId: app.oidc.clientId ?? app.slug,
        issuer: `https://${authHost}/application/o/${app.slug}/`,
        clientType: app.oidc.clientType,
        redirectUris: app.oidc.redirectUris,
        scopes: app.oidc.scopes,
        ...(app.protect ? { launchUrl: `https://${app.protect.host}` } : {}),
        ...(app.oidc.clientType === 'confidential' ? { clientSecretRef: appClientSecret(app) } : {}),
      },
    ];
  });
}

/** The client Secrets of the user's confidential apps (random: Authentik takes the value it is given). */
export function appSecrets(options: Options): RequiredSecret[] {
  return options.applications.flatMap((app) => {
    if (app.oidc?.clientType !== 'confidential') return [];
    const ref = appClientSecret(app);
    return [
      {
        name: ref.name,
        namespace: ref.namespace,
        purpose: `Client secret of your app "${app.name}" (Authentik application ${app.slug}); mount it into the app.`,
        keys: [{ key: ref.key, description: 'OAuth2 client secret', random: true }],
      },
    ];
  });
}

/** authentik-db's own identity needs: the UIs it serves behind forward-auth, and the user's own apps. */
export function identity(ctx: ComponentContext<Options>): IdentityDeclaration {
  return { protectedHosts: protectedHosts(ctx), oidcClients: appClients(ctx) };
}

/**
 * The blueprints of every enabled component's identity declaration (this one's included). Refuses two Authentik
 * applications with one slug (the second would silently take over the first).
 */
export function stackBlueprints(ctx: ComponentContext<Options>): Blueprints {
  const identities = ctx.identities();
  const owners = new Map<string, string>();
  for (const { component, identity: declared } of identities) {
    const slugs = [
      ...(declared.oidcClients ?? []).map((c) => c.slug),
      ...(declared.protectedHosts ?? []).map((h) => h.slug),
    ];
    for (const slug of slugs) {
      const owner = owners.get(slug);
      if (owner !== undefined) {
        const mine = ctx.options.applications.findIndex(
          (a) => a.slug === slug || `${a.slug}-forward-auth` === slug,
        );
        throw new ConfigError([
          {
            path:
              mine >= 0 ? `components.authentik-db.applications[${mine}].slug` : `components.${component}`,
            message: `the Authentik application slug "${slug}" is taken twice (${owner} and ${component}); choose another slug`,
          },
        ]);
      }
      owners.set(slug, component);
    }
  }
  const componentOf = (namespace: string) =>
    identities.find((i) => i.namespace === namespace)?.component ?? namespace;
  return blueprints(identities, ctx.stack.hosts.auth as string, componentOf);
}

/**
 * The UIs behind forward-auth: `protect` as written, else the default, which follows the config: Hubble UI while its
 * component is enabled (a default never names a disabled component).
 */
export function protectedUis(
  ctx: Pick<ComponentContext<Options>, 'options' | 'enabled'>,
): readonly Protectable[] {
  return ctx.options.protect ?? DEFAULT_PROTECT.filter((ui) => ctx.enabled(PROTECTED_UIS[ui].component));
}

/** One IngressRoute + Certificate per protected UI and per protected app of the user (knobs.protectedRoutes). */
function protectedRoutes(ctx: ComponentContext<Options>): Knobs['protectedRoutes'] {
  return [...stackRoutes(ctx), ...appRoutes(ctx.options)];
}

/** The user's own apps behind forward-auth (`applications[].protect`): `app-<slug>` names clash with no stack UI. */
function appRoutes(options: Options): Knobs['protectedRoutes'] {
  return options.applications.flatMap((app) =>
    app.protect
      ? [
          {
            name: `app-${app.slug}`,
            host: app.protect.host,
            service: { ...app.protect.service },
            tlsSecret: `app-${app.slug}-tls`,
          },
        ]
      : [],
  );
}

function stackRoutes(ctx: ComponentContext<Options>): Knobs['protectedRoutes'] {
  return protectedUis(ctx).map((name, i) => {
    const ui = PROTECTED_UIS[name];
    if (!ctx.enabled(ui.component)) {
      throw new ConfigError([
        {
          path: `components.authentik-db.protect[${i}]`,
          message: `"${name}" is served by the ${ui.component} component, which is disabled; enable it or remove "${name}" from protect`,
        },
      ]);
    }
    const host = ctx.stack.hosts[ui.hostKey];
    if (!host) throw new Error(`host key "${ui.hostKey}" is not declared by any component`);
    return {
      name,
      host,
      service: { name: ui.service.service, namespace: ui.service.namespace, port: ui.service.port },
      tlsSecret: `${name}-tls`,
    };
  });
}

/** The chart's own knobs (see knobs.ts): the CNPG Cluster, the forward-auth Middleware, the protected routes. */
function ownValues(ctx: ComponentContext<Options>): Knobs {
  const { options, stack } = ctx;
  return {
    database: {
      cluster: POSTGRES.cluster,
      instances: options.instances,
      storage: { size: options.storageSize, storageClass: options.storageClass },
      database: POSTGRES.database,
      owner: POSTGRES.owner,
      syncWave: String(WAVES.database),
      ...(options.backup
        ? {
            backup: {
              destinationPath: options.backup.destinationPath,
              ...(options.backup.endpointURL ? { endpointURL: options.backup.endpointURL } : {}),
              schedule: options.backup.schedule,
              retentionPolicy: options.backup.retentionPolicy,
              credentialsSecret: BACKUP_SECRET.name,
              accessKeyIdKey: BACKUP_SECRET.accessKeyId,
              secretAccessKeyKey: BACKUP_SECRET.secretAccessKey,
            },
          }
        : {}),
    },
    forwardAuth: {
      name: FORWARD_AUTH_MIDDLEWARE,
      address: forwardAuthAddress(),
      authResponseHeaders: [...AUTHENTIK_RESPONSE_HEADERS],
      syncWave: String(WAVES.routes),
    },
    protectedRoutes: protectedRoutes(ctx),
    blueprints: { configMap: BLUEPRINTS_CONFIGMAP, files: { ...stackBlueprints(ctx).files } },
    routing: {
      entryPoint: traefik.httpsEntryPoint,
      clusterIssuer: clusterIssuer(stack.acme.environment),
      outpostPath: OUTPOST_PATH,
      authentik: {
        name: authentikServerService(AUTHENTIK_NAMING),
        namespace: NAMESPACE,
        port: AUTHENTIK_SERVER_PORT,
      },
    },
  };
}

/** A container env var read from a Secret key (the only way a credential reaches Authentik). */
const fromSecret = (name: string, secret: string, key: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

/** The umbrella's values.yaml. */
export function values(ctx: ComponentContext<Options>): Values {
  const { stack } = ctx;
  const authHost = stack.hosts.auth as string;
  const pods = podCidr(stack);
  const { env } = stackBlueprints(ctx);
  return {
    'cloudnative-pg': {
      // The Cluster CR below needs the CRDs; they are over 256 KiB, hence server-side apply on the Application.
      crds: { create: true },
      // Makes the operator's wave explicit (every resource of the chart but the CRDs carries it).
      commonAnnotations: { [WAVE]: String(WAVES.operator) },
    },
    authentik: {
      authentik: {
        // Host/name/user only: the password comes from CNPG's generated Secret through global.env.
        postgresql: { host: POSTGRES.rwService, name: POSTGRES.database, user: POSTGRES.owner },
      },
      global: {
        // Both credentials only by reference; authentik.secret_key and authentik.postgresql.password stay "" so the
        // chart's own config Secret omits them.
        env: [
          fromSecret('AUTHENTIK_SECRET_KEY', SECRET_KEY_SECRET.name, SECRET_KEY_SECRET.key),
          fromSecret('AUTHENTIK_POSTGRESQL__PASSWORD', POSTGRES.appSecret, POSTGRES.passwordKey),
          // Authentik takes the client address from X-Forwarded-For only when the connection comes from a trusted
          // proxy: Traefik's pods (which keep cloudflared's header, see ingress trustedProxies). Narrower than
          // Authentik's default (every private range); comma-separated, as Authentik reads lists from the env.
          ...(pods ? [{ name: 'AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS', value: pods }] : []),
          // The credentials the blueprints read with !Env (client secrets, app passwords), from Secret copies.
          ...env.map((e) => fromSecret(e.name, e.secret, e.key)),
        ],
        // Server and worker start only once the CNPG Cluster (an earlier wave) is healthy.
        deploymentAnnotations: { [WAVE]: String(WAVES.authentik) },
      },
      // Generated blueprints (see blueprints.ts): mounted into the worker (/blueprints/mounted/cm-<name>/), which applies them.
      blueprints: { configMaps: [BLUEPRINTS_CONFIGMAP] },
      server: {
        ingress: {
          enabled: true,
          ingressClassName: traefik.ingressClass,
          hosts: [authHost],
          annotations: {
            'cert-manager.io/cluster-issuer': clusterIssuer(stack.acme.environment),
            'traefik.ingress.kubernetes.io/router.entrypoints': traefik.httpsEntryPoint,
          },
          tls: [{ secretName: 'authentik-tls', hosts: [authHost] }],
        },
      },
    },
    ...ownValues(ctx),
  };
}
