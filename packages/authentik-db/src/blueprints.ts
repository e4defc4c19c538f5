import type {
  ComponentIdentity,
  IdentityClient,
  ProtectedHost,
  RequiredSecret,
  SecretKeyRef,
} from '@idstack/core';
import { Document, isNode, isSeq, type Node } from 'yaml';
import { NAMESPACE } from './naming.js';

/**
 * Authentik blueprints generated from the components' identity declarations (`identity` in each declaration): the
 * providers, applications, groups, service accounts, the embedded outpost's providers and the brand's device code
 * flow, so nothing is clicked together in Authentik's UI. Secrets never appear: a credential is `!Env <NAME>`, the
 * variable is wired from a Secret in Authentik's namespace (`global.env` `secretKeyRef`), and that Secret is a copy of
 * the one the client reads (`idstack secrets` makes it).
 */

/** A YAML custom tag Authentik resolves when it applies a blueprint (`!Find`, `!KeyOf`, `!Env`). */
export class Tag {
  constructor(
    readonly tag: '!Find' | '!KeyOf' | '!Env',
    readonly value: unknown,
  ) {}
}

/** `!Find [model, [field, value]]`: the pk of an existing object (here: one a built-in blueprint creates). */
export const find = (model: string, field: string, value: string | boolean): Tag =>
  new Tag('!Find', [model, [field, value]]);
/** `!KeyOf id`: the pk of the entry with that `id` earlier in the same blueprint. */
export const keyOf = (id: string): Tag => new Tag('!KeyOf', id);
/** `!Env NAME`: an environment variable of the worker (no default: a missing variable fails the import). */
export const env = (name: string): Tag => new Tag('!Env', name);

/** The built-in objects the generated blueprints reference, and the blueprint (or start-up task) that makes each. */
export const BUILT_IN = {
  authorizationFlow: {
    ref: () => find('authentik_flows.flow', 'slug', 'default-provider-authorization-implicit-consent'),
    blueprint: 'Default - Provider authorization flow (implicit consent)',
  },
  invalidationFlow: {
    ref: () => find('authentik_flows.flow', 'slug', 'default-provider-invalidation-flow'),
    blueprint: 'Default - Provider invalidation flow',
  },
  /** Created by Authentik at start-up (not a blueprint). */
  signingKey: () => find('authentik_crypto.certificatekeypair', 'name', 'authentik Self-signed Certificate'),
  /** The scope mappings of the system blueprint "System - OAuth2 Provider - Scopes", by scope. */
  scopeMapping: (scope: string) =>
    find(
      'authentik_providers_oauth2.scopemapping',
      'managed',
      `goauthentik.io/providers/oauth2/scope-${scope}`,
    ),
  /** Created by Authentik at start-up (managed key). */
  embeddedOutpost: 'goauthentik.io/outposts/embedded',
  /** The default brand, from the blueprint "Default - Brand". */
  defaultBrand: { domain: 'authentik-default', blueprint: 'Default - Brand' },
} as const;

/** Scopes Authentik has a built-in mapping for; other requested scopes (`groups`, `api`) are ignored by Authentik. */
const MAPPED_SCOPES = ['openid', 'email', 'profile', 'offline_access'] as const;

/** Grant types of a client that declares none. */
const DEFAULT_GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;

/** The ConfigMap holding the blueprints, mounted by the chart's `blueprints.configMaps`. */
export const BLUEPRINTS_CONFIGMAP = 'authentik-db-blueprints';
/** Its one key (Authentik discovers keys ending in `.yaml`). */
export const BLUEPRINT_FILE = 'idstack.yaml';
/** The blueprint's name (its BlueprintInstance in Authentik). */
export const BLUEPRINT_NAME = 'idstack - identity objects of the stack';
/** Slug of the stage-configuration flow the brand runs for the device code grant (Authentik ships none). */
export const DEVICE_CODE_FLOW = 'idstack-device-code';

/** A Secret key Authentik reads through an environment variable of its pods. */
export interface EnvFromSecret {
  readonly name: string;
  readonly secret: string;
  readonly key: string;
}

/** What authentik-db renders from the identity declarations. */
export interface Blueprints {
  /** Blueprint files by ConfigMap key (YAML text with Authentik's tags). */
  readonly files: Readonly<Record<string, string>>;
  /** The environment variables the blueprints' `!Env` read, each from a Secret in Authentik's namespace. */
  readonly env: readonly EnvFromSecret[];
  /** Those Secrets: copies of the clients' own (`idstack secrets` copies the value). */
  readonly secrets: readonly RequiredSecret[];
}

const upperSnake = (s: string): string =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();

/** An id for `!KeyOf`, unique in the blueprint. */
const id = (...parts: string[]): string => parts.join('-').replace(/[^A-Za-z0-9_-]+/g, '-');

/** Gathers the Secret keys Authentik needs a copy of: one copy Secret per source Secret, one variable per key. */
class SecretCopies {
  private readonly bySecret = new Map<
    string,
    { source: Required<SecretKeyRef>; keys: Map<string, string> }
  >();

  constructor(private readonly component: (namespace: string) => string) {}

