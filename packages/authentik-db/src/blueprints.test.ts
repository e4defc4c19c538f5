import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { argocdOidcClient } from '@idstack/argocd';
import { checkRendered, needsPinned, PINNED_UPSTREAM } from '@idstack/check/testing';
import { type ComponentIdentity, type IdentityGroup, type Values, validateStack } from '@idstack/core';
import { type RenderedComponent, renderComponent, renderOwnTemplates } from '@idstack/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { BLUEPRINT_FILE, BLUEPRINTS_CONFIGMAP, blueprints } from './blueprints.js';
import authentikDb from './index.js';

const STACK = { domain: 'homelab.example.org', acme: { environment: 'production' } };
/** Argo CD as a confidential client, both UIs behind forward-auth. */
const CONFIDENTIAL = {
  ...STACK,
  components: {
    argocd: { sso: { clientType: 'confidential' } },
    'authentik-db': { protect: ['hubble', 'argocd'] },
  },
};
const VALUES = 'charts/authentik-db/values.yaml';

/** The generated blueprint, as the ConfigMap holds it, parsed (tags kept as `{ tag, value }`). */
async function blueprintOf(rendered: RenderedComponent): Promise<{ text: string; entries: Values[] }> {
  const objects = await renderOwnTemplates(rendered);
  const configMap = objects.find(
    (o) => o.kind === 'ConfigMap' && (o.metadata as Values).name === BLUEPRINTS_CONFIGMAP,
  );
  const text = String(((configMap?.data ?? {}) as Values)[BLUEPRINT_FILE]);
  const doc = parseDocument(text);
  const entries = (doc.toJS() as Values).entries as Values[];
  return { text, entries };
}

