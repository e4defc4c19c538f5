import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import authentikDb, { authentik } from '@idstack/authentik-db';
import {
  checkRendered,
  type Finding,
  needsPinned,
  PINNED_UPSTREAM,
  pinnedChart,
} from '@idstack/check/testing';
import { ConfigError, type Values } from '@idstack/core';
import { type RenderedComponent, renderComponent, renderOwnTemplates } from '@idstack/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import netbird, {
  DASHBOARD_VERSION,
  DATA_PLANE_SERVICE,
  GRPC_PATHS,
  MANAGEMENT_ENV,
  NETBIRD_VERSION,
  oidcClient,
  RELAY_TLS,
  SERVICES,
} from './index.js';
import { netbirdOptions } from './options.js';

const DOMAIN = 'mylab.dev';
const BASE = { domain: DOMAIN, acme: { environment: 'production' } };
const PLACEHOLDER = /^\{\{ \.[A-Z0-9_]+ \}\}$/;

type Obj = Record<string, unknown>;
const chartValues = (r: RenderedComponent) => r.values.netbird as Obj;
const section = (r: RenderedComponent, name: string) => chartValues(r)[name] as Obj;
const managementJson = (r: RenderedComponent) =>
  JSON.parse(section(r, 'management').configmap as string) as Record<string, Obj & Record<string, unknown>>;
const find = (objects: Values[], kind: string, name?: string) =>
  objects.filter((o) => o.kind === kind && (!name || (o.metadata as Obj).name === name));
