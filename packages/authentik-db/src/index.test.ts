import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argocdOidcClient, argocdServer } from '@idstack/argocd';
import {
  checkRendered,
  type Finding,
  needsPinned,
  PINNED_UPSTREAM,
  pinnedChart,
} from '@idstack/check/testing';
import { hubbleUi } from '@idstack/cilium-tetragon';
import { ConfigError, type Values } from '@idstack/core';
import { type RenderedComponent, renderComponent, renderOwnTemplates } from '@idstack/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import authentikDb, { authentik, authentikFullname, authentikServerService } from './index.js';

const AUTHENTIK_VERSION = '2026.8.0';
const CNPG_VERSION = '0.29.0';
const WAVE = 'argocd.argoproj.io/sync-wave';
const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

/** Defaults, on a real domain with the production issuer. */
const DEFAULTS = { domain: 'homelab.example.org', acme: { environment: 'production' } };
/** Everything on: both UIs protected, backups to an S3-compatible store, bigger cluster. */
const FULL = {
  ...DEFAULTS,
  hosts: { hubble: 'network.homelab.example.org' },
  components: {
    'authentik-db': {
      instances: 3,
      storageSize: '20Gi',
      storageClass: 'longhorn',
      protect: ['hubble', 'argocd'],
      backup: {
        destinationPath: 's3://homelab-backups/authentik',
        endpointURL: 'https://s3.eu-central-003.backblazeb2.com',
        schedule: '0 30 2 * * *',
        retentionPolicy: '14d',
      },
    },
  },
};

const byKind = (objects: readonly Values[], kind: string): Values[] => objects.filter((o) => o.kind === kind);
const one = (objects: readonly Values[], kind: string): Values => {
  const found = byKind(objects, kind);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0] as Values;
};
const annotations = (o: Values) => ((o.metadata as Values).annotations ?? {}) as Record<string, string>;
const get = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v as Values | undefined)?.[k], o);

const ofRule = (findings: readonly Finding[], rule: string) => findings.filter((f) => f.rule === rule);

let base: RenderedComponent;
let baseObjects: Values[];
let full: RenderedComponent;
let fullObjects: Values[];
/** The real `idstack check` over both renders (authentik-db and everything it needs). */
let baseFindings: Finding[];
let fullFindings: Finding[];

beforeAll(async () => {
  base = renderComponent(authentikDb, DEFAULTS);
  full = renderComponent(authentikDb, FULL);
  [baseObjects, fullObjects, baseFindings, fullFindings] = await Promise.all([
    renderOwnTemplates(base),
    renderOwnTemplates(full),
    checkRendered(base),
    checkRendered(full),
  ]);
});

describe('idstack check', () => {
  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned(
      'passes with the defaults and with everything on: helm lint, upstream values, CRDs, sync order, drift traps, secrets',
    ),
    () => {
      expect(baseFindings).toEqual([]);
      expect(fullFindings).toEqual([]);
    },
  );
});

describe('the Authentik server Service, derived as the upstream chart names it', () => {
  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned(
      're-derives the exported serverService from the release, chart name and naming values actually rendered',
    ),
    () => {
      // Inputs exactly as Helm sees them: the Application's release name, the dependency's chart name (no alias),
      // and the naming values (ours over the pinned defaults).
      const release = get(base.application, 'spec.source.helm.releaseName') as string;
      const dependency = (base.chart.dependencies as Values[]).find((d) => d.name === 'authentik') as Values;
      expect(dependency.alias).toBeUndefined();
      const chartName = dependency.name as string;
      const ours = base.values.authentik as Values;
      const pinned = pinnedChart('authentik', AUTHENTIK_VERSION).values;
      const pick = (path: string) => (get(ours, path) ?? get(pinned, path) ?? '') as string;
      const nameOverride = pick('global.nameOverride') || pick('nameOverride');
      const fullnameOverride = pick('global.fullnameOverride') || pick('fullnameOverride');
      const serverName = pick('server.name');

      // The chart's rule: an override wins; a release name that CONTAINS the chart name is used alone.
      const name = nameOverride || chartName;
      const fullname = fullnameOverride || (release.includes(name) ? release : `${release}-${name}`);
      expect(authentik.serverService).toBe(`${fullname}-${serverName}`);
      expect(authentik.serverService).toBe('authentik-db-server');
      expect(authentik.serverPort).toBe(get(pinned, 'server.service.servicePortHttp'));
    },
  );

  it('follows the helper rule in its other branches (release without the chart name, overrides, 63 chars)', () => {
    expect(authentikFullname({ release: 'sso', chartName: 'authentik' })).toBe('sso-authentik');
    expect(authentikFullname({ release: 'sso', chartName: 'authentik', fullnameOverride: 'idp' })).toBe(
      'idp',
    );
    expect(authentikFullname({ release: 'my-ak', chartName: 'authentik', nameOverride: 'ak' })).toBe('my-ak');
    expect(authentikServerService({ release: 'x', chartName: 'authentik', serverName: 'web' })).toBe(
      'x-authentik-web',
    );
    expect(authentikFullname({ release: `${'a'.repeat(62)}-b`, chartName: 'authentik' })).toBe(
      'a'.repeat(62),
    );
  });
});

