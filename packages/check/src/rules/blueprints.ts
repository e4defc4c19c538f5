import { type IdentityDeclaration, isPlainObject, type Values } from '@idstack/core';
import type { ErrorObject } from 'ajv';
import { isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import { compileSchema, describeErrors } from '../ajv.js';
import type { CheckContext, Finding, K8sObject, Rule } from '../types.js';

const RULE = 'blueprints';
/** The upstream chart whose worker applies blueprints, and the pinned schema file beside its values. */
const AUTHENTIK_CHART = 'authentik';
const SCHEMA_FILE = 'blueprints.schema.json';

/**
 * Objects Authentik creates itself, which a blueprint may `!Find` without creating them: by model, the field a
 * `!Find` matches and its value, and where the object comes from. Everything else must be created in the same
 * blueprint. (Authentik 2026.8: blueprints/default, blueprints/system, and the start-up tasks.)
 */
export const BUILT_IN_OBJECTS: readonly { model: string; field: string; value: string; source: string }[] = [
  ...[
    'default-authentication-flow',
    'default-invalidation-flow',
    'default-user-settings-flow',
    'default-provider-authorization-implicit-consent',
    'default-provider-authorization-explicit-consent',
    'default-provider-invalidation-flow',
  ].map((slug) => ({
    model: 'authentik_flows.flow',
    field: 'slug',
    value: slug,
    source: 'blueprints/default',
  })),
  ...['openid', 'email', 'profile', 'offline_access', 'entitlements', 'authentik_api'].map((scope) => ({
    model: 'authentik_providers_oauth2.scopemapping',
    field: 'managed',
    value: `goauthentik.io/providers/oauth2/scope-${scope}`,
    source: 'System - OAuth2 Provider - Scopes',
  })),
  {
    model: 'authentik_crypto.certificatekeypair',
    field: 'name',
    value: 'authentik Self-signed Certificate',
    source: 'created at start-up',
  },
  {
    model: 'authentik_outposts.outpost',
    field: 'managed',
    value: 'goauthentik.io/outposts/embedded',
    source: 'created at start-up',
  },
  { model: 'authentik_brands.brand', field: 'domain', value: 'authentik-default', source: 'Default - Brand' },
  { model: 'authentik_core.group', field: 'name', value: 'authentik Admins', source: 'created at start-up' },
];

/** The built-in blueprints (by `metadata.name`) a blueprint may apply first with `authentik_blueprints.metaapplyblueprint`. */
export const BUILT_IN_BLUEPRINTS: readonly string[] = [
  'Default - Authentication flow',
  'Default - Invalidation flow',
  'Default - User settings flow',
  'Default - Provider authorization flow (implicit consent)',
  'Default - Provider authorization flow (explicit consent)',
  'Default - Provider invalidation flow',
  'Default - Brand',
  'System - OAuth2 Provider - Scopes',
];

/** A YAML tag Authentik resolves at import (`!Find`, `!KeyOf`, `!Env`, ...), with its argument. */
class Tagged {
  constructor(
    readonly tag: string,
    readonly value: unknown,
  ) {}
}

/** A blueprint file read from a ConfigMap. */
interface Blueprint {
  readonly chart: string;
  readonly where: string;
  readonly data: Values;
}

/** The YAML AST as plain data, each tagged node a {@link Tagged}. */
function toData(node: unknown): unknown {
  let value: unknown;
  if (isMap(node)) {
    value = Object.fromEntries(
      node.items.filter(isPair).map((p) => [String(isScalar(p.key) ? p.key.value : p.key), toData(p.value)]),
    );
  } else if (isSeq(node)) value = node.items.map(toData);
  else if (isScalar(node)) value = node.value;
  else value = null;
  const tag = (node as { tag?: string } | null)?.tag;
  return tag?.startsWith('!') ? new Tagged(tag, value) : value;
}

/** The data without tagged values (what the schema can judge: a tag stands for a value only Authentik knows). */
function untagged(value: unknown): unknown {
  if (value instanceof Tagged) return undefined;
  if (Array.isArray(value)) return value.filter((v) => !(v instanceof Tagged)).map(untagged);
  if (isPlainObject(value))
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => !(v instanceof Tagged))
        .map(([k, v]) => [k, untagged(v)]),
    );
  return value;
}