  /** The `!Env` of a Secret key another component holds, recording the copy Authentik's pods read it from. */
  env(ref: SecretKeyRef, owner: ComponentIdentity, description: string): Tag {
    const source = { namespace: ref.namespace ?? owner.namespace, name: ref.name, key: ref.key };
    const copy = source.namespace === NAMESPACE ? source.name : `${source.namespace}-${source.name}`;
    let entry = this.bySecret.get(copy);
    if (!entry) {
      entry = { source, keys: new Map() };
      this.bySecret.set(copy, entry);
    }
    entry.keys.set(ref.key, description);
    return env(this.variable(copy, ref.key));
  }

  private variable(copy: string, key: string): string {
    return `IDSTACK_${upperSnake(copy)}_${upperSnake(key)}`;
  }

  envVars(): EnvFromSecret[] {
    return [...this.bySecret].flatMap(([copy, { keys }]) =>
      [...keys.keys()].map((key) => ({ name: this.variable(copy, key), secret: copy, key })),
    );
  }

  secrets(): RequiredSecret[] {
    return [...this.bySecret].map(([copy, { source, keys }]) => ({
      name: copy,
      purpose: `A copy of ${source.namespace}/${source.name} (${this.component(source.namespace)}) that Authentik's blueprints read: both sides must hold the same value.`,
      keys: [...keys].map(([key, description]) => ({
        key,
        description,
        copyOf: { namespace: source.namespace, name: source.name, key },
      })),
    }));
  }
}

/** The OAuth2 provider and application of one OIDC client. */
function clientEntries(client: IdentityClient, owner: ComponentIdentity, copies: SecretCopies) {
  const provider = id('oauth2', client.slug);
  const secret =
    client.clientType === 'confidential' && client.clientSecretRef
      ? {
          client_secret: copies.env(
            client.clientSecretRef,
            owner,
            `client secret of the OAuth2 provider "${client.clientId}" (the same as the client's)`,
          ),
        }
      : {};
  return [
    {
      model: 'authentik_providers_oauth2.oauth2provider',
      id: provider,
      identifiers: { name: client.name },
      attrs: {
        client_type: client.clientType,
        client_id: client.clientId,
        ...secret,
        // Strict: exactly what the client sends, byte for byte.
        redirect_uris: client.redirectUris.map((url) => ({
          matching_mode: 'strict',
          url,
          redirect_uri_type: 'authorization',
        })),
        grant_types: [...(client.grantTypes ?? DEFAULT_GRANT_TYPES)],
        authorization_flow: BUILT_IN.authorizationFlow.ref(),
        invalidation_flow: BUILT_IN.invalidationFlow.ref(),
        // RS256 with Authentik's self-signed key: the clients check ID tokens against the JWKS.
        signing_key: BUILT_IN.signingKey(),
        property_mappings: MAPPED_SCOPES.filter((s) => client.scopes.includes(s)).map((s) =>
          BUILT_IN.scopeMapping(s),
        ),
        // The issuer https://<auth host>/application/o/<slug>/ the clients are configured with.
        issuer_mode: 'per_provider',
      },
    },
    {
      model: 'authentik_core.application',
      identifiers: { slug: client.slug },
      attrs: {
        name: client.name,
        provider: keyOf(provider),
        ...(client.launchUrl ? { meta_launch_url: client.launchUrl } : {}),
        meta_publisher: owner.component,
      },
    },
  ];
}

/** The proxy provider (forward auth, single application) and application of one protected host. */
function protectedHostEntries(host: ProtectedHost, owner: ComponentIdentity) {
  const provider = id('proxy', host.slug);
  return [
    {
      model: 'authentik_providers_proxy.proxyprovider',
      id: provider,
      identifiers: { name: host.name },
      attrs: {
        mode: 'forward_single',
        external_host: `https://${host.host}`,
        authorization_flow: BUILT_IN.authorizationFlow.ref(),
        invalidation_flow: BUILT_IN.invalidationFlow.ref(),
      },
    },
    {
      model: 'authentik_core.application',
      identifiers: { slug: host.slug },
      attrs: {
        name: host.name,
        provider: keyOf(provider),
        meta_launch_url: `https://${host.host}`,
        meta_publisher: owner.component,
      },
    },
  ];
}