describe("Argo CD's OIDC client", () => {
  it('names the issuer of an Authentik application with its slug, as Authentik serves it', () => {
    const client = argocdOidcClient(base.plan.stack);
    expect(client?.issuer).toBe(authentik.oidcIssuer('auth.homelab.example.org', client?.slug as string));
    expect(client?.slug).toBe('argocd');
  });
});

describe('the forward-auth Middleware', () => {
  it('asks the server Service the chart creates, at the Traefik outpost endpoint, with the X-authentik-* headers', () => {
    const middleware = one(baseObjects, 'Middleware');
    expect(middleware.metadata).toMatchObject({
      name: authentik.forwardAuthMiddleware.name,
      namespace: authentik.forwardAuthMiddleware.namespace,
    });
    const forwardAuth = get(middleware, 'spec.forwardAuth') as Values;
    expect(forwardAuth.address).toBe(
      `http://${authentik.serverService}.${authentikDb.namespace}.svc.cluster.local:${authentik.serverPort}/outpost.goauthentik.io/auth/traefik`,
    );
    expect(forwardAuth.trustForwardHeader).toBe(true);
    expect(forwardAuth.authResponseHeaders).toEqual(
      [
        'username',
        'groups',
        'entitlements',
        'email',
        'name',
        'uid',
        'jwt',
        'meta-jwks',
        'meta-outpost',
        'meta-provider',
        'meta-app',
        'meta-version',
      ].map((h) => `X-authentik-${h}`),
    );
  });
});

describe('credentials', () => {
  const env = (r: RenderedComponent) => get(r.values, 'authentik.global.env') as Values[];

  it('reaches Authentik only through secretKeyRef: the secret key from the declared Secret, the password from CNPG', () => {
    const cluster = one(baseObjects, 'Cluster');
    const clusterName = get(cluster, 'metadata.name') as string;
    const byName = Object.fromEntries(env(base).map((e) => [e.name, e]));
    expect(byName.AUTHENTIK_SECRET_KEY).toEqual({
      name: 'AUTHENTIK_SECRET_KEY',
      valueFrom: { secretKeyRef: { name: 'authentik-secret-key', key: 'secret-key' } },
    });
    expect(byName.AUTHENTIK_POSTGRESQL__PASSWORD).toEqual({
      name: 'AUTHENTIK_POSTGRESQL__PASSWORD',
      valueFrom: { secretKeyRef: { name: `${clusterName}-app`, key: 'password' } },
    });
    // The Secret the operator must create is declared (and nothing else is needed without backups).
    expect(base.planned.secrets.map((s) => [s.name, s.keys.map((k) => k.key)])).toEqual([
      ['authentik-secret-key', ['secret-key']],
    ]);
  });

  it("takes the client address from X-Forwarded-For only from Traefik's pods (the pod CIDR)", () => {
    expect(env(base)).toContainEqual({
      name: 'AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS',
      value: '10.42.0.0/16',
    });
    const pool = renderComponent(authentikDb, {
      components: { 'cilium-tetragon': { ipam: 'cluster-pool', clusterPoolCidr: '10.88.0.0/16' } },
    });
    expect(env(pool)).toContainEqual({
      name: 'AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS',
      value: '10.88.0.0/16',
    });
  });

  it('never appears as a literal in the values (no secret_key, no password, no env value for a credential)', () => {
    for (const r of [base, full]) {
      const ak = r.values.authentik as Values;
      expect(get(ak, 'authentik.secret_key') ?? '').toBe('');
      expect(get(ak, 'authentik.postgresql.password') ?? '').toBe('');
      expect(get(ak, 'authentik.existingSecret')).toBeUndefined();
      // The one literal: the trusted proxy range (an address range, not a credential).
      for (const e of env(r).filter((x) => x.name !== 'AUTHENTIK_LISTEN__TRUSTED_PROXY_CIDRS')) {
        expect(e.value, `${String(e.name)} must not carry a literal value`).toBeUndefined();
        expect(Object.keys(e.valueFrom as Values)).toEqual(['secretKeyRef']);
      }
      // Scan every key of the whole values.yaml: nothing named like a credential holds a string.
      const literal: string[] = [];
      const scan = (v: unknown, path: string): void => {
        if (Array.isArray(v))
          v.forEach((x, i) => {
            scan(x, `${path}[${i}]`);
          });
        else if (v && typeof v === 'object')
          for (const [k, x] of Object.entries(v)) {
            if (/password|secret_?key|token|accessKey/i.test(k) && typeof x === 'string' && x !== '')
              literal.push(`${path}.${k}`);
            scan(x, `${path}.${k}`);
          }
      };
      scan(r.values, '');
      // Only names of Secrets / keys inside them are allowed (the backup knobs point at the Secret's keys).
      expect(
        literal.filter((p) => !/\.database\.backup\.(accessKeyIdKey|secretAccessKeyKey)$/.test(p)),
      ).toEqual([]);
    }
  });
});

