import type { ComponentContext } from '@idstack/core';
import { BLUEPRINT_FILE, BLUEPRINT_NAME, BLUEPRINTS_CONFIGMAP, BUILT_IN } from './blueprints.js';
import { FORWARD_AUTH_MIDDLEWARE, NAMESPACE } from './naming.js';
import type { Options } from './options.js';
import { stackBlueprints } from './values.js';

const code = (s: string) => `\`${s}\``;

/** The chart README's "How it works": what the generated blueprint creates in Authentik, and what it cannot. */
export function blueprintNotes(ctx: ComponentContext<Options>): string {
  const identities = ctx.identities();
  const { env } = stackBlueprints(ctx);
  const lines = identities.flatMap(({ component, namespace, identity }) => [
    ...(identity.oidcClients ?? []).map(
      (c) =>
        `- ${component}: OAuth2/OpenID provider ${code(c.name)} (${c.clientType}, client ID ${code(c.clientId)}, strict redirect URIs ${c.redirectUris.map(code).join(', ')}, signed with ${code('authentik Self-signed Certificate')}) and application ${code(c.slug)}: issuer ${c.issuer}`,
    ),
    ...(identity.protectedHosts ?? []).map(
      (h) =>
        `- ${component}: proxy provider ${code(h.name)} (forward auth, single application) for https://${h.host} and application ${code(h.slug)}, on the embedded outpost`,
    ),
    ...(identity.groups ?? []).map(
      (g) =>
        `- ${component}: group ${code(g.name)}${g.permissions?.length ? ` with the role ${code(g.name)} (${g.permissions.map(code).join(', ')}; only its service account belongs in it)` : ' (created empty: add the people in Authentik)'}`,
    ),
    ...(identity.serviceAccounts ?? []).map(
      (a) =>
        `- ${component}: service account ${code(a.username)} with a non-expiring app password, the value of the Secret ${code(`${a.appPassword.namespace ?? namespace}/${a.appPassword.name}`)} (key ${code(a.appPassword.key)})`,
    ),
    ...(identity.deviceCode
      ? [
          `- ${component}: the device code grant: the flow ${code('idstack-device-code')} (stage configuration) set as the default brand's device code flow`,
        ]
      : []),
  ]);
  return [
    `**Identity as code.** Everything Authentik needs for the stack is generated from stack.yaml and the components' identity declarations into one Authentik blueprint, ${code(BLUEPRINT_NAME)} (ConfigMap ${code(BLUEPRINTS_CONFIGMAP)}, key ${code(BLUEPRINT_FILE)}), which the authentik chart mounts into the worker (${code('authentik.blueprints.configMaps')}); the worker discovers it (at start-up, when the mounted file changes, and hourly) and applies it. For this stack it creates:`,
    '',
    ...lines,
    `- the embedded outpost (${code(BUILT_IN.embeddedOutpost)}) serves exactly the forward-auth providers above, with ${code('authentik_host')} https://${ctx.stack.hosts.auth}; the Traefik Middleware ${code(`${NAMESPACE}-${FORWARD_AUTH_MIDDLEWARE}@kubernetescrd`)} asks it on every request`,
    '',
    `**No secret in it.** A client secret or app password is ${code('!Env <NAME>')}; the worker gets the variable from a Secret in ${code(NAMESPACE)} through ${code('global.env')} ${code('secretKeyRef')}${env.length ? ` (${env.map((e) => `${code(e.name)} from ${code(`${e.secret}/${e.key}`)}`).join(', ')})` : ''}, and that Secret is a copy of the one the client itself reads: ${code('idstack secrets --create')} makes the client's Secret (random: Authentik takes whatever value it is given) and then the copy.`,
    '',
    `**Built-in objects it relies on**, which Authentik creates itself: the flows ${code('default-provider-authorization-implicit-consent')} and ${code('default-provider-invalidation-flow')} (their blueprints are applied first), the scope mappings of ${code('System - OAuth2 Provider - Scopes')} (openid, email, profile, offline_access; Authentik ignores requested scopes without a mapping, e.g. ${code('groups')}: the profile mapping carries the groups claim), the key pair ${code('authentik Self-signed Certificate')}, the embedded outpost and the default brand. ${code('idstack check')} (rule ${code('blueprints')}) validates the blueprint against Authentik's blueprint schema and proves every reference resolves and every provider matches its client.`,
    '',
    `**What a blueprint does not do**: Authentik never deletes an object because its entry left the blueprint. When you disable a component or remove an application, delete its provider and application in Authentik's admin UI (or leave them: nothing uses them). Group membership is yours to manage: the blueprint creates groups, never adds people.`,
  ].join('\n');
}