/** Every tagged value below `value`, with its key path. */
function tagsIn(value: unknown, path: string): { tag: Tagged; path: string }[] {
  if (value instanceof Tagged) return [{ tag: value, path }, ...tagsIn(value.value, path)];
  if (Array.isArray(value)) return value.flatMap((v, i) => tagsIn(v, `${path}[${i}]`));
  if (isPlainObject(value)) return Object.entries(value).flatMap(([k, v]) => tagsIn(v, `${path}.${k}`));
  return [];
}

const entriesOf = (data: Values): Values[] =>
  (Array.isArray(data.entries) ? data.entries : []).filter(isPlainObject) as Values[];

/** The value of `field` an entry creates its object with (identifiers first, then attrs). */
function fieldOf(entry: Values, field: string): unknown {
  const identifiers = isPlainObject(entry.identifiers) ? entry.identifiers : {};
  const attrs = isPlainObject(entry.attrs) ? entry.attrs : {};
  return field in identifiers ? identifiers[field] : attrs[field];
}

/** Schema errors of one entry: those of the `oneOf` branch of its model (the others only say "wrong model"). */
function entryErrors(
  schema: Values,
  errors: readonly ErrorObject[],
  index: number,
  model: string,
): ErrorObject[] {
  const branches = ((schema.$defs as Values)?.blueprint_entry as Values)?.oneOf as Values[] | undefined;
  const branch = (branches ?? []).findIndex(
    (b) => ((b.properties as Values)?.model as Values | undefined)?.const === model,
  );
  const prefix = `/entries/${index}`;
  return errors.filter(
    (e) =>
      (e.instancePath === prefix || e.instancePath.startsWith(`${prefix}/`)) &&
      (e.schemaPath.includes(`/oneOf/${branch}/`) ||
        e.schemaPath.includes(`/model_${model}/`) ||
        e.schemaPath.includes(`/model_${model}_permissions/`)),
  );
}

/** The ConfigMaps each chart's authentik worker mounts as blueprints, and the variables its pods have. */
function authentikCharts(ctx: CheckContext) {
  return ctx.plan.components.flatMap((planned) => {
    const chart = planned.component.name;
    const dependency = ctx.chartDependencies(chart).find((d) => d.name === AUTHENTIK_CHART);
    if (!dependency) return [];
    const values = (ctx.chartValues(chart)?.[dependency.alias ?? dependency.name] ?? {}) as Values;
    const list = (path: string[]): Values[] => {
      const found = path.reduce<unknown>((v, k) => (isPlainObject(v) ? v[k] : undefined), values);
      return Array.isArray(found) ? (found as Values[]) : [];
    };
    const configMaps = list(['blueprints', 'configMaps']).map(String);
    const env = new Set(
      [...list(['global', 'env']), ...list(['worker', 'env'])].map((e) =>
        String(isPlainObject(e) ? e.name : e),
      ),
    );
    return [{ chart, version: dependency.version, configMaps, env }];
  });
}