describe('the CloudNativePG Cluster', () => {
  it('has superuser access off and initdb database/owner with no secret, so the operator generates <cluster>-app', () => {
    const spec = one(baseObjects, 'Cluster').spec as Values;
    expect(spec.enableSuperuserAccess).toBe(false);
    expect(spec.superuserSecret).toBeUndefined();
    expect(get(spec, 'bootstrap')).toEqual({ initdb: { database: 'authentik', owner: 'authentik' } });
    expect(spec.instances).toBe(1);
    expect(spec.storage).toEqual({ size: '5Gi' });
    expect(spec.backup).toBeUndefined();
  });

  it('is what Authentik connects to: host <cluster>-rw, the initdb database and owner', () => {
    const cluster = one(baseObjects, 'Cluster');
    const postgresql = get(base.values, 'authentik.authentik.postgresql') as Values;
    expect(postgresql.host).toBe(`${get(cluster, 'metadata.name')}-rw`);
    expect(postgresql.name).toBe(get(cluster, 'spec.bootstrap.initdb.database'));
    expect(postgresql.user).toBe(get(cluster, 'spec.bootstrap.initdb.owner'));
  });

  it('takes instances, storage size and class from the options', () => {
    const spec = one(fullObjects, 'Cluster').spec as Values;
    expect(spec.instances).toBe(3);
    expect(spec.storage).toEqual({ size: '20Gi', storageClass: 'longhorn' });
  });

  it('backs up to the configured object store with credentials from the declared Secret, on schedule', () => {
    const cluster = one(fullObjects, 'Cluster');
    const backup = get(cluster, 'spec.backup') as Values;
    expect(backup.retentionPolicy).toBe('14d');
    const store = backup.barmanObjectStore as Values;
    expect(store.destinationPath).toBe('s3://homelab-backups/authentik');
    expect(store.endpointURL).toBe('https://s3.eu-central-003.backblazeb2.com');
    const declared = full.planned.secrets.find((s) => s.name === 'authentik-db-backup');
    expect(declared?.keys.map((k) => k.key)).toEqual(['ACCESS_KEY_ID', 'ACCESS_SECRET_KEY']);
    expect(store.s3Credentials).toEqual({
      accessKeyId: { name: 'authentik-db-backup', key: 'ACCESS_KEY_ID' },
      secretAccessKey: { name: 'authentik-db-backup', key: 'ACCESS_SECRET_KEY' },
    });
    const scheduled = one(fullObjects, 'ScheduledBackup');
    expect(scheduled.spec).toMatchObject({
      schedule: '0 30 2 * * *',
      cluster: { name: get(cluster, 'metadata.name') },
      method: 'barmanObjectStore',
    });
    expect(byKind(baseObjects, 'ScheduledBackup')).toEqual([]);
  });
});

