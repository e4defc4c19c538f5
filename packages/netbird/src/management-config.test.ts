import { renderComponent } from '@idstack/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import netbird from './index.js';

/**
 * Netbird's management configuration as the management binary of the release we run reads it: the Go structs of
 * netbirdio/netbird at tag v0.77.1, transcribed field by field with their JSON types
 * (management/internals/server/config/config.go `Config` and its parts, management/server/idp/idp.go `Config` and
 * `ClientConfig`, util.Duration, types.Engine, common.LoginFlag). Go's encoding/json matches names case-insensitively
 * and ignores unknown fields, so a misspelt key would be dropped silently at start-up: the schema is strict and uses
 * the exact names instead. Every field is optional, as in Go (absent = zero value).
 */
const duration = z.union([z.string().regex(/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/), z.number()]);
const host = z.strictObject({
  Proto: z.enum(['udp', 'dtls', 'tcp', 'http', 'https']),
  URI: z.string(),
  Username: z.string(),
  Password: z.string(),
});
const providerConfig = z.strictObject({
  ClientID: z.string(),
  ClientSecret: z.string(),
  Domain: z.string(),
  Audience: z.string(),
  TokenEndpoint: z.string(),
  DeviceAuthEndpoint: z.string(),
  AuthorizationEndpoint: z.string(),
  Scope: z.string(),
  UseIDToken: z.boolean(),
  RedirectURLs: z.array(z.string()).nullable(),
  DisablePromptLogin: z.boolean(),
  LoginFlag: z.int().min(0).max(255),
});
const managementConfigSchema = z
  .strictObject({
    Stuns: z.array(host),
    TURNConfig: z.strictObject({
      TimeBasedCredentials: z.boolean(),
      CredentialsTTL: duration,
      Secret: z.string(),
      Turns: z.array(host),
    }),
    Relay: z.strictObject({ Addresses: z.array(z.string()), CredentialsTTL: duration, Secret: z.string() }),
    Signal: host,
    Datadir: z.string(),
    DataStoreEncryptionKey: z.string(),
    HttpConfig: z
      .strictObject({
        LetsEncryptDomain: z.string(),
        CertFile: z.string(),
        CertKey: z.string(),
        AuthClientID: z.string(),
        AuthAudience: z.string(),
        CLIAuthAudience: z.string(),
        AuthIssuer: z.string(),
        AuthUserIDClaim: z.string(),
        AuthKeysLocation: z.string(),
        OIDCConfigEndpoint: z.string(),
        IdpSignKeyRefreshEnabled: z.boolean(),
        ExtraAuthAudience: z.string(),
        AuthCallbackURL: z.string(),
      })
      .partial(),
    IdpManagerConfig: z
      .strictObject({
        ManagerType: z.string(),
        ClientConfig: z
          .strictObject({
            Issuer: z.string(),
            TokenEndpoint: z.string(),
            ClientID: z.string(),
            ClientSecret: z.string(),
            GrantType: z.string(),
          })
          .partial(),
        // map[string]string
        ExtraConfig: z.record(z.string(), z.string()),
        Auth0ClientCredentials: z.unknown(),
        AzureClientCredentials: z.unknown(),
        KeycloakClientCredentials: z.unknown(),
        ZitadelClientCredentials: z.unknown(),
      })
      .partial(),
    DeviceAuthorizationFlow: z.strictObject({
      Provider: z.string(),
      ProviderConfig: providerConfig.partial(),
    }),
    PKCEAuthorizationFlow: z.strictObject({ ProviderConfig: providerConfig.partial() }),
    StoreConfig: z.strictObject({ Engine: z.enum(['postgres', 'jsonfile', 'sqlite', 'mysql']) }),
    ReverseProxy: z.unknown(),
    AgentNetwork: z.unknown(),
    DisableDefaultPolicy: z.boolean(),
    EmbeddedIdP: z.unknown(),
    HighestSupportedSyncMessageVersion: z.int().nullable(),
    PerAccountHighestSupportedSyncMessageVersion: z.record(z.string(), z.int()),
  })
  .partial();