/** Edits the rendered values.yaml on disk (what Argo CD would read), as a hand edit or a bad override would. */
function edit(rendered: RenderedComponent, from: string, to: string): void {
  const file = join(rendered.dir, VALUES);
  const text = readFileSync(file, 'utf8');
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

/** An entry's attrs (empty when the entry is missing: the assertion then fails on the value). */
const attrs = (entry: Values | undefined): Values => (entry?.attrs ?? {}) as Values;

let base: RenderedComponent;
let confidential: RenderedComponent;
beforeAll(() => {
  base = renderComponent(authentikDb, STACK);
  confidential = renderComponent(authentikDb, CONFIDENTIAL);
});

describe('generated blueprints', () => {
  it("register Argo CD's client exactly as argocd-cm is configured: strict redirect URIs, client type, admin group", async () => {
    const client = argocdOidcClient(
      validateStack(
        STACK,
        base.plan.components.map((p) => p.component),
      ),
    );
    const { entries } = await blueprintOf(base);
    const provider = entries.find((e) => e.model === 'authentik_providers_oauth2.oauth2provider');
    expect(attrs(provider).client_id).toBe(client?.clientId);
    expect(attrs(provider).client_type).toBe('public');
    expect(attrs(provider).redirect_uris).toEqual(
      client?.redirectUris.map((url) => ({
        matching_mode: 'strict',
        url,
        redirect_uri_type: 'authorization',
      })),
    );
    expect(entries.find((e) => e.model === 'authentik_core.group')?.identifiers).toEqual({
      name: 'argocd-admins',
    });
    const app = entries.find(
      (e) => e.model === 'authentik_core.application' && (e.identifiers as Values).slug === client?.slug,
    );
    expect(attrs(app).provider).toBe(provider?.id);
  });

  it('put every protected host behind a forward_single proxy provider on the embedded outpost', async () => {
    const { entries } = await blueprintOf(confidential);
    const proxies = entries.filter((e) => e.model === 'authentik_providers_proxy.proxyprovider');
    expect(proxies.map((p) => [(p.attrs as Values).mode, (p.attrs as Values).external_host])).toEqual([
      ['forward_single', 'https://hubble.homelab.example.org'],
      ['forward_single', 'https://argocd.homelab.example.org'],
    ]);
    const outpost = entries.find((e) => e.model === 'authentik_outposts.outpost');
    expect(outpost?.identifiers).toEqual({ managed: 'goauthentik.io/outposts/embedded' });
    expect(attrs(outpost).providers).toEqual(proxies.map((p) => p.id));
    expect((attrs(outpost).config as Values).authentik_host).toBe('https://auth.homelab.example.org');
  });

  it('hold no secret: a confidential client secret is !Env, wired from a copy of the client Secret', async () => {
    const { text } = await blueprintOf(confidential);
    expect(text).toContain('client_secret: !Env IDSTACK_ARGOCD_ARGOCD_AUTHENTIK_CLIENT_SECRET');
    const env = (confidential.values.authentik as Values).global as Values;
    expect(env.env).toContainEqual({
      name: 'IDSTACK_ARGOCD_ARGOCD_AUTHENTIK_CLIENT_SECRET',
      valueFrom: { secretKeyRef: { name: 'argocd-argocd-authentik', key: 'clientSecret' } },
    });
    const copy = confidential.plan.components
      .find((p) => p.component.name === 'authentik-db')
      ?.secrets.find((s) => s.name === 'argocd-argocd-authentik');
    expect(copy?.keys).toEqual([
      expect.objectContaining({
        key: 'clientSecret',
        copyOf: { namespace: 'argocd', name: 'argocd-authentik', key: 'clientSecret' },
      }),
    ]);
  });

  it('are mounted by the authentik chart and identical across builds', () => {
    expect((base.values.authentik as Values).blueprints).toEqual({ configMaps: [BLUEPRINTS_CONFIGMAP] });
    expect(renderComponent(authentikDb, CONFIDENTIAL).files).toEqual(confidential.files);
  });
});

describe('groups', () => {
  const declaring = (component: string, groups: IdentityGroup[]): ComponentIdentity => ({
    component,
    namespace: component,
    identity: { groups },
  });

  it('grant permissions through a role of their own (the union of every declaration), never superuser', () => {
    const { files } = blueprints(
      [
        declaring('a', [{ name: 'api', permissions: ['authentik_core.view_user'] }, { name: 'people' }]),
        declaring('b', [
          { name: 'api', permissions: ['authentik_core.view_user', 'authentik_core.delete_user'] },
        ]),
      ],
      'auth.homelab.example.org',
      () => 'none',
    );
    const entries = (parseDocument(files[BLUEPRINT_FILE] as string).toJS() as Values).entries as Values[];
    const of = (model: string) =>
      entries
        .filter((e) => e.model === model)
        .map(({ id, identifiers, attrs }) => ({ id, identifiers, attrs }));
    expect(of('authentik_rbac.role')).toEqual([
      {
        id: 'role-api',
        identifiers: { name: 'api' },
        attrs: { permissions: ['authentik_core.delete_user', 'authentik_core.view_user'] },
      },
    ]);
    expect(of('authentik_core.group')).toEqual([
      { id: 'group-api', identifiers: { name: 'api' }, attrs: { is_superuser: false, roles: ['role-api'] } },
      { id: 'group-people', identifiers: { name: 'people' }, attrs: { is_superuser: false } },
    ]);
    // !KeyOf only finds an entry above it.
    const index = (model: string) => entries.findIndex((e) => e.model === model);
    expect(index('authentik_rbac.role')).toBeLessThan(index('authentik_core.group'));
  });
});

describe("the user's own apps (applications)", () => {
  const APPS = {
    ...STACK,
    components: {
      'authentik-db': {
        applications: [
          {
            slug: 'grafana',
            name: 'Grafana',
            oidc: {
              namespace: 'monitoring',
              redirectUris: ['https://grafana.homelab.example.org/login/generic_oauth'],
            },
          },
          {
            slug: 'whoami',
            name: 'whoami',
            protect: {
              host: 'whoami.homelab.example.org',
              service: { name: 'whoami', namespace: 'apps', port: 80 },
            },
          },
        ],
      },
    },
  };

  it('become a confidential OAuth2 provider (secret random, copied for Authentik) and a forward-auth route', async () => {
    const apps = renderComponent(authentikDb, APPS);
    const { entries, text } = await blueprintOf(apps);
    const grafana = entries.find(
      (e) => e.model === 'authentik_providers_oauth2.oauth2provider' && attrs(e).client_id === 'grafana',
    );
    expect(attrs(grafana).redirect_uris).toEqual([
      {
        matching_mode: 'strict',
        url: 'https://grafana.homelab.example.org/login/generic_oauth',
        redirect_uri_type: 'authorization',
      },
    ]);
    expect(text).toContain('client_secret: !Env IDSTACK_MONITORING_GRAFANA_AUTHENTIK_CLIENT_SECRET');
    const secrets = apps.plan.components.find((p) => p.component.name === 'authentik-db')?.secrets ?? [];
    expect(secrets.find((s) => s.name === 'grafana-authentik')).toMatchObject({
      namespace: 'monitoring',
      keys: [{ key: 'clientSecret', random: true }],
    });
    expect(secrets.find((s) => s.name === 'monitoring-grafana-authentik')?.keys[0]?.copyOf).toEqual({
      namespace: 'monitoring',
      name: 'grafana-authentik',
      key: 'clientSecret',
    });
    const proxy = entries.find(
      (e) =>
        e.model === 'authentik_providers_proxy.proxyprovider' &&
        attrs(e).external_host === 'https://whoami.homelab.example.org',
    );
    expect(attrs(entries.find((e) => e.model === 'authentik_outposts.outpost')).providers).toContain(
      proxy?.id,
    );
    const objects = await renderOwnTemplates(apps);
    const route = objects.find(
      (o) => o.kind === 'IngressRoute' && (o.metadata as Values).name === 'app-whoami',
    );
    expect(JSON.stringify(route)).toContain('Host(`whoami.homelab.example.org`)');
    if (PINNED_UPSTREAM) expect(await checkRendered(apps, ['blueprints'])).toEqual([]);
  });

  it('refuses a slug the stack already uses, naming the key', () => {
    expect(() =>
      renderComponent(authentikDb, {
        ...STACK,
        components: {
          'authentik-db': {
            applications: [
              { slug: 'argocd', name: 'Mine', oidc: { redirectUris: ['https://x.homelab.example.org/cb'] } },
            ],
          },
        },
      }),
    ).toThrow(
      /components\.authentik-db\.applications\[0\]\.slug: the Authentik application slug "argocd" is taken twice/,
    );
  });
});

describe.skipIf(!PINNED_UPSTREAM)('idstack check, rule blueprints', () => {
  it(
    needsPinned('passes: the blueprints validate against the pinned schema and every reference resolves'),
    async () => {
      expect(await checkRendered(base, ['blueprints'])).toEqual([]);
      expect(await checkRendered(confidential, ['blueprints'])).toEqual([]);
    },
  );

  it(
    needsPinned('fails on a redirect URI that differs from the client (a trailing slash it never sends)'),
    async () => {
      const broken = renderComponent(authentikDb, STACK);
      edit(
        broken,
        'url: https://argocd.homelab.example.org/auth/callback\n',
        'url: https://argocd.homelab.example.org/auth/callback/\n',
      );
      const findings = await checkRendered(broken, ['blueprints']);
      expect(findings.map((f) => [f.severity, f.chart])).toEqual([['error', 'argocd']]);
      expect(findings[0]?.message).toBe(
        "redirect URIs differ from what argocd's client sends; missing: strict https://argocd.homelab.example.org/auth/callback; not sent by the client: strict https://argocd.homelab.example.org/auth/callback/",
      );
    },
  );

  it(
    needsPinned(
      'fails on a reference to a missing object (!Find of an unknown flow, !KeyOf of an unknown id)',
    ),
    async () => {
      const broken = renderComponent(authentikDb, STACK);
      edit(broken, 'default-provider-invalidation-flow ] ]', 'default-provider-invalidation ] ]');
      edit(broken, 'provider: !KeyOf oauth2-argocd', 'provider: !KeyOf oauth2-argo');
      const findings = await checkRendered(broken, ['blueprints']);
      expect(findings.map((f) => f.message.split(':')[0])).toEqual([
        "!Find [authentik_flows.flow, [slug, default-provider-invalidation]] matches no object this blueprint creates nor a built-in one (authentik_flows.flow, authentik_providers_oauth2.scopemapping, authentik_crypto.certificatekeypair, authentik_outposts.outpost, authentik_brands.brand, authentik_core.group from Authentik's default and system blueprints)",
        '!KeyOf oauth2-argo names no entry id before it in this blueprint',
      ]);
    },
  );

  it(
    needsPinned('fails on what the schema refuses (an unknown proxy mode) and on an !Env the worker lacks'),
    async () => {
      const broken = renderComponent(authentikDb, CONFIDENTIAL);
      edit(broken, 'mode: forward_single', 'mode: forward_everything');
      edit(broken, '- name: IDSTACK_ARGOCD_ARGOCD_AUTHENTIK_CLIENT_SECRET', '- name: IDSTACK_TYPO');
      const findings = await checkRendered(broken, ['blueprints']);
      expect(findings.map((f) => f.where.replace(/^.* idstack\.yaml /, ''))).toEqual([
        expect.stringMatching(/^entries\[\d+\]\.attrs\.mode$/),
        expect.stringMatching(/^entries\[\d+\]\.attrs\.client_secret$/),
      ]);
    },
  );
});
