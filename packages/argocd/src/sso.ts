import {
  type OidcClient as BaseOidcClient,
  ConfigError,
  dnsLabel,
  type IdentityDeclaration,
  type Stack,
  toYaml,
} from '@idstack/core';
import { z } from 'zod';

/** Where Argo CD lives (its chart installs into this namespace; `$<secret>:<key>` only resolves Secrets there). */
const NAMESPACE = 'argocd';

/**
 * The callback `argocd login --sso` listens on: `http://localhost:<--sso-port>/auth/callback`, port 8085 by default
 * (cmd/argocd/commands/login.go). The CLI sends no client secret, only a PKCE verifier.
 */
export const CLI_CALLBACK = 'http://localhost:8085/auth/callback';

/** Argo CD's own callback below its `url` (common.CallbackEndpoint; the PKCE exchange runs there since 3.1). */
const SERVER_CALLBACK_PATH = '/auth/callback';

/**
 * The Secret holding the client secret of a confidential client. `$<name>:<key>` in argocd-cm resolves only against
 * Secrets in Argo CD's namespace labelled `app.kubernetes.io/part-of: argocd` (util/settings/settings.go).
 */
export const CLIENT_SECRET = {
  name: 'argocd-authentik',
  key: 'clientSecret',
  namespace: NAMESPACE,
  labels: { 'app.kubernetes.io/part-of': 'argocd' },
} as const;

/** Characters a group name may not hold: it is written into argocd-rbac-cm's CSV policy. */
const groupName = z
  .string()
  .regex(/^[^,"\n\r]+$/, 'must be an Authentik group name without commas, quotes or line breaks')
  .refine((g) => g.trim() === g, 'must not start or end with a space');

/** `components.argocd.sso` in stack.yaml. */
export const ssoOptions = z
  .strictObject({
    slug: dnsLabel
      .default('argocd')
      .describe(
        'Slug of the Authentik application for Argo CD; the issuer is https://<hosts.auth>/application/o/<slug>/. Default: argocd.',
      ),
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9._~-]{1,255}$/, 'must be a client ID of letters, digits, ".", "_", "~" and "-"')
      .default('argocd')
      .describe(
        'Client ID of the Authentik OAuth2 provider (set the same value in Authentik). Default: argocd.',
      ),
    clientType: z
      .enum(['public', 'confidential'])
      .default('public')
      .describe(
        'Authentik provider client type. public: PKCE, no secret; the web UI and `argocd login --sso` both work. confidential: the UI authenticates with a client secret from the Secret argocd-authentik (key clientSecret), but `argocd login --sso` cannot (the CLI has no secret, and Authentik refuses a confidential client without it). Default: public.',
      ),
    adminGroup: groupName
      .default('argocd-admins')
      .describe('Authentik group whose members are Argo CD admins (role:admin). Default: argocd-admins.'),
    defaultRole: z
      .enum(['none', 'readonly'])
      .default('none')
      .describe(
        'What every other Authentik user who logs in may do: none (sees nothing) or readonly (sees every application, its manifests and logs). Default: none.',
      ),
  })
  .prefault({})
  .describe(
    "Single sign-on through Authentik's OIDC (on whenever authentik-db is enabled): the Authentik application, client and admin group.",
  );

export type SsoOptions = z.output<typeof ssoOptions>;

/**
 * Argo CD as an OIDC client of Authentik: everything both sides must agree on, in one place. The argocd chart
 * renders `oidc.config` and `argocd-rbac-cm` from it; the README's Authentik steps (and Authentik blueprints) too.
 */
export interface OidcClient extends BaseOidcClient {
  /** Name shown on Argo CD's login button and of the Authentik application. */
  readonly name: string;
  /** Where the client secret lives (confidential only). */
  readonly clientSecret?: typeof CLIENT_SECRET;
  /** Authentik group mapped to `role:admin`. */
  readonly adminGroup: string;
  /** Argo CD role of every other logged-in user; '' for none. */
  readonly defaultRole: '' | 'role:readonly';
}