/** The Authentik host as core resolves it (authentik-db declares `hosts.auth`; auth.<domain> until it does). */
const authHostOf = (r: RenderedComponent) => r.plan.stack.hosts.auth ?? `auth.${r.plan.stack.domain}`;
const errorOf = (config: unknown): string => {
  try {
    renderComponent(netbird, config);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

let byDefault: RenderedComponent;
let nodePort: RenderedComponent;
let noStun: RenderedComponent;
let objects: Values[];
let nodePortObjects: Values[];
let noStunObjects: Values[];
/** The real `idstack check` over each render (netbird and everything it needs). */
let findings: Finding[][];
const ofRule = (all: readonly Finding[], rule: string) => all.filter((f) => f.rule === rule);

beforeAll(async () => {
  byDefault = renderComponent(netbird, BASE);
  nodePort = renderComponent(netbird, {
    ...BASE,
    hosts: { netbird: 'vpn.mylab.dev', relay: 'stun.mylab.dev' },
    components: {
      netbird: {
        oidc: { slug: 'nb', clientId: 'netbird-client', confidentialClient: true },
        dataPlane: { serviceType: 'NodePort', nodePorts: { stun: 31478, relay: 31443 }, relayPort: 3479 },
      },
      // The direct model: no tunnel, TCP 80/443 forwarded to Traefik.
      cloudflared: { enabled: false },
    },
  });
  noStun = renderComponent(netbird, { ...BASE, components: { netbird: { dataPlane: { stun: false } } } });
  [objects, nodePortObjects, noStunObjects, findings] = await Promise.all([
    renderOwnTemplates(byDefault),
    renderOwnTemplates(nodePort),
    renderOwnTemplates(noStun),
    Promise.all([byDefault, nodePort, noStun].map((r) => checkRendered(r))),
  ]);
  // Three renders and three full checks (real helm over netbird and everything it comes after): slow on a busy machine.
}, 180_000);

describe('idstack check', () => {
  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned(
      'passes on every variant: helm lint, upstream values, CRDs, sync order, drift traps, secrets',
    ),
    () => {
      expect(findings).toEqual([[], [], []]);
    },
  );
});

describe('OIDC against Authentik', () => {
  it("uses the Authentik host's issuer for the slug, everywhere it appears", () => {
    const issuer = authentik.oidcIssuer(authHostOf(byDefault), 'netbird');
    expect(issuer).toBe(`https://auth.${DOMAIN}/application/o/netbird/`);
    const config = managementJson(byDefault);
    expect(config.HttpConfig?.AuthIssuer).toBe(issuer);
    expect(config.HttpConfig?.OIDCConfigEndpoint).toBe(`${issuer}.well-known/openid-configuration`);
    expect(config.HttpConfig?.AuthKeysLocation).toBe(`${issuer}jwks/`);
    expect(config.HttpConfig?.AuthAudience).toBe('netbird');
    expect((config.IdpManagerConfig?.ClientConfig as Obj | undefined)?.Issuer).toBe(issuer);
    expect(config.IdpManagerConfig?.ManagerType).toBe('authentik');
    expect((section(byDefault, 'dashboard').env as Obj).AUTH_AUTHORITY).toBe(issuer);
  });

  it('configures the device and PKCE flows with the client id on the Authentik host', () => {
    const config = managementJson(nodePort);
    const device = config.DeviceAuthorizationFlow?.ProviderConfig as Obj;
    const pkce = config.PKCEAuthorizationFlow?.ProviderConfig as Obj;
    const auth = `https://${authHostOf(nodePort)}/application/o`;
    expect(config.DeviceAuthorizationFlow?.Provider).toBe('hosted');
    expect(device).toMatchObject({
      ClientID: 'netbird-client',
      Audience: 'netbird-client',
      DeviceAuthEndpoint: `${auth}/device/`,
      TokenEndpoint: `${auth}/token/`,
    });
    expect(pkce).toMatchObject({
      ClientID: 'netbird-client',
      AuthorizationEndpoint: `${auth}/authorize/`,
      TokenEndpoint: `${auth}/token/`,
      RedirectURLs: ['http://localhost:53000', 'http://localhost:54000'],
    });
    expect(config.HttpConfig?.AuthIssuer).toBe(authentik.oidcIssuer(authHostOf(nodePort), 'nb'));
    // Confidential client: the secret is a placeholder filled from a Secret, in management and in the dashboard.
    expect(device.ClientSecret).toBe(`{{ .${MANAGEMENT_ENV.clientSecret} }}`);
    expect((section(nodePort, 'management').envFromSecret as Obj)[MANAGEMENT_ENV.clientSecret]).toBe(
      'netbird-authentik/clientSecret',
    );
    expect((section(nodePort, 'dashboard').envFromSecret as Obj).AUTH_CLIENT_SECRET).toBe(
      'netbird-authentik/clientSecret',
    );
  });

  it('follows a custom hosts.auth', () => {
    expect(Object.keys(authentikDb.hosts ?? {})).toContain('auth');
    const r = renderComponent(netbird, { ...BASE, hosts: { auth: 'sso.mylab.dev' } });
    expect(managementJson(r).HttpConfig?.AuthIssuer).toBe('https://sso.mylab.dev/application/o/netbird/');
  });
});

describe('signal, relay and hosts', () => {
  it('points peers at signal on the control-plane host, STUN and the relay on the data-plane host', () => {
    const config = managementJson(byDefault);
    const host = `netbird.${DOMAIN}`;
    const relay = `relay.${DOMAIN}`;
    expect(byDefault.plan.stack.hosts.netbird).toBe(host);
    expect(byDefault.plan.stack.hosts.relay).toBe(relay);
    expect(config.Signal).toMatchObject({ Proto: 'https', URI: `${host}:443` });
    expect(config.Relay).toMatchObject({ Addresses: [`rels://${relay}:443`] });
    expect(config.Stuns).toEqual([{ Proto: 'udp', URI: `stun:${relay}:3478`, Username: '', Password: '' }]);
    expect((managementJson(nodePort).Stuns as unknown as Obj[])[0]?.URI).toBe('stun:stun.mylab.dev:3478');
    expect(managementJson(nodePort).Relay?.Addresses).toEqual(['rels://stun.mylab.dev:3479']);
    expect(section(byDefault, 'relay').env).toMatchObject({
      NB_LISTEN_ADDRESS: ':33080',
      NB_EXPOSED_ADDRESS: `rels://${relay}:443`,
      NB_ENABLE_STUN: 'true',
      NB_STUN_PORTS: '3478',
      NB_TLS_CERT_FILE: `${RELAY_TLS.mountPath}/tls.crt`,
      NB_TLS_KEY_FILE: `${RELAY_TLS.mountPath}/tls.key`,
    });
  });

  it('names no tunnelled host in any STUN URI or relay address', () => {
    const tunnelled = byDefault.plan.components.find((p) => p.component.name === 'cloudflared')?.carries;
    expect(tunnelled).toContain(`netbird.${DOMAIN}`);
    const config = managementJson(byDefault);
    const named = [
      ...(config.Stuns as unknown as Obj[]).map((s) => String(s.URI)),
      ...((config.Relay as Obj).Addresses as string[]),
      String((section(byDefault, 'relay').env as Obj).NB_EXPOSED_ADDRESS),
    ].map((uri) => uri.replace(/^[a-z]+:(\/\/)?/, '').replace(/:\d+$/, ''));
    expect(named.length).toBe(3);
    for (const host of named) expect(tunnelled).not.toContain(host);
  });

  it('refuses a data-plane host that goes through the tunnel, naming the keys', () => {
    expect(errorOf({ ...BASE, hosts: { relay: `netbird.${DOMAIN}` } })).toMatch(
      /hosts\.relay: hosts\.relay is hosts\.netbird \(netbird\.mylab\.dev\), which goes through the Cloudflare Tunnel \(components\.cloudflared\.routes\)/,
    );
    expect(
      errorOf({ ...BASE, components: { cloudflared: { routes: ['auth', 'netbird', 'relay'] } } }),
    ).toMatch(/hosts\.relay: hosts\.relay \(relay\.mylab\.dev\) goes through the Cloudflare Tunnel/);
    // Without the tunnel, one host for everything is fine (TCP 80/443 and the UDP ports forwarded).
    const direct = renderComponent(netbird, {
      ...BASE,
      hosts: { relay: `netbird.${DOMAIN}` },
      components: { cloudflared: { enabled: false } },
    });
    expect(managementJson(direct).Relay?.Addresses).toEqual([`rels://netbird.${DOMAIN}:443`]);
  });

  it("refuses a private Netbird host (Let's Encrypt HTTP-01 cannot issue for it)", () => {
    expect(errorOf({ ...BASE, hosts: { netbird: 'netbird.lan' } })).toMatch(/hosts\.netbird: .*private name/);
  });

  it('runs one Netbird release for management, signal and relay, and a dashboard of the same time', () => {
    for (const r of [byDefault, nodePort, noStun]) {
      const tags = ['management', 'signal', 'relay'].map((c) => (section(r, c).image as Obj).tag);
      expect(tags).toEqual([NETBIRD_VERSION, NETBIRD_VERSION, NETBIRD_VERSION]);
      expect((section(r, 'dashboard').image as Obj).tag).toBe(DASHBOARD_VERSION);
    }
    expect(NETBIRD_VERSION).toBe('0.77.1');
  });
});

describe('routes through Traefik', () => {
  const routes = () => (find(objects, 'IngressRoute')[0]?.spec as Obj | undefined)?.routes as Obj[];
  const servicesOf = (route: Obj) => route.services as Obj[];

  it('sends the gRPC paths to signal and management over h2c, and nothing else', () => {
    const grpc = routes().filter((r) => Object.values(GRPC_PATHS).some((p) => String(r.match).includes(p)));
    expect(grpc).toHaveLength(2);
    for (const route of grpc) for (const s of servicesOf(route)) expect(s.scheme).toBe('h2c');
    const bySignal = grpc.find((r) => String(r.match).includes(GRPC_PATHS.signal)) as Obj;
    expect(servicesOf(bySignal)[0]).toMatchObject({ name: SERVICES.signal.name, port: SERVICES.signal.port });
    const byMgmt = grpc.find((r) => String(r.match).includes(GRPC_PATHS.management)) as Obj;
    expect(servicesOf(byMgmt)[0]).toMatchObject({
      name: SERVICES.management.name,
      port: SERVICES.management.port,
    });
    for (const route of routes().filter((r) => !grpc.includes(r)))
      for (const s of servicesOf(route)) expect(s.scheme).toBeUndefined();
  });

  it('serves dashboard and /api on the one host, never the relay, with a certificate from the ACME issuer', () => {
    const host = `netbird.${DOMAIN}`;
    for (const route of routes()) expect(String(route.match)).toContain(`Host(\`${host}\`)`);
    const target = (path: string) =>
      servicesOf(routes().find((r) => String(r.match).includes(`PathPrefix(\`${path}\`)`)) as Obj)[0];
    expect(target('/api')).toMatchObject({ name: SERVICES.management.name });
    expect(routes().some((r) => String(r.match).includes('/relay'))).toBe(false);
    expect(servicesOf(routes().find((r) => r.match === `Host(\`${host}\`)`) as Obj)[0]).toMatchObject({
      name: SERVICES.dashboard.name,
    });
    const route = find(objects, 'IngressRoute')[0] as Obj;
    const cert = find(objects, 'Certificate', 'netbird')[0] as Obj;
    expect((route.spec as Obj).entryPoints).toEqual(['websecure']);
    expect(((route.metadata as Obj).annotations as Obj)['kubernetes.io/ingress.class']).toBe('traefik');
    expect(((route.spec as Obj).tls as Obj).secretName).toBe((cert.spec as Obj).secretName);
    expect(cert.spec).toMatchObject({
      dnsNames: [host],
      issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-production', group: 'cert-manager.io' },
    });
  });

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned('validates the custom resources against the pinned CRDs, ordered after their CRDs'),
    async () => {
      const checks: [Values | undefined, string][] = [
        [find(objects, 'IngressRoute')[0], 'traefik.io/v1alpha1'],
        [find(objects, 'Certificate')[0], 'cert-manager.io/v1'],
      ];
      for (const [object, apiVersion] of checks) {
        expect(object?.apiVersion).toBe(apiVersion);
        const annotations = (object?.metadata as Obj | undefined)?.annotations as Obj;
        expect(annotations['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true');
        expect(Number(annotations['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(0);
      }
      for (const variant of findings) {
        expect(ofRule(variant, 'resource-schemas')).toEqual([]);
        expect(ofRule(variant, 'sync-order')).toEqual([]);
      }
      // The check rejects an unknown field.
      const route = structuredClone(find(objects, 'IngressRoute')[0]) as Obj;
      (route.metadata as Obj).name = 'bogus-route';
      (route.spec as Obj).bogus = true;
      const mutated = renderComponent(netbird, BASE);
      writeFileSync(join(mutated.dir, 'charts/netbird/templates/zz-bogus.yaml'), stringify(route));
      const caught = await checkRendered(mutated, ['resource-schemas']);
      expect(caught.map((f) => [f.where, f.message.split(' (')[0]])).toEqual([
        ['charts/netbird/templates/zz-bogus.yaml: IngressRoute/bogus-route', 'spec.bogus: unknown key'],
      ]);
    },
  );
});

describe('the data plane on UDP', () => {
  /** The relay pods' labels, derived as the chart's netbird.relay.selectorLabels helper does. */
  const relayPodLabels = (r: RenderedComponent) => ({
    'app.kubernetes.io/name': `${(parse(readFileSync(join(pinnedChart('netbird', '1.9.0').dir, 'Chart.yaml'), 'utf8')) as Obj).name}-relay`,
    'app.kubernetes.io/instance': ((r.application.spec as Obj).source as Obj & { helm: Obj }).helm
      .releaseName,
  });

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned(
      'publishes STUN and the relay (QUIC) on one UDP LoadBalancer Service selecting the relay pods',
    ),
    () => {
      const [service, ...others] = find(objects, 'Service');
      expect(others).toEqual([]);
      expect(((service as Obj).metadata as Obj).name).toBe(DATA_PLANE_SERVICE);
      const spec = service?.spec as Obj;
      expect(spec.type).toBe('LoadBalancer');
      expect(spec.externalTrafficPolicy).toBe('Local');
      expect(spec.ports).toEqual([
        { name: 'stun', protocol: 'UDP', port: 3478, targetPort: 3478 },
        { name: 'relay-quic', protocol: 'UDP', port: 443, targetPort: 33080 },
      ]);
      expect(spec.selector).toEqual(relayPodLabels(byDefault));
      expect(relayPodLabels(byDefault)).toEqual({
        'app.kubernetes.io/name': 'netbird-relay',
        'app.kubernetes.io/instance': 'netbird',
      });
    },
  );

  it('gives the relay a certificate for the data-plane host: DNS-01 with the tunnel, HTTP-01 without', () => {
    const relayCert = (list: Values[]) => find(list, 'Certificate', RELAY_TLS.certificate)[0] as Obj;
    expect(relayCert(objects).spec).toMatchObject({
      secretName: RELAY_TLS.secret,
      dnsNames: [`relay.${DOMAIN}`],
    });
    expect((relayCert(objects).metadata as Obj).labels).toMatchObject({
      'idstack.dev/acme-challenge': 'dns-01',
    });
    expect((relayCert(nodePortObjects).metadata as Obj).labels).not.toHaveProperty(
      'idstack.dev/acme-challenge',
    );
    expect((relayCert(nodePortObjects).spec as Obj).dnsNames).toEqual(['stun.mylab.dev']);
    // The relay mounts it: QUIC only starts with TLS.
    expect(section(byDefault, 'relay').volumes).toEqual([
      { name: 'relay-tls', secret: { secretName: RELAY_TLS.secret } },
    ]);
  });

  it.skipIf(!PINNED_UPSTREAM)(needsPinned('can use fixed NodePorts instead'), () => {
    const spec = find(nodePortObjects, 'Service')[0]?.spec as Obj;
    expect(spec.type).toBe('NodePort');
    expect(spec.ports).toEqual([
      { name: 'stun', protocol: 'UDP', port: 3478, targetPort: 3478, nodePort: 31478 },
      { name: 'relay-quic', protocol: 'UDP', port: 3479, targetPort: 33080, nodePort: 31443 },
    ]);
    expect(spec.selector).toEqual(relayPodLabels(nodePort));
  });

  it('can run without STUN (the relay stays)', () => {
    expect(((find(noStunObjects, 'Service')[0] as Obj).spec as Obj).ports).toEqual([
      { name: 'relay-quic', protocol: 'UDP', port: 443, targetPort: 33080 },
    ]);
    expect(managementJson(noStun).Stuns).toEqual([]);
    expect(section(noStun, 'relay').env).not.toHaveProperty('NB_ENABLE_STUN');
  });

  it('tells the user to forward the UDP ports, and has Authentik register exactly the redirect URIs the config sends', () => {
    const steps = byDefault.planned.manualSteps.join('\n');
    expect(steps).toMatch(/forward UDP 3478 .*STUN/);
    expect(steps).toMatch(/forward UDP 443 .*relay \(QUIC\)/);
    expect(steps).toContain(`relay.${DOMAIN} is DNS-only`);
    // Nothing to click in Authentik: the blueprint creates the provider, the brand's flow, the service account.
    expect(steps).not.toMatch(/Providers|Brands|Service account|Authentik/);
    const config = managementJson(byDefault);
    const sent = [
      `https://netbird.${DOMAIN}${(section(byDefault, 'dashboard').env as Obj).AUTH_REDIRECT_URI}`,
      `https://netbird.${DOMAIN}${(section(byDefault, 'dashboard').env as Obj).AUTH_SILENT_REDIRECT_URI}`,
      ...(((config.PKCEAuthorizationFlow as Obj).ProviderConfig as Obj).RedirectURLs as string[]),
    ];
    expect(oidcClient(`netbird.${DOMAIN}`, `auth.${DOMAIN}`, netbirdOptions.parse({})).redirectUris).toEqual(
      sent,
    );
    expect(byDefault.planned.identity.oidcClients?.[0]?.redirectUris).toEqual(sent);
    // The blueprint authentik-db generates registers exactly those, strict (rule `blueprints` proves it too).
    const authentikValues = parse(byDefault.files.get('charts/authentik-db/values.yaml') as string) as Obj;
    const blueprint = parse(
      String(((authentikValues.blueprints as Obj).files as Obj)['idstack.yaml']).replace(/!\w+/g, ''),
    ) as { entries: Obj[] };
    const provider = blueprint.entries.find(
      (e) =>
        e.model === 'authentik_providers_oauth2.oauth2provider' && (e.attrs as Obj).client_id === 'netbird',
    );
    // Every grant the config uses is allowed: the IdP manager's client credentials too.
    expect(((provider?.attrs ?? {}) as Obj).grant_types).toContain(
      ((config.IdpManagerConfig as Obj).ClientConfig as Obj).GrantType,
    );
    expect(((provider?.attrs ?? {}) as Obj).redirect_uris).toEqual(
      sent.map((url) => ({ matching_mode: 'strict', url, redirect_uri_type: 'authorization' })),
    );
    const readme = byDefault.files.get('charts/netbird/README.md') as string;
    expect(readme).toContain('forward UDP 3478');
    for (const uri of sent) expect(readme).toContain(uri);
    expect(readme).not.toMatch(/localhost:5[34]000\//);
  });

  it("gives the IdP manager's service account only the user API calls Netbird makes, never superuser", () => {
    const authentikValues = parse(byDefault.files.get('charts/authentik-db/values.yaml') as string) as Obj;
    const { entries } = parse(
      String(((authentikValues.blueprints as Obj).files as Obj)['idstack.yaml']).replace(/!\w+/g, ''),
    ) as { entries: Obj[] };
    const entry = (model: string, key: string, value: unknown) =>
      entries.find((e) => e.model === model && (e.identifiers as Obj)[key] === value) ?? {};
    const username = ((managementJson(byDefault).IdpManagerConfig as Obj).ExtraConfig as Obj).Username;
    const user = entry('authentik_core.user', 'username', username);
    const groups = (user.attrs as Obj).groups as string[];
    expect(groups).toHaveLength(1);
    const group = entries.find((e) => e.model === 'authentik_core.group' && e.id === groups[0]) ?? {};
    expect(group.attrs).toEqual({ is_superuser: false, roles: [expect.any(String)] });
    const role = entries.find((e) => e.id === ((group.attrs as Obj).roles as string[])[0]) ?? {};
    // CoreUsersList / CoreUsersRetrieve and CoreUsersDestroy: what Netbird's Authentik IdP manager calls.
    expect(role).toMatchObject({
      model: 'authentik_rbac.role',
      attrs: { permissions: ['authentik_core.delete_user', 'authentik_core.view_user'] },
    });
    expect(entries.filter((e) => (e.attrs as Obj | undefined)?.is_superuser === true)).toEqual([]);
  });
});

describe('secrets', () => {
  const SECRETISH = /(secret|password|encryptionkey)$/i;

  it('keeps every secret in management.json as an environment placeholder', () => {
    const walk = (value: unknown, path: string): string[] => {
      if (Array.isArray(value)) return value.flatMap((v, i) => walk(v, `${path}[${i}]`));
      if (typeof value === 'object' && value !== null)
        return Object.entries(value).flatMap(([k, v]) =>
          SECRETISH.test(k) && typeof v === 'string' && v !== '' && !PLACEHOLDER.test(v)
            ? [`${path}.${k}`]
            : walk(v, `${path}.${k}`),
        );
      return [];
    };
    for (const r of [byDefault, nodePort, noStun])
      expect(walk(managementJson(r), 'management.json')).toEqual([]);
    const config = managementJson(byDefault);
    expect(config.DataStoreEncryptionKey).toMatch(PLACEHOLDER);
    expect(config.Relay?.Secret).toMatch(PLACEHOLDER);
    expect((config.IdpManagerConfig?.ExtraConfig as Obj | undefined)?.Password).toMatch(PLACEHOLDER);
  });

  it("fills every placeholder from a declared Secret, through the chart's envFromSecret", () => {
    for (const r of [byDefault, nodePort]) {
      const declared = new Set(r.planned.secrets.flatMap((s) => s.keys.map((k) => `${s.name}/${k.key}`)));
      const text = section(r, 'management').configmap as string;
      const used = [...text.matchAll(/\{\{ \.([A-Z0-9_]+) \}\}/g)].map((m) => m[1]);
      const fromSecret = section(r, 'management').envFromSecret as Obj;
      for (const env of used) expect(declared).toContain(fromSecret[env as string]);
      for (const name of ['relay', 'dashboard', 'management'])
        for (const reference of Object.values((section(r, name).envFromSecret ?? {}) as Obj))
          expect(declared).toContain(reference);
      expect((section(r, 'relay').envFromSecret as Obj).NB_AUTH_SECRET).toBe(
        fromSecret[MANAGEMENT_ENV.relaySecret],
      );
    }
  });

  it('writes no secret-looking value anywhere in the output', () => {
    const ownOutput = [...byDefault.files].filter(
      ([path]) => path.startsWith('charts/netbird/') || path === 'cluster/apps/netbird.yaml',
    );
    expect(ownOutput.length).toBeGreaterThan(3);
    for (const [path, text] of ownOutput) {
      // Long unbroken base64/hex runs are what generated secrets look like (paths such as a/b are not).
      expect({ path, tokens: text.match(/[A-Za-z0-9+]{32,}/g) ?? [] }).toEqual({ path, tokens: [] });
    }
    const secretKeyed = (value: unknown): string[] =>
      typeof value === 'object' && value !== null
        ? Object.entries(value).flatMap(([k, v]) =>
            // secretName is the name of a Secret (the relay's TLS one), never a value.
            /secret|password/i.test(k) &&
            k !== 'secretName' &&
            typeof v === 'string' &&
            v !== '' &&
            !v.includes('/')
              ? [k]
              : secretKeyed(v),
          )
        : [];
    expect(secretKeyed({ ...chartValues(byDefault), management: {} })).toEqual([]);
  });

  it('declares the Secrets, saying which may be random', () => {
    const secrets = Object.fromEntries(byDefault.planned.secrets.map((s) => [s.name, s.keys]));
    expect(Object.keys(secrets).sort()).toEqual(['netbird-authentik', 'netbird-management', 'netbird-relay']);
    expect(secrets['netbird-relay']).toEqual([expect.objectContaining({ key: 'authSecret', random: true })]);
    // The datastore key must be 32 bytes, base64-encoded: generated as such, never as hex.
    expect(secrets['netbird-management']).toEqual([
      expect.objectContaining({ key: 'datastoreEncryptionKey', random: true, encoding: 'base64' }),
    ]);
    expect(secrets['netbird-authentik']?.map((k) => k.key)).toEqual(['serviceAccountPassword']);
    expect(
      nodePort.planned.secrets.find((s) => s.name === 'netbird-authentik')?.keys.map((k) => k.key),
    ).toEqual(['serviceAccountPassword', 'clientSecret']);
  });
});

describe('upstream values and determinism', () => {
  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned('sets only keys that exist in the pinned netbird 1.9.0 values.yaml'),
    async () => {
      for (const variant of findings) expect(ofRule(variant, 'upstream-values')).toEqual([]);
      // The check does catch a wrong key.
      const bad = renderComponent(netbird, {
        ...BASE,
        components: { netbird: { values: { netbird: { relay: { stun: { enabled: true } } } } } },
      });
      const caught = await checkRendered(bad, ['upstream-values']);
      expect(caught.map((f) => f.where)).toEqual(['charts/netbird/values.yaml: netbird.relay.stun']);
    },
  );

  it('renders byte-identical output twice', () => {
    const again = renderComponent(netbird, BASE);
    expect([...again.files]).toEqual([...byDefault.files]);
  });

  it('orders the Application after authentik-db, ingress and the tunnel its certificate challenge comes through', () => {
    const waves = Object.fromEntries(byDefault.plan.components.map((p) => [p.component.name, p.wave]));
    expect(waves.netbird).toBeGreaterThan(waves['authentik-db'] as number);
    expect(waves.netbird).toBeGreaterThan(waves.ingress as number);
    expect(waves.netbird).toBeGreaterThan(waves.cloudflared as number);
  });
});

describe('bad options', () => {
  it.each([
    [{ oidc: { slug: 'Not A Slug' } }, 'components.netbird.oidc.slug'],
    [{ oidc: { clientId: 'has space' } }, 'components.netbird.oidc.clientId'],
    [{ dataPlane: { serviceType: 'HostPort' } }, 'components.netbird.dataPlane.serviceType'],
    [{ dataPlane: { nodePorts: { stun: 31478 } } }, 'components.netbird.dataPlane.nodePorts'],
    [
      { dataPlane: { serviceType: 'NodePort', nodePorts: { relay: 80 } } },
      'components.netbird.dataPlane.nodePorts.relay',
    ],
    [{ dataPlane: { relayPort: 3478 } }, 'components.netbird.dataPlane.relayPort'],
    [{ storageSize: '1GB' }, 'components.netbird.storageSize'],
    [{ dnsDomain: 'Bad_Domain' }, 'components.netbird.dnsDomain'],
    [{ oidc: { slugg: 'x' } }, 'components.netbird.oidc.slugg'],
  ])('%j is refused naming %s', (options, key) => {
    expect(errorOf({ ...BASE, components: { netbird: options } })).toContain(`${key}:`);
  });
});

describe('netbird without Authentik', () => {
  it('refuses to build: Authentik is its identity provider', () => {
    expect(() => renderComponent(netbird, { components: { 'authentik-db': { enabled: false } } })).toThrow(
      /components\.authentik-db\.enabled: netbird cannot work without authentik-db/,
    );
  });
});