describe('sync order inside the Application', () => {
  it('applies the operator, then the Cluster, then Authentik, then the routes', () => {
    for (const [r, objects] of [
      [base, baseObjects],
      [full, fullObjects],
    ] as const) {
      const operator = Number(get(r.values, 'cloudnative-pg.commonAnnotations')?.[WAVE as never]);
      const database = Number(annotations(one(objects, 'Cluster'))[WAVE]);
      const authentikWave = Number(
        (get(r.values, 'authentik.global.deploymentAnnotations') as Record<string, string>)[WAVE],
      );
      const routes = Number(annotations(one(objects, 'Middleware'))[WAVE]);
      expect(operator).toBeLessThan(database);
      expect(database).toBeLessThan(authentikWave);
      expect(authentikWave).toBeLessThanOrEqual(routes);
      for (const o of byKind(objects, 'ScheduledBackup')) expect(Number(annotations(o)[WAVE])).toBe(database);
    }
  });

  it('marks every custom resource SkipDryRunOnMissingResource (its CRD arrives in this sync or an earlier app)', () => {
    for (const o of [...baseObjects, ...fullObjects].filter((o) => o.apiVersion !== 'v1')) {
      expect(annotations(o)[SYNC_OPTIONS], `${o.kind}`).toBe('SkipDryRunOnMissingResource=true');
      expect(annotations(o)[WAVE], `${o.kind}`).toMatch(/^[0-9]+$/);
    }
  });

  it('applies server-side (the CNPG CRDs exceed 256 KiB)', () => {
    expect(get(base.application, 'spec.syncPolicy.syncOptions')).toContain('ServerSideApply=true');
  });
});

describe('upstream values', () => {
  it('sets only keys that exist in the pinned authentik values.yaml', () => {
    for (const r of [base, full]) expect(r.values.authentik).toBeDefined();
    expect(ofRule(baseFindings, 'upstream-values')).toEqual([]);
    expect(ofRule(fullFindings, 'upstream-values')).toEqual([]);
  });

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned('sets only keys that exist in the pinned cloudnative-pg values.yaml and values.schema.json'),
    () => {
      expect(base.values['cloudnative-pg']).toBeDefined();
      // upstream-values walks values.yaml and the schema's declared keys, and validates against the schema.
      expect(pinnedChart('cloudnative-pg', CNPG_VERSION).schema).toBeDefined();
      expect(baseFindings.filter((f) => f.where.includes('cloudnative-pg'))).toEqual([]);
    },
  );

  it.skipIf(!PINNED_UPSTREAM)(needsPinned('the check catches a misspelt key'), async () => {
    const bad = renderComponent(authentikDb, {
      ...DEFAULTS,
      components: { 'authentik-db': { values: { authentik: { server: { ingres: { enabled: true } } } } } },
    });
    const caught = await checkRendered(bad, ['upstream-values']);
    expect(caught.map((f) => [f.where, f.fix])).toEqual([
      ['charts/authentik-db/values.yaml: authentik.server.ingres', 'did you mean authentik.server.ingress?'],
    ]);
  });
});

describe('custom resources', () => {
  it('validate against their pinned CRDs (apiVersion, kind, no unknown fields, types)', () => {
    const kinds = new Set<string>();
    for (const o of [...baseObjects, ...fullObjects]) kinds.add(String(o.kind));
    expect([...kinds].sort()).toEqual([
      'Certificate',
      'CiliumNetworkPolicy',
      'Cluster',
      'ConfigMap',
      'IngressRoute',
      'Middleware',
      'ScheduledBackup',
    ]);
    expect(ofRule(baseFindings, 'resource-schemas')).toEqual([]);
    expect(ofRule(fullFindings, 'resource-schemas')).toEqual([]);
  });

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned('the check rejects an unknown field and a wrong type'),
    async () => {
      const cluster = structuredClone(one(baseObjects, 'Cluster'));
      (cluster.metadata as Values).name = 'broken';
      (cluster.spec as Values).superuser = true;
      (cluster.spec as Values).instances = 'three';
      const mutated = renderComponent(authentikDb, DEFAULTS);
      writeFileSync(join(mutated.dir, 'charts/authentik-db/templates/zz-broken.yaml'), stringify(cluster));
      const caught = await checkRendered(mutated, ['resource-schemas']);
      expect(caught.map((f) => f.message.split(' (')[0]).sort()).toEqual([
        'spec.instances: must be integer',
        'spec.superuser: unknown key',
      ]);
      expect(caught.every((f) => f.where.endsWith('zz-broken.yaml: Cluster/broken'))).toBe(true);
    },
  );
});