/** `components.argocd.sso` as stack.yaml validated it (defaults applied). */
function ssoOf(stack: Stack): SsoOptions {
  return ssoOptions.parse(stack.components.argocd?.sso);
}

/**
 * Argo CD's OIDC client, or undefined when the stack has no Authentik (authentik-db disabled: no `hosts.auth`).
 * Reads only `stack`, so other components (Authentik's blueprints) derive the very same client.
 */
export function argocdOidcClient(stack: Stack): OidcClient | undefined {
  const authHost = stack.hosts.auth;
  const argocdHost = stack.hosts.argocd;
  if (!authHost || !argocdHost || stack.components['authentik-db']?.enabled === false) return undefined;
  const sso = ssoOf(stack);
  return {
    name: 'Authentik',
    slug: sso.slug,
    issuer: `https://${authHost}/application/o/${sso.slug}/`,
    clientId: sso.clientId,
    clientType: sso.clientType,
    // The UI's callback (argocd-cm `url` is https://<global.domain>) and, for a public client, the CLI's.
    redirectUris: [
      `https://${argocdHost}${SERVER_CALLBACK_PATH}`,
      ...(sso.clientType === 'public' ? [CLI_CALLBACK] : []),
    ],
    scopes: ['openid', 'profile', 'email', 'groups'],
    ...(sso.clientType === 'confidential' ? { clientSecret: CLIENT_SECRET } : {}),
    adminGroup: sso.adminGroup,
    defaultRole: sso.defaultRole === 'readonly' ? 'role:readonly' : '',
  };
}

/**
 * What Argo CD needs from Authentik, from the client its argocd-cm is rendered from: the OAuth2 provider and
 * application, and the admin group its RBAC maps (created empty: people are added to it in Authentik).
 */
export function argocdIdentity(stack: Stack): IdentityDeclaration {
  const client = argocdOidcClient(stack);
  if (!client) return {};
  const { clientSecret, adminGroup, defaultRole: _role, name: _button, ...registered } = client;
  return {
    oidcClients: [
      {
        ...registered,
        name: 'Argo CD',
        launchUrl: `https://${stack.hosts.argocd}`,
        ...(clientSecret ? { clientSecretRef: { name: clientSecret.name, key: clientSecret.key } } : {}),
      },
    ],
    groups: [{ name: adminGroup }],
  };
}

/** The `oidc.config` entry of argocd-cm (a YAML string; the secret only as a `$<secret>:<key>` reference). */
export function oidcConfig(client: OidcClient): string {
  return toYaml({
    name: client.name,
    issuer: client.issuer,
    clientID: client.clientId,
    ...(client.clientSecret
      ? { clientSecret: `$${client.clientSecret.name}:${client.clientSecret.key}` }
      : {}),
    // Argo CD does the PKCE exchange itself since 3.1 (at /auth/callback); a public client has only that.
    enablePKCEAuthentication: true,
    requestedScopes: [...client.scopes],
  });
}

/** argocd-rbac-cm: the admin group gets role:admin, everyone else the default role; roles come from `groups`. */
export function rbacConfig(client: OidcClient): Record<string, string> {
  return {
    'policy.default': client.defaultRole,
    'policy.csv': `g, ${client.adminGroup}, role:admin\n`,
    scopes: '[groups]',
  };
}

/**
 * Refuses `adminUser: false` when nothing else can log in: without authentik-db there is no SSO, and with the
 * local admin off nobody could use the UI or the CLI.
 */
export function requireLogin(adminUser: boolean, client: OidcClient | undefined): void {
  if (adminUser || client) return;
  throw new ConfigError([
    {
      path: 'components.argocd.adminUser',
      message:
        'is false while components.authentik-db.enabled is false: Argo CD logs in through Authentik only, so nobody could log in; set components.argocd.adminUser: true or enable components.authentik-db',
    },
  ]);
}