/** Reads the blueprints of the mounted ConfigMaps (parse errors become findings). */
function readBlueprints(
  chart: string,
  configMaps: readonly string[],
  objects: readonly K8sObject[],
  findings: Finding[],
): Blueprint[] {
  const out: Blueprint[] = [];
  for (const name of configMaps) {
    const found = objects.find(
      (o) => o.object.kind === 'ConfigMap' && (o.object.metadata as Values | undefined)?.name === name,
    );
    if (!found) {
      findings.push({
        severity: 'error',
        rule: RULE,
        chart,
        where: `charts/${chart}/values.yaml: ${AUTHENTIK_CHART}.blueprints.configMaps`,
        message: `the worker mounts the ConfigMap ${name}, which this Application does not render: the worker cannot start`,
        fix: `render the ConfigMap ${name} in charts/${chart}, or remove it from ${AUTHENTIK_CHART}.blueprints.configMaps`,
      });
      continue;
    }
    const data = isPlainObject(found.object.data) ? found.object.data : {};
    for (const [key, text] of Object.entries(data)) {
      if (!key.endsWith('.yaml')) continue;
      const where = `${found.file}: ConfigMap/${name} ${key}`;
      const doc = parseDocument(String(text));
      if (doc.errors.length) {
        findings.push({
          severity: 'error',
          rule: RULE,
          chart,
          where,
          message: `not YAML Authentik can read: ${doc.errors[0]?.message}`,
        });
        continue;
      }
      const parsed = toData(doc.contents);
      if (isPlainObject(parsed)) out.push({ chart, where, data: parsed });
      else
        findings.push({
          severity: 'error',
          rule: RULE,
          chart,
          where,
          message: 'is not a blueprint (a mapping)',
        });
    }
  }
  return out;
}

/** Every `!KeyOf`, `!Find`, `!Env` and meta-applied blueprint resolves. */
function crossReferences(
  blueprint: Blueprint,
  env: ReadonlySet<string>,
  blueprintNames: ReadonlySet<string>,
): Finding[] {
  const findings: Finding[] = [];
  const entries = entriesOf(blueprint.data);
  const fail = (path: string, message: string, fix: string) =>
    findings.push({
      severity: 'error',
      rule: RULE,
      chart: blueprint.chart,
      where: `${blueprint.where} ${path}`,
      message,
      fix,
    });
  const ids = new Set<string>();
  entries.forEach((entry, i) => {
    for (const { tag, path } of tagsIn(entry, `entries[${i}]`)) {
      const args = Array.isArray(tag.value) ? tag.value : [tag.value];
      if (tag.tag === '!KeyOf') {
        if (!ids.has(String(tag.value)))
          fail(
            path,
            `!KeyOf ${String(tag.value)} names no entry id before it in this blueprint: Authentik refuses the whole blueprint`,
            'give the referenced entry that `id`, earlier in the same blueprint',
          );
      } else if (tag.tag === '!Find') {
        const [model, ...queries] = args;
        const pairs = queries.filter(Array.isArray) as unknown[][];
        if (pairs.some((q) => q.some((v) => v instanceof Tagged))) continue; // resolved at import: not judged here
        const matches = (field: unknown, value: unknown) =>
          entries.some((e) => e.model === model && String(fieldOf(e, String(field))) === String(value)) ||
          BUILT_IN_OBJECTS.some((b) => b.model === model && b.field === field && b.value === String(value));
        if (!pairs.every(([field, value]) => matches(field, value)))
          fail(
            path,
            `!Find [${String(model)}, ${pairs.map((p) => `[${p.join(', ')}]`).join(', ')}] matches no object this blueprint creates nor a built-in one (${[...new Set(BUILT_IN_OBJECTS.map((b) => b.model))].join(', ')} from Authentik's default and system blueprints): it resolves to nothing and the import fails`,
            'create the object in this blueprint, or reference a built-in one by its exact identifier',
          );
      } else if (tag.tag === '!Env') {
        const [name, fallback] = args;
        if (fallback === undefined && !env.has(String(name)))
          fail(
            path,
            `!Env ${String(name)}: the Authentik worker has no such variable (global.env / worker.env), so the value would be empty`,
            `wire ${String(name)} into ${AUTHENTIK_CHART}.global.env from a Secret (secretKeyRef)`,
          );
      }
    }
    if (typeof entry.id === 'string') ids.add(entry.id);
    if (entry.model === 'authentik_blueprints.metaapplyblueprint') {
      const attrs = isPlainObject(entry.attrs) ? entry.attrs : {};
      const name = isPlainObject(attrs.identifiers) ? attrs.identifiers.name : undefined;
      if (typeof name === 'string' && !blueprintNames.has(name) && !BUILT_IN_BLUEPRINTS.includes(name))
        fail(
          `entries[${i}]`,
          `applies the blueprint "${name}", which is neither mounted nor one of Authentik's built-in blueprints`,
          `name one of: ${BUILT_IN_BLUEPRINTS.join('; ')}`,
        );
    }
  });
  return findings;
}

