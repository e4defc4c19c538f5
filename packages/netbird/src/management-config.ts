import { authentik } from '@idstack/authentik-db';
import type { IdentityClient, IdentityDeclaration, Stack } from '@idstack/core';
import type { NetbirdOptions } from './options.js';
import { STUN_PORT } from './routes.js';

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

/**
 * The grant Netbird's IdP manager (management.json `IdpManagerConfig`) logs in with: client credentials, the service
 * account's username and app password. Authentik refuses a grant type its provider does not list.
 */
export const IDP_MANAGER_GRANT = 'client_credentials';

/** Scopes the dashboard and the CLI (PKCE) ask for, as Netbird's Authentik guide lists them. */
export const SCOPES = 'openid profile email offline_access api';
/**
 * Where `netbird up` listens for the PKCE redirect on the user's machine: the CLI tries these in order and sends the
 * one it listens on exactly as written here, so the OAuth2 provider (strict matching) must list exactly these.
 */
export const CLI_REDIRECTS = ['http://localhost:53000', 'http://localhost:54000'] as const;
/** The dashboard's sign-in and silent-renew callbacks on the Netbird host (AUTH_REDIRECT_URI, AUTH_SILENT_REDIRECT_URI). */
export const DASHBOARD_CALLBACKS = { signIn: '/nb-auth', silentRenew: '/nb-silent-auth' } as const;

/** The relay address peers dial: TLS (`rels://`, QUIC over UDP) on the data-plane host and its public UDP port. */
export const relayAddress = (dataPlaneHost: string, port: number): string =>
  `rels://${dataPlaneHost}:${port}`;

/**
 * Netbird's OAuth2/OIDC client as the identity provider must know it: the one place the client ID, the exact
 * redirect URIs (what the dashboard and the CLI send, byte for byte), the scopes and the client type come from.
 * The chart README's manual steps print it; an Authentik blueprint can be generated from it.
 */
export interface OidcClient extends IdentityClient {
  /** Grant types: authorization code (dashboard, CLI with PKCE), device code (headless `netbird up`), refresh. */
  readonly grantTypes: readonly string[];
  /** Username of the service account Netbird's IdP manager lists users with. */
  readonly serviceAccount: string;
}

/** The OIDC client data for a Netbird host and Authentik host (see {@link OidcClient}). */
export function oidcClient(host: string, authHost: string, options: NetbirdOptions): OidcClient {
  const { oidc } = options;
  return {
    name: 'Netbird',
    clientId: oidc.clientId,
    slug: oidc.slug,
    issuer: authentikEndpoints(authHost, oidc.slug).issuer,
    clientType: oidc.confidentialClient ? 'confidential' : 'public',
    redirectUris: [
      `https://${host}${DASHBOARD_CALLBACKS.signIn}`,
      `https://${host}${DASHBOARD_CALLBACKS.silentRenew}`,
      ...CLI_REDIRECTS,
    ],
    scopes: SCOPES.split(' '),
    // Dashboard and CLI (PKCE), refresh, headless `netbird up` (device code), and the IdP manager.
    grantTypes: [
      'authorization_code',
      'refresh_token',
      'urn:ietf:params:oauth:grant-type:device_code',
      IDP_MANAGER_GRANT,
    ],
    serviceAccount: oidc.serviceAccount,
    launchUrl: `https://${host}`,
    ...(oidc.confidentialClient
      ? { clientSecretRef: { name: SECRETS.authentik.name, key: SECRETS.authentik.clientSecret } }
      : {}),
  };
}

/**
 * The Authentik group of Netbird's service account. Netbird's Authentik guide puts it in the admin group; its IdP
 * manager only lists, reads and deletes users (CoreUsersList / Retrieve / Destroy; creating and inviting users are
 * not implemented for Authentik), so the group grants exactly {@link SERVICE_ACCOUNT_PERMISSIONS}.
 */
export const SERVICE_ACCOUNT_GROUP = 'netbird-idp-manager';

/** What Netbird's IdP manager calls in Authentik's API, as Authentik permissions. */
export const SERVICE_ACCOUNT_PERMISSIONS = [
  'authentik_core.view_user',
  'authentik_core.delete_user',
] as const;

/**
 * What Netbird needs from Authentik, from the very values it is configured with: its OIDC client (the dashboard's and
 * the CLI's redirect URIs, the device code grant), and the service account of the legacy IdP manager
 * (management.json `IdpManagerConfig`) with its app password from the Secret management reads.
 */
export function netbirdIdentity(client: OidcClient): IdentityDeclaration {
  return {
    oidcClients: [client],
    deviceCode: client.grantTypes.includes('urn:ietf:params:oauth:grant-type:device_code'),
    groups: [{ name: SERVICE_ACCOUNT_GROUP, permissions: SERVICE_ACCOUNT_PERMISSIONS }],
    serviceAccounts: [
      {
        username: client.serviceAccount,
        groups: [SERVICE_ACCOUNT_GROUP],
        appPassword: { name: SECRETS.authentik.name, key: SECRETS.authentik.serviceAccountPassword },
      },
    ],
  };
}

/** {@link oidcClient} for a validated stack (its hosts and `components.netbird` options), e.g. for an IdP blueprint. */
export function oidcClientOf(stack: Stack): OidcClient {
  return oidcClient(
    stack.hosts.netbird as string,
    stack.hosts.auth as string,
    stack.components.netbird as unknown as NetbirdOptions,
  );
}

export interface ManagementConfigInput {
  readonly host: string;
  /** Where peers reach STUN and the relay (never a tunnelled host). */
  readonly dataPlaneHost: string;
  readonly authHost: string;
  readonly options: NetbirdOptions;
}

/**
 * management.json (Netbird 0.77.1 `config.Config`, legacy IdP manager: the embedded IdP stays off): Authentik as OIDC
 * provider and IdP manager, signal behind Traefik on :443, STUN and the relay on the data-plane host, SQLite on the
 * volume. Returned as an object; values() serialises it.
 */
export function managementConfig({ host, dataPlaneHost, authHost, options }: ManagementConfigInput) {
  const { oidc, dataPlane } = options;
  const endpoints = authentikEndpoints(authHost, oidc.slug);
  const clientSecret = oidc.confidentialClient ? placeholder(MANAGEMENT_ENV.clientSecret) : '';
  return {
    Stuns: dataPlane.stun
      ? [{ Proto: 'udp', URI: `stun:${dataPlaneHost}:${STUN_PORT}`, Username: '', Password: '' }]
      : [],
    // Coturn is not used: the relay replaces TURN. An empty list keeps old clients happy.
    TURNConfig: { TimeBasedCredentials: false, CredentialsTTL: '12h0m0s', Secret: '', Turns: [] },
    Relay: {
      // QUIC over UDP on the data-plane host: relayed traffic never touches Traefik or the tunnel.
      Addresses: [relayAddress(dataPlaneHost, dataPlane.relayPort)],
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
        GrantType: IDP_MANAGER_GRANT,
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
        RedirectURLs: [...CLI_REDIRECTS],
      },
    },
  };
}
