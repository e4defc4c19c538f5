import type { Stack } from '@idstack/core';
import { CLI_CALLBACK, type OidcClient } from './sso.js';

const code = (s: string) => `\`${s}\``;

/** The Authentik side of Argo CD's single sign-on, for the chart README (every value from the one client). */
export function ssoSteps(stack: Stack, client: OidcClient | undefined): string[] {
  if (!client) {
    return [
      'No single sign-on: authentik-db is disabled, so only the local admin user logs in (`components.argocd.adminUser` must stay true).',
    ];
  }
  const authHost = stack.hosts.auth as string;
  const argocdHost = stack.hosts.argocd as string;
  const confidential = client.clientSecret;
  const redirects = client.redirectUris
    .map((uri) =>
      uri === CLI_CALLBACK
        ? `${code(uri)} (${code('argocd login --sso')}; another ${code('--sso-port')} changes the port)`
        : `${code(uri)} (the web UI)`,
    )
    .join(' and ');
  const protect = stack.components['authentik-db']?.protect;
  return [
    `Authentik (https://${authHost}): Applications -> Providers -> create an "OAuth2/OpenID Provider": client type ${confidential ? 'Confidential' : 'Public (PKCE; Argo CD and its CLI send no secret)'}, client ID ${code(client.clientId)}, redirect URIs (Strict) ${redirects}, a signing key (RS256: Argo CD checks ID tokens against the JWKS), and the scopes ${client.scopes
      .filter((s) => s !== 'groups')
      .map(code)
      .join(
        ', ',
      )} (the default profile mapping carries the ${code('groups')} claim Argo CD's RBAC reads). Then create an application with slug ${code(client.slug)} using that provider; its issuer must be ${client.issuer}.`,
    ...(confidential
      ? [
          `Client secret: paste the value of the Secret ${code(confidential.name)} (key ${code(confidential.key)}, namespace ${code(confidential.namespace)}; ${code('idstack secrets --create')} generates it) into the provider's Client Secret field, or put Authentik's into that Secret. Argo CD reads it only while the Secret carries the label ${code('app.kubernetes.io/part-of=argocd')}. The CLI cannot log in through a confidential client: switch ${code('components.argocd.sso.clientType')} to public for ${code('argocd login --sso')}.`,
        ]
      : []),
    `Authentik: Directory -> Groups -> create ${code(client.adminGroup)} and add the users who administer Argo CD (they get role:admin); anyone else who logs in gets ${client.defaultRole === '' ? 'no permissions at all' : 'read-only access'} (${code('components.argocd.sso.defaultRole')}).`,
    `Log in with "Log in via ${client.name}" on https://${argocdHost}${confidential ? '' : ` and with ${code(`argocd login ${argocdHost} --sso --grpc-web`)}`}; once that works, set ${code('components.argocd.adminUser: false')}.`,
    ...(Array.isArray(protect) && protect.includes('argocd')
      ? [
          `${code('components.authentik-db.protect')} lists argocd: forward-auth then answers the CLI's API calls with a login redirect, so ${code('argocd login --sso')} fails; Argo CD logs in through Authentik by itself, remove argocd from protect.`,
        ]
      : []),
  ];
}