/** The blueprint document (plain data with {@link Tag}s) for every declaration, in declaration order. */
export function blueprintDocument(
  identities: readonly ComponentIdentity[],
  authHost: string,
  copies: SecretCopies,
): Record<string, unknown> {
  const all = identities.map((i) => i.identity);
  const hosts = identities.flatMap((owner) =>
    (owner.identity.protectedHosts ?? []).map((h) => ({ h, owner })),
  );
  const deviceCode = all.some((i) => i.deviceCode);
  // Each group with the union of the permissions its declarations grant.
  const groups = new Map<string, Set<string>>();
  for (const g of all.flatMap((i) => i.groups ?? []))
    groups.set(g.name, new Set([...(groups.get(g.name) ?? []), ...(g.permissions ?? [])]));

  const meta = (name: string) => ({
    model: 'authentik_blueprints.metaapplyblueprint',
    attrs: { identifiers: { name }, required: false },
  });
  const entries: unknown[] = [
    // The built-in objects found below exist first (a fresh Authentik applies blueprints in no set order).
    meta(BUILT_IN.authorizationFlow.blueprint),
    meta(BUILT_IN.invalidationFlow.blueprint),
    ...(deviceCode ? [meta(BUILT_IN.defaultBrand.blueprint)] : []),
    ...[...groups].flatMap(([name, permissions]): unknown[] => {
      const group = {
        model: 'authentik_core.group',
        id: id('group', name),
        identifiers: { name },
        attrs: { is_superuser: false },
      };
      if (permissions.size === 0) return [group];
      // Its permissions through a role of its own (Authentik grants global permissions to roles, roles to groups).
      const role = id('role', name);
      return [
        {
          model: 'authentik_rbac.role',
          id: role,
          identifiers: { name },
          attrs: { permissions: [...permissions].sort() },
        },
        { ...group, attrs: { ...group.attrs, roles: [keyOf(role)] } },
      ];
    }),
    ...identities.flatMap((owner) =>
      (owner.identity.serviceAccounts ?? []).flatMap((account) => {
        const user = id('user', account.username);
        return [
          {
            model: 'authentik_core.user',
            id: user,
            identifiers: { username: account.username },
            attrs: {
              name: account.username,
              type: 'service_account',
              path: 'goauthentik.io/service-accounts',
              groups: (account.groups ?? []).map((g) => keyOf(id('group', g))),
            },
          },
          {
            model: 'authentik_core.token',
            identifiers: { identifier: id('idstack', account.username, 'app-password') },
            attrs: {
              user: keyOf(user),
              intent: 'app_password',
              expiring: false,
              description: `App password of ${account.username} (${owner.component})`,
              key: copies.env(
                account.appPassword,
                owner,
                `app password of the service account "${account.username}"`,
              ),
            },
          },
        ];
      }),
    ),
    ...identities.flatMap((owner) =>
      (owner.identity.oidcClients ?? []).flatMap((c) => clientEntries(c, owner, copies)),
    ),
    ...hosts.flatMap(({ h, owner }) => protectedHostEntries(h, owner)),
    // The embedded outpost serves exactly the protected hosts (forward auth answers only for its providers).
    {
      model: 'authentik_outposts.outpost',
      identifiers: { managed: BUILT_IN.embeddedOutpost },
      attrs: {
        name: 'authentik Embedded Outpost',
        type: 'proxy',
        providers: hosts.map(({ h }) => keyOf(id('proxy', h.slug))),
        // Where browsers are sent to log in: the public Authentik host, not the in-cluster Service.
        config: { authentik_host: `https://${authHost}` },
      },
    },
    ...(deviceCode
      ? [
          {
            model: 'authentik_flows.flow',
            id: id('flow', DEVICE_CODE_FLOW),
            identifiers: { slug: DEVICE_CODE_FLOW },
            attrs: { name: 'Device code', title: 'Device code', designation: 'stage_configuration' },
          },
          {
            model: 'authentik_brands.brand',
            identifiers: { domain: BUILT_IN.defaultBrand.domain },
            attrs: { flow_device_code: keyOf(id('flow', DEVICE_CODE_FLOW)) },
          },
        ]
      : []),
  ];
  return { version: 1, metadata: { name: BLUEPRINT_NAME }, entries };
}

/** Serialises blueprint data to YAML, writing each {@link Tag} as Authentik's tag (sequences in flow style). */
export function blueprintYaml(data: unknown): string {
  const doc = new Document();
  const toNode = (value: unknown): Node => {
    if (value instanceof Tag) {
      const node = toNode(value.value);
      node.tag = value.tag;
      if (isSeq(node)) node.flow = true;
      return node;
    }
    if (Array.isArray(value)) {
      const seq = doc.createNode([]) as unknown as { items: unknown[] } & Node;
      seq.items = value.map(toNode);
      return seq;
    }
    if (value !== null && typeof value === 'object') {
      const map = doc.createNode({}) as unknown as { items: unknown[] } & Node;
      map.items = Object.entries(value).map(([k, v]) => doc.createPair(k, toNode(v)));
      return map;
    }
    const node = doc.createNode(value);
    if (!isNode(node)) throw new Error(`cannot write ${String(value)} into a blueprint`);
    return node;
  };
  doc.contents = toNode(data) as typeof doc.contents;
  return doc.toString({ lineWidth: 0, indentSeq: true });
}

/** The blueprints, their `!Env` variables and the Secret copies for every enabled component's declaration. */
export function blueprints(
  identities: readonly ComponentIdentity[],
  authHost: string,
  componentOf: (namespace: string) => string,
): Blueprints {
  const copies = new SecretCopies(componentOf);
  const data = blueprintDocument(identities, authHost, copies);
  return {
    files: {
      [BLUEPRINT_FILE]: `# yaml-language-server: $schema=https://goauthentik.io/blueprints/schema.json\n# Generated by idstack from stack.yaml and the component declarations: do not edit.\n${blueprintYaml(data)}`,
    },
    env: copies.envVars(),
    secrets: copies.secrets(),
  };
}
