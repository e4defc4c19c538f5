import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Component, IdentityDeclaration } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ruleContext, type StackBuild, stackBuild } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';
import type { Finding } from '../types.js';
import { BUILT_IN_BLUEPRINTS, blueprints } from './blueprints.js';

// Rule blueprints, branch by branch, in milliseconds: blueprint ConfigMaps as the Application's render (no helm), a
// small blueprint schema of the same shape as Authentik's (one `oneOf` branch per model, its attrs and permissions
// as `model_<name>` definitions) pinned in a temp folder; blueprints.pinned.test.ts uses the real pinned schema.

const VERSION = '2026.8.0';
const MODELS = [
  'authentik_core.group',
  'authentik_core.user',
  'authentik_flows.flow',
  'authentik_providers_oauth2.oauth2provider',
  'authentik_providers_proxy.proxyprovider',
  'authentik_outposts.outpost',
  'authentik_blueprints.metaapplyblueprint',
];
const schema = {
  $schema: 'http://json-schema.org/draft-07/schema',
  type: 'object',
  required: ['version', 'entries'],
  properties: {
    version: { type: 'integer' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    entries: { type: 'array', items: { $ref: '#/$defs/blueprint_entry' } },
  },
  $defs: {
    blueprint_entry: {
      oneOf: MODELS.map((model) => ({
        type: 'object',
        required: ['model', 'identifiers'],
        properties: {
          model: { const: model },
          id: { type: 'string' },
          permissions: { $ref: `#/$defs/model_${model}_permissions` },
          attrs: { $ref: `#/$defs/model_${model}` },
          identifiers: { $ref: `#/$defs/model_${model}` },
        },
      })),
    },
    ...Object.fromEntries(
      MODELS.flatMap((model) => [
        [
          `model_${model}`,
          {
            type: 'object',
            properties: {
              name: { type: 'string' },
              is_superuser: { type: 'boolean' },
              parents: { type: 'array', items: { type: 'string' } },
              mode: { enum: ['proxy', 'forward_single', 'forward_domain'] },
            },
            // Flows take no other keys (for the key paths of schema errors).
            ...(model === 'authentik_flows.flow' ? { additionalProperties: false } : {}),
          },
        ],
        [
          `model_${model}_permissions`,
          { type: 'array', items: { type: 'object', properties: { permission: { enum: ['view'] } } } },
        ],
      ]),
    ),
  },
};
/** A pinned upstream folder holding only authentik's blueprint schema. */
const upstream = mkdtempSync(join(tmpdir(), 'idstack-blueprints-upstream-'));
mkdirSync(join(upstream, 'authentik', VERSION), { recursive: true });
writeFileSync(join(upstream, 'authentik', VERSION, 'blueprints.schema.json'), JSON.stringify(schema));

/** A pinned upstream folder holding `blueprintSchema` as authentik's blueprint schema. */
const pinnedSchema = (blueprintSchema: object) => {
  const dir = mkdtempSync(join(tmpdir(), 'idstack-blueprints-other-'));
  mkdirSync(join(dir, 'authentik', VERSION), { recursive: true });
  writeFileSync(join(dir, 'authentik', VERSION, 'blueprints.schema.json'), JSON.stringify(blueprintSchema));
  return dir;
};

const CONFIG_MAP = 'idp-blueprints';
/** The identity provider: the authentik chart, its worker mounting the ConfigMap `idp-blueprints`. */
const idpOf = (values: object = {}, chart: object = {}) =>
  throwawayComponent(
    'idp',
    {},
    {
      charts: [
        { name: 'authentik', repository: 'https://charts.goauthentik.io', version: VERSION, ...chart },
      ],
      values: () => ({
        [('alias' in chart ? chart.alias : 'authentik') as string]: {
          blueprints: { configMaps: [CONFIG_MAP] },
          global: { env: [{ name: 'GLOBAL_VAR', value: 'x' }] },
          worker: { env: ['WORKER_VAR'] },
          ...values,
        },
      }),
    },
  );
const idp = idpOf();

const client = {
  name: 'App',
  clientId: 'app',
  slug: 'app',
  issuer: 'https://auth.lab.example.org/application/o/app/',
  clientType: 'public',
  redirectUris: ['https://app.lab.example.org/cb', 'http://localhost:8000/cb'],
  scopes: ['openid'],
} as const;
const protectedHost = { slug: 'admin', name: 'Admin', host: 'admin.lab.example.org' };
/** A component that logs in through Authentik and puts a host behind forward-auth. */
const appOf = (identity: IdentityDeclaration) => throwawayComponent('app', {}, { identity: () => identity });
const app = appOf({ oidcClients: [client], protectedHosts: [protectedHost] });

/** A blueprint named `name` with these entries (YAML lines, each entry starting `  - `). */
const blueprint = (entries: string, name = 'test') =>
  `version: 1\nmetadata:\n  name: ${name}\nentries:\n${entries.replace(/^\n/, '')}`;
/** The objects app's identity needs: its OAuth2 provider, its proxy provider on the embedded outpost. */
const APP_OBJECTS = `
  - model: authentik_providers_oauth2.oauth2provider
    id: oauth2-app
    identifiers: { name: App }
    attrs:
      client_type: public
      client_id: app
      redirect_uris:
        - { matching_mode: strict, url: https://app.lab.example.org/cb }
        - { url: http://localhost:8000/cb }
  - model: authentik_providers_proxy.proxyprovider
    id: proxy-admin
    identifiers: { name: Admin }
    attrs: { external_host: https://admin.lab.example.org, mode: forward_single }
  - model: authentik_outposts.outpost
    identifiers: { managed: goauthentik.io/outposts/embedded }
    attrs:
      providers: [!KeyOf proxy-admin]
`;

const builds = new Map<readonly Component[], StackBuild>();
/** The stack's build, once per component list. */
const buildOf = (components: readonly Component[]) => {
  const built = builds.get(components) ?? stackBuild(components);
  builds.set(components, built);
  return built;
};
const configMap = (name: string, data: Record<string, unknown>, kind = 'ConfigMap') =>
  stringify({ apiVersion: 'v1', kind, metadata: { name }, data });

/** Runs the rule over `files` (ConfigMap key -> text) in idp's mounted ConfigMap, or over the given objects. */
async function check(
  input: {
    files?: Record<string, unknown>;
    objects?: Record<string, Record<string, string>>;
    components?: readonly Component[];
    upstreamDir?: string | undefined;
  } = {},
) {
  const components = input.components ?? [idp, app];
  const ctx = ruleContext({
    components,
    built: buildOf(components),
    objects: input.objects ?? {
      idp: { 'templates/blueprints.yaml': configMap(CONFIG_MAP, input.files ?? {}) },
    },
    ...('upstreamDir' in input
      ? input.upstreamDir
        ? { upstreamDir: input.upstreamDir }
        : {}
      : { upstreamDir: upstream }),
  });
  return { findings: await blueprints.run(ctx), ctx };
}
const findings = async (input: Parameters<typeof check>[0] = {}) => (await check(input)).findings;
/** Findings of one blueprint file `test.yaml` with these entries (and app's objects after them). */
const ofEntries = (entries: string, extra: Omit<Parameters<typeof check>[0], 'files'> = {}) =>
  findings({ ...extra, files: { 'test.yaml': blueprint(`${entries.replace(/^\n/, '')}${APP_OBJECTS}`) } });
const WHERE = `charts/idp/templates/blueprints.yaml: ConfigMap/${CONFIG_MAP} test.yaml`;
const brief = (found: readonly Finding[]) => found.map((f) => [f.where, f.message]);

describe('blueprints (over synthetic ConfigMaps and a small schema)', () => {
  it("passes on blueprints that validate, resolve and meet every component's identity declaration", async () => {
    const { findings: found, ctx } = await check({ files: { 'test.yaml': blueprint(APP_OBJECTS) } });
    expect(found).toEqual([]);
    expect(ctx.unverified()).toEqual([]);
  });

  it('checks nothing (renders nothing) without the authentik chart and without identity declarations', async () => {
    const plain = throwawayComponent('plain', {}, { identity: () => ({ groups: [{ name: 'admins' }] }) });
    const ctx = {
      ...ruleContext({ components: [plain] }),
      render: () => {
        throw new Error('rendered');
      },
    };
    expect(await blueprints.run(ctx)).toEqual([]);
  });

  it('records the schema check as not verified when the blueprint schema is not pinned, and still checks the rest', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'idstack-blueprints-none-'));
    for (const upstreamDir of [undefined, empty]) {
      const { findings: found, ctx } = await check({
        upstreamDir,
        files: {
          'test.yaml': blueprint(`  - model: authentik_core.nothing\n    attrs: { user: !KeyOf nobody }\n`),
        },
      });
      expect(ctx.unverified()).toEqual([
        `Authentik blueprints against the blueprint schema of authentik ${VERSION} (not pinned: set IDSTACK_UPSTREAM)`,
      ]);
      expect(found.map((f) => f.where)).toEqual([
        `${WHERE} entries[0].attrs.user`,
        'app: OIDC client app',
        'app: protected host admin.lab.example.org',
      ]);
    }
  });

  describe('the mounted ConfigMaps', () => {
    it.each([
      ['not rendered', {}],
      ['rendered as a Secret', { idp: { 'templates/b.yaml': configMap(CONFIG_MAP, {}, 'Secret') } }],
      ['rendered under another name', { idp: { 'templates/b.yaml': configMap('other', {}) } }],
      ['rendered by another chart', { app: { 'templates/b.yaml': configMap(CONFIG_MAP, {}) } }],
      [
        'rendered without a name',
        { idp: { 'templates/b.yaml': stringify({ apiVersion: 'v1', kind: 'ConfigMap', data: {} }) } },
      ],
    ])('fails on a ConfigMap the worker mounts but the Application has %s', async (_, objects) => {
      const found = await findings({ objects, components: [idp] });
      expect(found).toEqual([
        {
          severity: 'error',
          rule: 'blueprints',
          chart: 'idp',
          where: 'charts/idp/values.yaml: authentik.blueprints.configMaps',
          message: `the worker mounts the ConfigMap ${CONFIG_MAP}, which this Application does not render: the worker cannot start`,
          fix: `render the ConfigMap ${CONFIG_MAP} in charts/idp, or remove it from authentik.blueprints.configMaps`,
        },
      ]);
    });

    it('reads the values under the dependency alias', async () => {
      const aliased = idpOf({}, { alias: 'sso' });
      const found = await findings({ components: [aliased], objects: {} });
      expect(found.map((f) => f.where)).toEqual(['charts/idp/values.yaml: authentik.blueprints.configMaps']);
      expect(await findings({ components: [idpOf({ blueprints: 'none' })], objects: {} })).toEqual([]);
      expect(
        await findings({ components: [idpOf({ blueprints: { configMaps: 'x' } })], objects: {} }),
      ).toEqual([]);
    });

    it('fails on a file that is not YAML or not a mapping; reads only .yaml keys', async () => {
      const found = await findings({
        components: [idp],
        files: {
          'broken.yaml': 'entries: [unclosed\n',
          'list.yaml': '- a\n- b\n',
          'number.yaml': 5,
          'empty.yaml': '',
          'notes.txt': 'not: [a blueprint',
          'other.yml': 'not: [a blueprint',
        },
      });
      expect(found).toEqual([
        {
          severity: 'error',
          rule: 'blueprints',
          chart: 'idp',
          where: `charts/idp/templates/blueprints.yaml: ConfigMap/${CONFIG_MAP} broken.yaml`,
          message: expect.stringMatching(
            /^not YAML Authentik can read: Flow sequence in block collection must be sufficiently indented/,
          ),
        },
        {
          severity: 'error',
          rule: 'blueprints',
          chart: 'idp',
          where: `charts/idp/templates/blueprints.yaml: ConfigMap/${CONFIG_MAP} list.yaml`,
          message: 'is not a blueprint (a mapping)',
        },
        {
          severity: 'error',
          rule: 'blueprints',
          chart: 'idp',
          where: `charts/idp/templates/blueprints.yaml: ConfigMap/${CONFIG_MAP} number.yaml`,
          message: 'is not a blueprint (a mapping)',
        },
        {
          severity: 'error',
          rule: 'blueprints',
          chart: 'idp',
          where: `charts/idp/templates/blueprints.yaml: ConfigMap/${CONFIG_MAP} empty.yaml`,
          message: 'is not a blueprint (a mapping)',
        },
      ]);
    });

    it("reads the authentik dependency among the chart's other dependencies", async () => {
      const withOthers = throwawayComponent(
        'idp',
        {},
        {
          charts: [
            { name: 'redis', repository: 'https://charts.example.org', version: '1.0.0' },
            { name: 'authentik', repository: 'https://charts.goauthentik.io', version: VERSION },
          ],
          values: () => ({ redis: {}, authentik: { blueprints: { configMaps: [CONFIG_MAP] } } }),
        },
      );
      const found = await findings({ components: [withOthers], objects: {} });
      expect(found.map((f) => f.where)).toEqual(['charts/idp/values.yaml: authentik.blueprints.configMaps']);
    });

    it('finds no mounted ConfigMap when the stack has no Application for the chart', async () => {
      const ctx = ruleContext({
        components: [idp],
        built: buildOf([idp]),
        objects: { idp: { 'templates/blueprints.yaml': configMap(CONFIG_MAP, {}) } },
        output: { 'cluster/apps/idp.yaml': undefined },
        upstreamDir: upstream,
      });
      expect((await ctx.render()).applications.map((a) => a.application.name)).toEqual([]);
      expect((await blueprints.run(ctx)).map((f) => f.where)).toEqual([
        'charts/idp/values.yaml: authentik.blueprints.configMaps',
      ]);
    });

    it('mounts nothing when the chart has no values for authentik', async () => {
      const bare = throwawayComponent(
        'idp',
        {},
        { charts: [{ name: 'authentik', repository: 'https://charts.goauthentik.io', version: VERSION }] },
      );
      expect(await findings({ components: [bare], objects: {} })).toEqual([]);
      // The same chart mounting a ConfigMap it does not render: the ConfigMaps are read from its values.
      expect(await findings({ components: [idp], objects: {} })).toHaveLength(1);
    });

    it('reads a ConfigMap without data as no blueprint', async () => {
      const text = stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CONFIG_MAP } });
      expect(await findings({ components: [idp], objects: { idp: { 'templates/b.yaml': text } } })).toEqual(
        [],
      );
    });
  });

  describe('the pinned blueprint schema', () => {
    it('reports the errors of the entry against its own model only, at its entry path', async () => {
      const found = await ofEntries(`
  - model: authentik_core.group
    id: g
    identifiers: { name: admins }
    attrs: { is_superuser: maybe }
    permissions: [{ permission: all }]
  - model: authentik_core.user
    attrs: { name: !!int 5 }
`);
      expect(found).toEqual(
        [
          [`${WHERE} entries[0].permissions.0.permission`, 'must be one of ["view"]'],
          [`${WHERE} entries[0].attrs.is_superuser`, 'must be boolean'],
          [`${WHERE} entries[1]`, "must have required property 'identifiers'"],
          [`${WHERE} entries[1].attrs.name`, 'must be string'],
        ].map(([where, message]) => ({
          severity: 'error',
          rule: 'blueprints',
          chart: 'idp',
          where,
          message: `${message} (Authentik ${VERSION} blueprint schema)`,
        })),
      );
    });

    it('reports an unknown model once, not the schema errors it causes', async () => {
      const found = await ofEntries(`
  - model: authentik_core.groups
    identifiers: { name: x }
`);
      expect(found).toEqual([
        {
          severity: 'error',
          rule: 'blueprints',
          chart: 'idp',
          where: `${WHERE} entries[0].model`,
          message: `unknown model authentik_core.groups (not in Authentik ${VERSION}'s blueprint schema)`,
        },
      ]);
    });

    it('reports an unknown model beside the errors of a known one', async () => {
      const found = await ofEntries(`
  - model: authentik_core.groups
    identifiers: { name: x }
  - model: authentik_core.group
    identifiers: { name: 5 }
`);
      expect(brief(found)).toEqual([
        [
          `${WHERE} entries[0].model`,
          `unknown model authentik_core.groups (not in Authentik ${VERSION}'s blueprint schema)`,
        ],
        [`${WHERE} entries[1].identifiers.name`, `must be string (Authentik ${VERSION} blueprint schema)`],
      ]);
    });

    it('names entries past the ninth by their full index', async () => {
      const groups = Array.from(
        { length: 10 },
        (_, i) => `  - model: authentik_core.group\n    identifiers: { name: g${i} }\n`,
      );
      const found = await ofEntries(
        `${groups.join('')}  - model: authentik_core.group\n    identifiers: { name: 10 }\n`,
      );
      expect(brief(found)).toEqual([
        [`${WHERE} entries[10].identifiers.name`, `must be string (Authentik ${VERSION} blueprint schema)`],
      ]);
    });

    it('reads a blueprint without metadata or entries, and entries that are no mappings', async () => {
      const found = await findings({
        components: [idp],
        files: { 'bare.yaml': 'version: 1\n', 'text.yaml': blueprint('  - just text\n') },
      });
      const at = (file: string, path: string) =>
        `charts/idp/templates/blueprints.yaml: ConfigMap/${CONFIG_MAP} ${file} ${path}`;
      expect(brief(found)).toEqual([
        [
          at('bare.yaml', ''),
          `must have required property 'entries' (Authentik ${VERSION} blueprint schema)`,
        ],
        [at('text.yaml', 'entries[0]'), `must be object (Authentik ${VERSION} blueprint schema)`],
        [
          at('text.yaml', 'entries[0]'),
          `must match exactly one schema in oneOf (Authentik ${VERSION} blueprint schema)`,
        ],
      ]);
    });

    it('reports errors outside the entries as the schema says them', async () => {
      const found = await findings({
        files: { 'test.yaml': `metadata: {}\nentries:\n${APP_OBJECTS.replace(/^\n/, '')}` },
      });
      expect(brief(found)).toEqual([
        [`${WHERE} `, `must have required property 'version' (Authentik ${VERSION} blueprint schema)`],
        [`${WHERE} metadata`, `must have required property 'name' (Authentik ${VERSION} blueprint schema)`],
      ]);
    });

    it('brackets only the index of an entry, not an entries.N inside another key path', async () => {
      const found = await findings({
        files: {
          'test.yaml': `version: 1\nmetadata:\n  name: t\n  labels: { entries.1: 5 }\nentries:\n${APP_OBJECTS.replace(/^\n/, '')}`,
        },
      });
      expect(brief(found)).toEqual([
        [`${WHERE} metadata.labels.entries.1`, `must be string (Authentik ${VERSION} blueprint schema)`],
      ]);
    });

    it('names keys as YAML gives them (scalars by value, others as JSON) and reads an alias as null', async () => {
      const keys = await ofEntries(`
  - model: authentik_flows.flow
    identifiers: { name: &f f }
    attrs:
      ? [x, y]
      : 1
      5: 2
      name: *f
      title: *f
`);
      // An alias reads as null (not resolved): name fails as no text; title, an unknown key, is named.
      const unknownKey = `unknown key (the schema allows no such key here) (Authentik ${VERSION} blueprint schema)`;
      expect(brief(keys)).toEqual([
        [`${WHERE} entries[0].attrs.5`, unknownKey],
        [`${WHERE} entries[0].attrs.["x","y"]`, unknownKey],
        [`${WHERE} entries[0].attrs.title`, unknownKey],
        [`${WHERE} entries[0].attrs.name`, `must be string (Authentik ${VERSION} blueprint schema)`],
      ]);
    });

    it('leaves tagged values (resolved at import) to Authentik', async () => {
      expect(
        await ofEntries(`
  - model: authentik_core.group
    id: g
    identifiers: { name: admins }
  - model: authentik_core.group
    identifiers: { name: !Env GLOBAL_VAR }
    attrs:
      is_superuser: !Env [WORKER_VAR, false]
      parents: [!KeyOf g, !Find [authentik_core.group, [name, authentik Admins]]]
  - model: authentik_flows.flow
    identifiers: { name: f, designation: !Env GLOBAL_VAR }
`),
      ).toEqual([]);
    });
  });

  describe('a blueprint schema of another shape', () => {
    it('takes every model of a failing blueprint as unknown to a schema without model definitions', async () => {
      const found = await ofEntries('  - model: authentik_core.group\n    attrs: { name: g }\n', {
        upstreamDir: pinnedSchema({
          type: 'object',
          properties: { entries: { type: 'array', items: { type: 'object', required: ['identifiers'] } } },
        }),
      });
      expect(brief(found)).toEqual(
        [
          'authentik_core.group',
          'authentik_providers_oauth2.oauth2provider',
          'authentik_providers_proxy.proxyprovider',
          'authentik_outposts.outpost',
        ].map((model, i) => [
          `${WHERE} entries[${i}].model`,
          `unknown model ${model} (not in Authentik ${VERSION}'s blueprint schema)`,
        ]),
      );
    });

    it("reports an entry's errors when another oneOf branch names no model", async () => {
      const entry = schema.$defs.blueprint_entry;
      const found = await ofEntries('  - model: authentik_core.group\n    identifiers: { name: 5 }\n', {
        upstreamDir: pinnedSchema({
          ...schema,
          $defs: {
            ...schema.$defs,
            blueprint_entry: {
              oneOf: [
                { type: 'object', required: ['state'], properties: { state: { const: 'absent' } } },
                ...entry.oneOf,
              ],
            },
          },
        }),
      });
      expect(brief(found)).toEqual([
        [`${WHERE} entries[0].identifiers.name`, `must be string (Authentik ${VERSION} blueprint schema)`],
      ]);
    });
  });

  describe('cross-references', () => {
    it('fails on a !KeyOf that names no entry id before it (later, its own, or none)', async () => {
      const found = await ofEntries(`
  - model: authentik_core.group
    id: first
    identifiers: { name: a }
    attrs: { parent: !KeyOf first, others: [!KeyOf first, !KeyOf later] }
  - model: authentik_core.group
    id: later
    identifiers: { name: b }
    attrs: { parent: !KeyOf first, nested: !Find [authentik_core.group, [name, !KeyOf missing]] }
`);
      const keyOf = (id: string) =>
        `!KeyOf ${id} names no entry id before it in this blueprint: Authentik refuses the whole blueprint`;
      expect(found.map((f) => [f.where, f.message, f.fix])).toEqual(
        [
          [`${WHERE} entries[0].attrs.parent`, keyOf('first')],
          [`${WHERE} entries[0].attrs.others[0]`, keyOf('first')],
          [`${WHERE} entries[0].attrs.others[1]`, keyOf('later')],
          [`${WHERE} entries[1].attrs.nested[1][1]`, keyOf('missing')],
        ].map(([where, message]) => [
          where,
          message,
          'give the referenced entry that `id`, earlier in the same blueprint',
        ]),
      );
    });

    const BUILT_IN_MODELS =
      'authentik_flows.flow, authentik_providers_oauth2.scopemapping, authentik_crypto.certificatekeypair, authentik_outposts.outpost, authentik_brands.brand, authentik_core.group';
    it.each([
      ['a built-in flow', '[authentik_flows.flow, [slug, default-authentication-flow]]', true],
      [
        'a built-in scope mapping',
        '[authentik_providers_oauth2.scopemapping, [managed, goauthentik.io/providers/oauth2/scope-openid]]',
        true,
      ],
      ['a built-in group', '[authentik_core.group, [name, authentik Admins]]', true],
      ['a built-in object by another field', '[authentik_core.group, [slug, authentik Admins]]', false],
      ['a built-in value of another model', '[authentik_core.user, [name, authentik Admins]]', false],
      ['an unknown flow', '[authentik_flows.flow, [slug, my-flow]]', false],
      ['an object created by identifiers', '[authentik_core.group, [name, created]]', true],
      ['an object created by attrs', '[authentik_core.group, [title, Created]]', true],
      ['a number as created (text compared)', '[authentik_core.group, [rank, 7]]', true],
      ['a created value of another model', '[authentik_flows.flow, [name, created]]', false],
      ['a created value of another field', '[authentik_core.group, [name, Created]]', false],
      ['an attrs value its identifiers override', '[authentik_core.group, [name, shadowed]]', false],
      ['every query pair', '[authentik_core.group, [name, created], [title, Created]]', true],
      ['one pair of two unmatched', '[authentik_core.group, [name, created], [title, created]]', false],
      ['a query with a tag (resolved at import)', '[authentik_core.group, [name, !Env GLOBAL_VAR]]', true],
      [
        'a tagged query beside a plain one (resolved at import)',
        '[authentik_core.group, [name, created], [title, !Env GLOBAL_VAR]]',
        true,
      ],
      ['no query', 'authentik_core.anything', true],
      ['a query that is no pair', '[authentik_core.group, name]', true],
    ])('!Find of %s: resolves %s', async (_, args, resolves) => {
      const found = await ofEntries(`
  - model: authentik_core.group
    identifiers: { name: created }
    attrs: { name: shadowed, title: Created, rank: 7 }
  - model: authentik_core.user
    identifiers: { name: u }
    attrs: { group: !Find ${args} }
`);
      expect(found.map((f) => f.where)).toEqual(resolves ? [] : [`${WHERE} entries[1].attrs.group`]);
    });

    it('names the unresolved !Find, the built-in models and the fix', async () => {
      const found = await ofEntries(`
  - model: authentik_core.user
    identifiers: { name: u }
    attrs: { group: !Find [authentik_core.group, [name, created], [slug, x]] }
`);
      expect(found).toEqual([
        {
          severity: 'error',
          rule: 'blueprints',
          chart: 'idp',
          where: `${WHERE} entries[0].attrs.group`,
          message: `!Find [authentik_core.group, [name, created], [slug, x]] matches no object this blueprint creates nor a built-in one (${BUILT_IN_MODELS} from Authentik's default and system blueprints): it resolves to nothing and the import fails`,
          fix: 'create the object in this blueprint, or reference a built-in one by its exact identifier',
        },
      ]);
    });

    it('fails on an !Env the worker has no variable for (global.env and worker.env count; a default is enough)', async () => {
      const found = await ofEntries(`
  - model: authentik_core.user
    identifiers: { name: !Env GLOBAL_VAR }
    attrs: { a: !Env WORKER_VAR, b: !Env [MISSING_WITH_DEFAULT, x], c: !Env MISSING }
`);
      expect(found).toEqual([
        {
          severity: 'error',
          rule: 'blueprints',
          chart: 'idp',
          where: `${WHERE} entries[0].attrs.c`,
          message:
            '!Env MISSING: the Authentik worker has no such variable (global.env / worker.env), so the value would be empty',
          fix: 'wire MISSING into authentik.global.env from a Secret (secretKeyRef)',
        },
      ]);
    });

    it('leaves tags other than !KeyOf, !Find and !Env to Authentik', async () => {
      expect(
        await ofEntries(`
  - model: authentik_core.user
    identifiers: { name: u }
    attrs: { a: !Context MISSING, b: !Value 0, c: !Format [MISSING] }
`),
      ).toEqual([]);
    });

    it('reads no variables where global.env or worker.env is no list', async () => {
      const noEnv = idpOf({ global: { env: 'GLOBAL_VAR' }, worker: 'WORKER_VAR' });
      const found = await findings({
        components: [noEnv],
        files: {
          'test.yaml': blueprint(
            '  - model: authentik_core.user\n    identifiers: { name: !Env GLOBAL_VAR, title: !Env WORKER_VAR }\n',
          ),
        },
      });
      expect(found.map((f) => f.where)).toEqual([
        `${WHERE} entries[0].identifiers.name`,
        `${WHERE} entries[0].identifiers.title`,
      ]);
    });

    it.each([
      ['a built-in blueprint', 'Default - Brand', true],
      ['a mounted blueprint (another file)', 'mine', true],
      ['itself', 'test', true],
      ['neither', 'Default - Provider logout flow', false],
    ])('meta-applies %s: resolves %s', async (_, name, resolves) => {
      const found = await findings({
        files: {
          'mine.yaml': blueprint('  - model: authentik_core.group\n    identifiers: { name: x }\n', 'mine'),
          'test.yaml': blueprint(`
  - model: authentik_blueprints.metaapplyblueprint
    identifiers: {}
    attrs:
      identifiers:
        name: ${name}
      required: false
${APP_OBJECTS}`),
        },
      });
      expect(found).toEqual(
        resolves
          ? []
          : [
              {
                severity: 'error',
                rule: 'blueprints',
                chart: 'idp',
                where: `${WHERE} entries[0]`,
                message: `applies the blueprint "${name}", which is neither mounted nor one of Authentik's built-in blueprints`,
                fix: `name one of: ${BUILT_IN_BLUEPRINTS.join('; ')}`,
              },
            ],
      );
    });

    it('takes only text ids as entry ids', async () => {
      const found = await ofEntries(`
  - model: authentik_core.group
    id: 5
    identifiers: { name: a }
  - model: authentik_core.group
    identifiers: { name: b }
    attrs: { parent: !KeyOf 5 }
`);
      // The schema says so too.
      expect(found.map((f) => f.where)).toEqual([
        `${WHERE} entries[0].id`,
        `${WHERE} entries[1].attrs.parent`,
      ]);
    });

    it('judges no meta-apply without a blueprint name', async () => {
      expect(
        await ofEntries(`
  - model: authentik_blueprints.metaapplyblueprint
    identifiers: {}
  - model: authentik_blueprints.metaapplyblueprint
    identifiers: {}
    attrs: { identifiers: x }
  - model: authentik_blueprints.metaapplyblueprint
    identifiers: {}
    attrs: { identifiers: { name: 5 } }
  - model: authentik_core.group
    identifiers: {}
    attrs: { identifiers: { name: not a meta-apply } }
`),
      ).toEqual([]);
    });
  });

  describe("the components' identity declarations", () => {
    const providerOf = (attrs: string) =>
      findings({
        files: {
          'test.yaml': blueprint(`
  - model: authentik_providers_oauth2.oauth2provider
    identifiers: { name: App }
    attrs: ${attrs}
${APP_OBJECTS.split('  - model: authentik_providers_proxy.proxyprovider')[1]?.replace(/^/, '  - model: authentik_providers_proxy.proxyprovider')}`),
        },
      });
    const WHERE_PROVIDER = `${WHERE}: OAuth2 provider app`;

    it('fails when no blueprint creates the OAuth2 provider of a client, or the proxy provider of a host', async () => {
      const found = await findings({
        files: {
          'test.yaml': blueprint(
            '  - model: authentik_core.group\n    identifiers: { name: x }\n    attrs: { client_id: app, external_host: https://admin.lab.example.org, mode: forward_single }\n',
          ),
        },
      });
      expect(found).toEqual([
        {
          severity: 'error',
          rule: 'blueprints',
          chart: 'app',
          where: 'app: OIDC client app',
          message: "no blueprint creates the OAuth2 provider of app's client app: nobody could log in",
          fix: 'enable authentik-db (it generates the providers), or create the provider in a mounted blueprint',
        },
        {
          severity: 'error',
          rule: 'blueprints',
          chart: 'app',
          where: 'app: protected host admin.lab.example.org',
          message:
            'no blueprint creates a forward-auth proxy provider for https://admin.lab.example.org: the embedded outpost answers every request to it with an error',
          fix: 'enable authentik-db (it generates the providers), or create one in a mounted blueprint',
        },
      ]);
    });

    it('fails on redirect URIs that differ from the client, naming the missing and the extra ones', async () => {
      const found = await providerOf(`
      client_type: public
      client_id: app
      redirect_uris:
        - { matching_mode: strict, url: https://app.lab.example.org/cb }
        - { matching_mode: regex, url: http://localhost:8000/cb }
        - { url: https://app.lab.example.org/other }
        - not a mapping`);
      expect(found).toEqual([
        {
          severity: 'error',
          rule: 'blueprints',
          chart: 'app',
          where: WHERE_PROVIDER,
          message:
            "redirect URIs differ from what app's client sends; missing: strict http://localhost:8000/cb; not sent by the client: regex http://localhost:8000/cb, strict https://app.lab.example.org/other",
          fix: 'register exactly https://app.lab.example.org/cb, http://localhost:8000/cb (strict), the values app is configured with',
        },
      ]);
    });

    it.each([
      [
        'only missing ones',
        'redirect_uris: [{ url: https://app.lab.example.org/cb }]',
        '; missing: strict http://localhost:8000/cb',
      ],
      [
        'none at all',
        'redirect_uris: x',
        '; missing: strict https://app.lab.example.org/cb, strict http://localhost:8000/cb',
      ],
      [
        'only extra ones',
        'redirect_uris: [{ url: https://app.lab.example.org/cb }, { url: http://localhost:8000/cb }, { url: https://x.example.org }]',
        '; not sent by the client: strict https://x.example.org',
      ],
    ])('names %s', async (_, uris, detail) => {
      const found = await providerOf(`{ client_type: public, client_id: app, ${uris} }`);
      expect(found.map((f) => f.message)).toEqual([
        `redirect URIs differ from what app's client sends${detail}`,
      ]);
    });

    it('fails on another client_type, for each provider of the client', async () => {
      const uris =
        'redirect_uris: [{ url: https://app.lab.example.org/cb }, { url: http://localhost:8000/cb }]';
      const found = await findings({
        files: {
          'test.yaml': blueprint(`
  - model: authentik_providers_oauth2.oauth2provider
    identifiers: { name: App }
    attrs: { client_type: confidential, client_id: app, ${uris} }
  - model: authentik_providers_oauth2.oauth2provider
    identifiers: { name: App 2 }
    attrs: { client_id: app, ${uris} }
  - model: authentik_providers_oauth2.oauth2provider
    identifiers: { name: Other }
    attrs: { client_type: confidential, client_id: other }
  - model: authentik_core.group
    identifiers: { name: not a provider }
    attrs: { client_type: confidential, client_id: app }
${APP_OBJECTS}`),
        },
      });
      expect(found.map((f) => [f.where, f.message, f.fix])).toEqual([
        [
          WHERE_PROVIDER,
          "client_type is confidential, but app's client is public",
          'set client_type: public',
        ],
        [WHERE_PROVIDER, "client_type is undefined, but app's client is public", 'set client_type: public'],
      ]);
    });

    const proxyOf = (provider: string, outpost: string) =>
      findings({
        components: [idp, appOf({ protectedHosts: [protectedHost] })],
        files: {
          'test.yaml': blueprint(`
  - model: authentik_providers_proxy.proxyprovider
    id: proxy-admin
    identifiers: { name: Admin }
    attrs: ${provider}
  - model: authentik_providers_proxy.proxyprovider
    id: proxy-other
    identifiers: { name: Other }
    attrs: { external_host: https://other.lab.example.org, mode: forward_single }
  - model: ${outpost}
`),
        },
      });
    const NOT_FOUND = 'app: protected host admin.lab.example.org';
    const NOT_BOUND = `${WHERE}: proxy provider for admin.lab.example.org`;
    const embedded = (providers: string, model = 'authentik_outposts.outpost') =>
      `${model}\n    identifiers: { managed: goauthentik.io/outposts/embedded }\n    attrs: { providers: ${providers} }`;
    const forward = '{ external_host: https://admin.lab.example.org, mode: forward_domain }';
    it.each([
      [
        'a forward_domain provider on the embedded outpost',
        forward,
        embedded('[!KeyOf proxy-other, !KeyOf proxy-admin]'),
        [],
      ],
      [
        'the outpost managed by attrs',
        forward,
        `authentik_outposts.outpost\n    attrs: { managed: goauthentik.io/outposts/embedded, providers: [!KeyOf proxy-admin] }`,
        // (the schema wants its identifiers)
        [`${WHERE} entries[2]`],
      ],
      [
        'a proxy-mode provider',
        '{ external_host: https://admin.lab.example.org, mode: proxy }',
        embedded('[!KeyOf proxy-admin]'),
        [NOT_FOUND],
      ],
      [
        'a provider without mode',
        '{ external_host: https://admin.lab.example.org }',
        embedded('[!KeyOf proxy-admin]'),
        [NOT_FOUND],
      ],
      [
        'a provider of another host',
        '{ external_host: http://admin.lab.example.org, mode: forward_single }',
        embedded('[!KeyOf proxy-admin]'),
        [NOT_FOUND],
      ],
      ['a provider not on the outpost', forward, embedded('[!KeyOf proxy-other]'), [NOT_BOUND]],
      [
        'a provider named without !KeyOf',
        forward,
        embedded('[proxy-admin, !Env [UNSET, proxy-admin]]'),
        [NOT_BOUND],
      ],
      ['an outpost without providers', forward, embedded('x'), [NOT_BOUND]],
      [
        'a provider named by a mapping like a tag',
        forward,
        embedded('[{ tag: "!KeyOf", value: proxy-admin }]'),
        [NOT_BOUND],
      ],
      ['a provider named by another tag', forward, embedded('[!Context proxy-admin]'), [NOT_BOUND]],
      [
        'another outpost',
        forward,
        `authentik_outposts.outpost\n    identifiers: { managed: goauthentik.io/outposts/other }\n    attrs: { providers: [!KeyOf proxy-admin] }`,
        [NOT_BOUND],
      ],
      [
        'an entry of another model as outpost',
        forward,
        embedded('[!KeyOf proxy-admin]', 'authentik_core.group'),
        [NOT_BOUND],
      ],
    ])('a protected host with %s', async (_, provider, outpost, expected) => {
      const found = await proxyOf(provider, outpost);
      expect(found.map((f) => f.where)).toEqual(expected);
      if (expected[0] === NOT_BOUND)
        expect(found[0]).toEqual({
          severity: 'error',
          rule: 'blueprints',
          chart: 'app',
          where: NOT_BOUND,
          message:
            "the proxy provider for https://admin.lab.example.org is not on the embedded outpost, which Traefik's forward-auth asks",
          fix: 'list it (!KeyOf its id) in the providers of the authentik_outposts.outpost entry managed goauthentik.io/outposts/embedded',
        });
    });

    it.each([
      ['an OIDC client', { oidcClients: [client] }, ['app: OIDC client app']],
      [
        'a protected host',
        { protectedHosts: [protectedHost] },
        ['app: protected host admin.lab.example.org'],
      ],
    ])(
      'judges a component declaring only %s, also without the authentik chart',
      async (_, identity, expected) => {
        const found = await findings({ components: [appOf(identity)], objects: {} });
        expect(found.map((f) => f.where)).toEqual(expected);
      },
    );
  });
});
