import type { OidcClient } from './oidc.js';

/**
 * What a component needs from the stack's identity provider (Authentik), declared beside its hosts and Secrets. The
 * identity provider's component (authentik-db) reads every enabled component's declaration through
 * `ComponentContext.identities` and turns it into Authentik blueprints: disabling a component removes its objects.
 */
export interface IdentityDeclaration {
  /** OAuth2/OIDC clients it logs in with (one Authentik provider + application each). @default none */
  readonly oidcClients?: readonly IdentityClient[];
  /** Public hosts it wants behind forward-auth (one proxy provider + application each, on the embedded outpost). @default none */
  readonly protectedHosts?: readonly ProtectedHost[];
  /** Groups it maps to permissions (e.g. Argo CD's admin group): created empty, members are added by people. @default none */
  readonly groups?: readonly IdentityGroup[];
  /** Service accounts it logs in as (machine to machine), each with an app password from a Secret. @default none */
  readonly serviceAccounts?: readonly ServiceAccount[];
  /**
   * Does a client of it use the OAuth2 device code grant (`netbird up` on a headless machine)? Authentik serves it
   * only while the brand names a device code flow. @default false
   */
  readonly deviceCode?: boolean;
}

/** A Secret key another component holds (in its own namespace), whose value Authentik must know too. */
export interface SecretKeyRef {
  /** The Secret's name. */
  readonly name: string;
  /** The key holding the value. */
  readonly key: string;
  /** Its namespace. @default the declaring component's namespace */
  readonly namespace?: string;
}

/** An OAuth2/OIDC client as the identity provider registers it: the client's own configuration, one source. */
export interface IdentityClient extends OidcClient {
  /** Display name of the Authentik application (and its provider). */
  readonly name: string;
  /** The OAuth2 grant types it uses. @default authorization_code and refresh_token */
  readonly grantTypes?: readonly string[];
  /**
   * Where a confidential client's secret lives (the client reads it there); Authentik gets the same value from a
   * copy in its namespace. @default none (a public client has no secret)
   */
  readonly clientSecretRef?: SecretKeyRef;
  /** The application's launch URL on Authentik's dashboard. @default none */
  readonly launchUrl?: string;
}

/** A public host behind Authentik's forward-auth. */
export interface ProtectedHost {
  /** Slug of its Authentik application (DNS label). */
  readonly slug: string;
  /** Display name of the application. */
  readonly name: string;
  /** The public host name (no scheme). */
  readonly host: string;
}

/** An Authentik group. */
export interface IdentityGroup {
  readonly name: string;
  /**
   * Authentik global permissions its members get (`<app>.<codename>`, e.g. `authentik_core.view_user`), through a
   * role of the same name: exactly what a service account needs from Authentik's API, never superuser. @default none
   */
  readonly permissions?: readonly string[];
}

/** A service account (Authentik user of type service_account) with an app password. */
export interface ServiceAccount {
  readonly username: string;
  /** Names of groups it joins (declared by some component). @default none */
  readonly groups?: readonly string[];
  /** The Secret key holding its app password (random: Authentik takes the token's key as given). */
  readonly appPassword: SecretKeyRef;
}

/** One enabled component's identity declaration, as the identity provider sees it. */
export interface ComponentIdentity {
  /** The declaring component. */
  readonly component: string;
  /** Its namespace (the default namespace of its {@link SecretKeyRef}s). */
  readonly namespace: string;
  readonly identity: IdentityDeclaration;
}
