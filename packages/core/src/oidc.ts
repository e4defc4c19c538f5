/**
 * An OAuth2/OIDC client of the stack's identity provider (Authentik), as both sides must agree on it: what the
 * client is configured with is what the provider registers. Components that log in through Authentik export one
 * (extended with what is theirs alone); the chart READMEs and Authentik blueprints are generated from it.
 */
export interface OidcClient {
  /** Client ID of the provider, also the token audience. */
  readonly clientId: string;
  /** Slug of the Authentik application (the issuer is https://<auth host>/application/o/<slug>/). */
  readonly slug: string;
  /** The issuer URL tokens must carry. */
  readonly issuer: string;
  /** public: PKCE only; confidential: the client also authenticates with a client secret. */
  readonly clientType: 'public' | 'confidential';
  /** Exactly the redirect URIs the client sends (register them as Strict). */
  readonly redirectUris: readonly string[];
  /** The scopes the client requests. */
  readonly scopes: readonly string[];
}
