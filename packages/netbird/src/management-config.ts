import { authentik } from '@idstack/authentik-db';
import type { NetbirdOptions } from './options.js';

/** The Secrets the operator creates (names and keys, as `secrets` declares them and the pods reference them). */
export const SECRETS = {
  relay: { name: 'netbird-relay', authSecret: 'authSecret' },
  management: { name: 'netbird-management', datastoreEncryptionKey: 'datastoreEncryptionKey' },
  authentik: {
    name: 'netbird-authentik',
    serviceAccountPassword: 'serviceAccountPassword',
    clientSecret: 'clientSecret',
  },
} as const;

/**
 * Environment variables the management container gets from those Secrets (chart `management.envFromSecret`).
 * Netbird reads management.json through Go's text/template with the environment as data
 * (`util.ReadJsonWithEnvSub`), so `{{ .NAME }}` in the config is replaced at start-up: the secrets never enter
 * values.yaml or the ConfigMap. A prefix of our own keeps them clear of Netbird's `NB_*` flag variables.
 */
export const MANAGEMENT_ENV = {
  relaySecret: 'IDSTACK_RELAY_AUTH_SECRET',
  datastoreKey: 'IDSTACK_DATASTORE_ENCRYPTION_KEY',
  idpPassword: 'IDSTACK_IDP_SERVICE_ACCOUNT_PASSWORD',
  clientSecret: 'IDSTACK_OIDC_CLIENT_SECRET',
} as const;

/** A management.json placeholder for an environment variable. */
export const placeholder = (env: string): string => `{{ .${env} }}`;

/** Authentik's OAuth2 endpoints for one application (global ones live under /application/o/, per-app under its slug). */
export function authentikEndpoints(authHost: string, slug: string) {
  const base = `https://${authHost}/application/o`;
  const issuer = authentik.oidcIssuer(authHost, slug);
  return {
    issuer,
    configuration: `${issuer}.well-known/openid-configuration`,
    jwks: `${issuer}jwks/`,
    token: `${base}/token/`,
    authorize: `${base}/authorize/`,
    device: `${base}/device/`,
  } as const;
}

/** Scopes the dashboard and the CLI (PKCE) ask for, as Netbird's Authentik guide lists them. */
export const SCOPES = 'openid profile email offline_access api';
/** Where `netbird up` listens for the PKCE redirect on the user's machine. */
export const CLI_REDIRECT = 'http://localhost:53000';

export interface ManagementConfigInput {
  readonly host: string;
  readonly stunHost: string | undefined;
  readonly authHost: string;
  readonly options: NetbirdOptions;
}

/**
 * management.json (Netbird 0.46 `types.Config`): Authentik as OIDC provider and IdP manager, signal and relay behind
 * Traefik on :443, STUN on UDP 3478, SQLite on the volume. Returned as an object; values() serialises it.
 */
export function managementConfig({ host, stunHost, authHost, options }: ManagementConfigInput) {
  const { oidc } = options;
  const endpoints = authentikEndpoints(authHost, oidc.slug);
  const clientSecret = oidc.confidentialClient ? placeholder(MANAGEMENT_ENV.clientSecret) : '';
  return {
    Stuns: stunHost ? [{ Proto: 'udp', URI: `stun:${stunHost}:3478`, Username: '', Password: '' }] : [],
    // Coturn is not used: the relay (WebSocket over 443) replaces TURN. An empty list keeps old clients happy.
    TURNConfig: { TimeBasedCredentials: false, CredentialsTTL: '12h0m0s', Secret: '', Turns: [] },
    Relay: {
      // Clients dial <address>/relay over WebSocket; Traefik routes /relay to the relay Service.
      Addresses: [`rels://${host}:443`],
      CredentialsTTL: '24h0m0s',
      Secret: placeholder(MANAGEMENT_ENV.relaySecret),
    },
    Signal: { Proto: 'https', URI: `${host}:443`, Username: '', Password: '' },
    Datadir: '/var/lib/netbird/',
    DataStoreEncryptionKey: placeholder(MANAGEMENT_ENV.datastoreKey),
    StoreConfig: { Engine: 'sqlite' },
    HttpConfig: {
      // TLS ends at Traefik; management serves plain HTTP and h2c on :80.
      LetsEncryptDomain: '',
      CertFile: '',
      CertKey: '',
      AuthIssuer: endpoints.issuer,
      AuthAudience: oidc.clientId,
      AuthKeysLocation: endpoints.jwks,
      AuthUserIDClaim: '',
      OIDCConfigEndpoint: endpoints.configuration,
      IdpSignKeyRefreshEnabled: true,
    },
    IdpManagerConfig: {
      ManagerType: 'authentik',
      ClientConfig: {
        Issuer: endpoints.issuer,
        TokenEndpoint: endpoints.token,
        ClientID: oidc.clientId,
        ClientSecret: clientSecret,
        GrantType: 'client_credentials',
      },
      ExtraConfig: {
        Username: oidc.serviceAccount,
        Password: placeholder(MANAGEMENT_ENV.idpPassword),
      },
    },
    DeviceAuthorizationFlow: {
      Provider: 'hosted',
      ProviderConfig: {
        ClientID: oidc.clientId,
        ClientSecret: clientSecret,
        Domain: authHost,
        Audience: oidc.clientId,
        TokenEndpoint: endpoints.token,
        DeviceAuthEndpoint: endpoints.device,
        AuthorizationEndpoint: '',
        Scope: 'openid',
        UseIDToken: false,
        RedirectURLs: null,
      },
    },
    PKCEAuthorizationFlow: {
      ProviderConfig: {
        ClientID: oidc.clientId,
        ClientSecret: clientSecret,
        Domain: '',
        Audience: oidc.clientId,
        TokenEndpoint: endpoints.token,
        DeviceAuthEndpoint: '',
        AuthorizationEndpoint: endpoints.authorize,
        Scope: SCOPES,
        UseIDToken: false,
        RedirectURLs: [CLI_REDIRECT],
      },
    },
  };
}