const BASE = { domain: 'mylab.dev', acme: { environment: 'production' } };
const configOf = (config: unknown) =>
  JSON.parse(
    (renderComponent(netbird, config).values.netbird as { management: { configmap: string } }).management
      .configmap,
  ) as Record<string, unknown>;

describe('management.json against the Go structs of Netbird 0.77.1', () => {
  it.each([
    ['the default (public client, STUN on)', BASE],
    [
      'a confidential client without STUN',
      {
        ...BASE,
        components: { netbird: { oidc: { confidentialClient: true }, dataPlane: { stun: false } } },
      },
    ],
  ])('%s: every key and type is one management reads', (_, config) => {
    const parsed = managementConfigSchema.safeParse(configOf(config));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it('keeps the embedded IdP off, so the legacy Authentik IdP manager is the one used', () => {
    const config = configOf(BASE);
    expect(config).not.toHaveProperty('EmbeddedIdP');
    expect(config.IdpManagerConfig).toMatchObject({
      ManagerType: 'authentik',
      ExtraConfig: { Username: 'netbird', Password: expect.stringMatching(/^\{\{ \.[A-Z_]+ \}\}$/) },
    });
  });

  it('the schema does catch a misspelt or mistyped key', () => {
    const config = configOf(BASE);
    const bad = {
      ...config,
      Relay: { ...(config.Relay as object), Adresses: [] },
      StoreConfig: { Engine: 'sqlite3' },
    };
    const parsed = managementConfigSchema.safeParse(bad);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['Relay', 'StoreConfig.Engine']);
  });
});

/**
 * The flags of the relay and management binaries at v0.77.1 (relay/cmd/root.go, management/cmd/root.go): the relay
 * reads each as NB_<FLAG> (relay/cmd/env.go: dashes to underscores, upper case); management takes them as arguments.
 */
const RELAY_FLAGS = [
  'listen-address',
  'exposed-address',
  'metrics-port',
  'letsencrypt-data-dir',
  'letsencrypt-domains',
  'letsencrypt-email',
  'letsencrypt-aws-route53',
  'tls-cert-file',
  'tls-key-file',
  'auth-secret',
  'log-level',
  'log-file',
  'health-listen-address',
  'trusted-proxies',
  'enable-stun',
  'stun-ports',
  'stun-log-level',
];
const MANAGEMENT_FLAGS = [
  'port',
  'disable-legacy-port',
  'metrics-port',
  'datadir',
  'config',
  'letsencrypt-domain',
  'single-account-mode-domain',
  'disable-single-account-mode',
  'cert-file',
  'cert-key',
  'disable-anonymous-metrics',
  'dns-domain',
  'idp-sign-key-refresh-enabled',
  'user-delete-from-idp',
  'disable-geolite-update',
  'log-level',
  'log-file',
];

describe('relay variables and management flags against Netbird 0.77.1', () => {
  const values = renderComponent(netbird, BASE).values.netbird as {
    relay: { env: Record<string, string>; envFromSecret: Record<string, string> };
    management: { podCommand: { args: string[] } };
  };

  it('sets only NB_* variables the relay reads', () => {
    const known = new Set(RELAY_FLAGS.map((f) => `NB_${f.replaceAll('-', '_').toUpperCase()}`));
    const set = [...Object.keys(values.relay.env), ...Object.keys(values.relay.envFromSecret)];
    expect(set.length).toBeGreaterThan(5);
    expect(set.filter((name) => !known.has(name))).toEqual([]);
  });

  it('passes management only flags it has', () => {
    const flags = values.management.podCommand.args.map((a) => /^--([a-z-]+)/.exec(a)?.[1]);
    expect(flags.filter((f) => !f || !MANAGEMENT_FLAGS.includes(f))).toEqual([]);
  });
});