const strictRedirects = (provider: Values): string[] => {
  const attrs = isPlainObject(provider.attrs) ? provider.attrs : {};
  return (Array.isArray(attrs.redirect_uris) ? attrs.redirect_uris : [])
    .filter(isPlainObject)
    .map((r) => `${String(r.matching_mode ?? 'strict')} ${String(r.url)}`);
};

/** Each component's identity declaration has its objects: OAuth2 providers equal to its clients, proxy providers. */
function declarationsMet(
  component: string,
  identity: IdentityDeclaration,
  blueprints: readonly Blueprint[],
): Finding[] {
  const findings: Finding[] = [];
  const all = blueprints.flatMap((b) => entriesOf(b.data).map((entry) => ({ entry, b })));
  const attrsOf = (e: Values) => (isPlainObject(e.attrs) ? e.attrs : {});
  const fail = (where: string, message: string, fix: string) =>
    findings.push({ severity: 'error', rule: RULE, chart: component, where, message, fix });
  for (const client of identity.oidcClients ?? []) {
    const found = all.filter(
      ({ entry }) =>
        entry.model === 'authentik_providers_oauth2.oauth2provider' &&
        attrsOf(entry).client_id === client.clientId,
    );
    if (found.length === 0) {
      fail(
        `${component}: OIDC client ${client.clientId}`,
        `no blueprint creates the OAuth2 provider of ${component}'s client ${client.clientId}: nobody could log in`,
        'enable authentik-db (it generates the providers), or create the provider in a mounted blueprint',
      );
      continue;
    }
    for (const { entry, b } of found) {
      const expected = client.redirectUris.map((u) => `strict ${u}`);
      const actual = strictRedirects(entry);
      const missing = expected.filter((u) => !actual.includes(u));
      const extra = actual.filter((u) => !expected.includes(u));
      if (missing.length || extra.length)
        fail(
          `${b.where}: OAuth2 provider ${client.clientId}`,
          `redirect URIs differ from what ${component}'s client sends${missing.length ? `; missing: ${missing.join(', ')}` : ''}${extra.length ? `; not sent by the client: ${extra.join(', ')}` : ''}`,
          `register exactly ${client.redirectUris.join(', ')} (strict), the values ${component} is configured with`,
        );
      if (attrsOf(entry).client_type !== client.clientType)
        fail(
          `${b.where}: OAuth2 provider ${client.clientId}`,
          `client_type is ${String(attrsOf(entry).client_type)}, but ${component}'s client is ${client.clientType}`,
          `set client_type: ${client.clientType}`,
        );
    }
  }
  const outposts = all.filter(
    ({ entry }) =>
      entry.model === 'authentik_outposts.outpost' &&
      fieldOf(entry, 'managed') === 'goauthentik.io/outposts/embedded',
  );
  for (const host of identity.protectedHosts ?? []) {
    const provider = all.find(
      ({ entry }) =>
        entry.model === 'authentik_providers_proxy.proxyprovider' &&
        attrsOf(entry).external_host === `https://${host.host}` &&
        String(attrsOf(entry).mode ?? '').startsWith('forward_'),
    );
    if (!provider) {
      fail(
        `${component}: protected host ${host.host}`,
        `no blueprint creates a forward-auth proxy provider for https://${host.host}: the embedded outpost answers every request to it with an error`,
        'enable authentik-db (it generates the providers), or create one in a mounted blueprint',
      );
      continue;
    }
    const bound = outposts.some(({ entry }) =>
      (Array.isArray(attrsOf(entry).providers) ? (attrsOf(entry).providers as unknown[]) : []).some(
        (p) => p instanceof Tagged && p.tag === '!KeyOf' && p.value === provider.entry.id,
      ),
    );
    if (!bound)
      fail(
        `${provider.b.where}: proxy provider for ${host.host}`,
        `the proxy provider for https://${host.host} is not on the embedded outpost, which Traefik's forward-auth asks`,
        'list it (!KeyOf its id) in the providers of the authentik_outposts.outpost entry managed goauthentik.io/outposts/embedded',
      );
  }
  return findings;
}