describe('Authentik ingress and protected UIs', () => {
  it('serves Authentik at hosts.auth with class traefik and a certificate from the ACME ClusterIssuer', () => {
    const ingress = get(base.values, 'authentik.server.ingress') as Values;
    expect(ingress).toMatchObject({
      enabled: true,
      ingressClassName: 'traefik',
      hosts: ['auth.homelab.example.org'],
      tls: [{ secretName: 'authentik-tls', hosts: ['auth.homelab.example.org'] }],
    });
    expect((ingress.annotations as Values)['cert-manager.io/cluster-issuer']).toBe('letsencrypt-production');
  });

  it('protects Hubble UI by default: outpost path to Authentik, everything else through forward-auth', () => {
    const route = one(baseObjects, 'IngressRoute');
    const host = 'hubble.homelab.example.org';
    const [outpost, app] = get(route, 'spec.routes') as Values[];
    expect(outpost).toMatchObject({
      match: `Host(\`${host}\`) && PathPrefix(\`/outpost.goauthentik.io/\`)`,
      services: [
        { name: authentik.serverService, namespace: authentik.namespace, port: authentik.serverPort },
      ],
    });
    expect(outpost?.middlewares).toBeUndefined();
    expect(Number(outpost?.priority)).toBeGreaterThan(Number(app?.priority));
    expect(app).toMatchObject({
      match: `Host(\`${host}\`)`,
      middlewares: [authentik.forwardAuthMiddleware],
      services: [{ name: hubbleUi.service, namespace: hubbleUi.namespace, port: hubbleUi.port }],
    });
    expect(get(route, 'spec.entryPoints')).toEqual(['websecure']);
    const certificate = one(baseObjects, 'Certificate');
    expect(certificate.spec).toEqual({
      secretName: get(route, 'spec.tls.secretName'),
      dnsNames: [host],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-production' },
    });
  });

  it('protects Argo CD too when asked, and follows host overrides', () => {
    const routes = byKind(fullObjects, 'IngressRoute');
    expect(routes.map((r) => get(r, 'metadata.name'))).toEqual(['hubble', 'argocd']);
    const argo = (get(routes[1], 'spec.routes') as Values[])[1] as Values;
    expect(argo.match).toBe('Host(`argocd.homelab.example.org`)');
    expect(argo.services).toMatchObject([
      { name: argocdServer.service, namespace: argocdServer.namespace, port: argocdServer.port },
    ]);
    expect((get(routes[0], 'spec.routes') as Values[])[1]?.match).toBe('Host(`network.homelab.example.org`)');
    expect(byKind(fullObjects, 'Certificate').map((c) => get(c, 'spec.dnsNames'))).toEqual([
      ['network.homelab.example.org'],
      ['argocd.homelab.example.org'],
    ]);
    expect(full.planned.manualSteps.join('\n')).toMatch(/turn Argo CD's own ingress off/);
  });

  it('renders no routes when nothing is protected (the Middleware stays for other ingresses)', () => {
    const none = renderComponent(authentikDb, { components: { 'authentik-db': { protect: [] } } });
    expect(none.values.protectedRoutes).toEqual([]);
  });
});

describe('bad options', () => {
  const expectError = (config: unknown, path: string, message: RegExp) => {
    let error: unknown;
    try {
      renderComponent(authentikDb, config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toContainEqual({ path, message: expect.stringMatching(message) });
  };
  const block = (options: Values) => ({ components: { 'authentik-db': options } });

  it('names the key of a bad value', () => {
    expectError(block({ instances: 0 }), 'components.authentik-db.instances', /at least 1/);
    expectError(block({ instances: 1.5 }), 'components.authentik-db.instances', /whole number/);
    expectError(block({ storageSize: '5GB' }), 'components.authentik-db.storageSize', /storage size/);
    expectError(block({ storageClass: 'Fast SSD' }), 'components.authentik-db.storageClass', /StorageClass/);
    expectError(block({ protect: ['netbird'] }), 'components.authentik-db.protect[0]', /hubble, argocd/);
    expectError(block({ protect: ['hubble', 'hubble'] }), 'components.authentik-db.protect', /twice/);
    expectError(
      block({ backup: { destinationPath: 'https://bucket' } }),
      'components.authentik-db.backup.destinationPath',
      /S3 URL/,
    );
    expectError(
      block({ backup: { destinationPath: 's3://bucket/x', schedule: '0 3 * * *' } }),
      'components.authentik-db.backup.schedule',
      /six-field/,
    );
    expectError(block({ backup: {} }), 'components.authentik-db.backup.destinationPath', /./);
  });

  it('refuses to protect a UI whose component is disabled', () => {
    expectError(
      { components: { argocd: { enabled: false }, 'authentik-db': { protect: ['hubble', 'argocd'] } } },
      'components.authentik-db.protect[1]',
      /argocd component, which is disabled/,
    );
  });
});

describe('determinism', () => {
  it('renders byte-identical files and identical helm output twice', async () => {
    const again = renderComponent(authentikDb, FULL);
    expect([...again.files.entries()].filter(([p]) => p.startsWith('charts/authentik-db/'))).toEqual(
      [...full.files.entries()].filter(([p]) => p.startsWith('charts/authentik-db/')),
    );
    expect(await renderOwnTemplates(again)).toEqual(fullObjects);
  });
});