/**
 * Authentik's blueprints (the ConfigMaps the authentik chart's worker mounts) validate against the pinned blueprint
 * JSON Schema, every cross-reference resolves (`!KeyOf` ids, `!Find` targets in the same or a built-in blueprint,
 * `!Env` variables the worker has), and every component's identity declaration has its objects: an OAuth2 provider
 * whose strict redirect URIs equal the client's, a forward-auth proxy provider on the embedded outpost per protected
 * host.
 */
export const blueprints: Rule = {
  id: RULE,
  description:
    "Authentik blueprints validate against the pinned schema; !KeyOf/!Find/!Env resolve; providers match the components' OIDC clients and protected hosts",
  async run(ctx) {
    const findings: Finding[] = [];
    const charts = authentikCharts(ctx);
    const declared = ctx.plan.components.filter(
      (p) => (p.identity.oidcClients?.length ?? 0) + (p.identity.protectedHosts?.length ?? 0) > 0,
    );
    if (charts.length === 0 && declared.length === 0) return [];
    const render = await ctx.render();
    const all: Blueprint[] = [];
    for (const { chart, version, configMaps, env } of charts) {
      const objects = render.applications.find((a) => a.application.name === chart)?.objects ?? [];
      const read = readBlueprints(chart, configMaps, objects, findings);
      all.push(...read);
      const schema = ctx.upstream.json(AUTHENTIK_CHART, version, SCHEMA_FILE);
      if (!schema) {
        ctx.notVerified(
          `Authentik blueprints against the blueprint schema of ${AUTHENTIK_CHART} ${version} (not pinned: set IDSTACK_UPSTREAM)`,
        );
      } else {
        const validate = compileSchema(schema);
        for (const blueprint of read) {
          if (validate(untagged(blueprint.data))) continue;
          const errors = validate.errors ?? [];
          const entries = entriesOf(blueprint.data);
          const perEntry = entries.flatMap((e, i) => entryErrors(schema, errors, i, String(e.model)));
          const unknownModels = entries
            .map((e, i) => ({ e, i }))
            .filter(({ e }) => !(schema.$defs as Values)?.[`model_${String(e.model)}`]);
          for (const { e, i } of unknownModels)
            findings.push({
              severity: 'error',
              rule: RULE,
              chart,
              where: `${blueprint.where} entries[${i}].model`,
              message: `unknown model ${String(e.model)} (not in Authentik ${version}'s blueprint schema)`,
            });
          const reported = perEntry.length ? perEntry : unknownModels.length ? [] : errors;
          for (const { path, message } of describeErrors('', reported))
            findings.push({
              severity: 'error',
              rule: RULE,
              chart,
              where: `${blueprint.where} ${path.replace(/^entries\.(\d+)/, 'entries[$1]')}`,
              message: `${message} (Authentik ${version} blueprint schema)`,
            });
        }
      }
      const names = new Set(all.map((b) => String((b.data.metadata as Values | undefined)?.name)));
      for (const blueprint of read) findings.push(...crossReferences(blueprint, env, names));
    }
    for (const planned of declared)
      findings.push(...declarationsMet(planned.component.name, planned.identity, all));
    return findings;
  },
};
