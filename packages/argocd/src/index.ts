import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineComponent, type Stack } from '@idstack/core';
import { z } from 'zod';
import { argocdNetwork } from './network.js';
import { argocdIdentity, argocdOidcClient, oidcConfig, rbacConfig, requireLogin, ssoOptions } from './sso.js';
import { ssoSteps } from './sso-steps.js';

export { argocdIdentity, argocdOidcClient, CLI_CALLBACK, CLIENT_SECRET, type OidcClient } from './sso.js';

/** The Lua health checks installed into argocd-cm (tested by running them under Lua 5.1). */
export const applicationHealthLua = readFileSync(
  new URL('../lua/application-health.lua', import.meta.url),
  'utf8',
);
export const ingressHealthLua = readFileSync(new URL('../lua/ingress-health.lua', import.meta.url), 'utf8');

/** Argo CD's server Service (plain HTTP behind Traefik), for components that route to it. */
export const argocdServer = { service: 'argocd-server', namespace: 'argocd', port: 80 } as const;

/** Does authentik-db put Argo CD behind forward-auth (`components.authentik-db.protect` lists it)? */
function protectedByAuthentik(stack: Stack, enabled: (name: string) => boolean): boolean {
  const protect = stack.components['authentik-db']?.protect;
  return enabled('authentik-db') && Array.isArray(protect) && protect.includes('argocd');
}

export default defineComponent({
  name: 'argocd',
  description: 'Argo CD, managing itself, with an Application health check so child apps sync in real waves',
  tier: 'platform',
  namespace: 'argocd',
  charts: [{ name: 'argo-cd', repository: 'https://argoproj.github.io/argo-helm', version: '10.1.1' }],
  hosts: { argocd: { prefix: 'argocd', description: 'Argo CD web UI and API' } },
  network: () => argocdNetwork(),
  options: z.object({
    selfHeal: z
      .boolean()
      .default(true)
      .describe('Let Argo CD revert manual changes to its own resources. Default: true.'),
    adminUser: z
      .boolean()
      .default(true)
      .describe(
        'Keep the local admin user (turn off once you log in through Authentik; refused while authentik-db is disabled, since nobody could log in then). Default: true.',
      ),
    sso: ssoOptions,
  }),
  freeFormValues: [
    {
      path: 'argo-cd.configs.cm',
      reason: 'every key becomes an argocd-cm entry (resource.customizations.*, url, ...)',
    },
    {
      path: 'argo-cd.configs.params',
      reason: 'every key becomes an argocd-cmd-params-cm entry (server.insecure, ...)',
    },
  ],
  values: ({ stack, options, enabled }) => {
    const sso = argocdOidcClient(stack);
    requireLogin(options.adminUser, sso);
    return {
      'argo-cd': {
        global: {
          domain: stack.hosts.argocd,
          // idstack's CiliumNetworkPolicies replace the chart's NetworkPolicies, which let every namespace reach
          // the server and the metrics ports (kept when idstack renders no policies).
          networkPolicy: { create: stack.networkPolicy === 'off' || !enabled('cilium-tetragon') },
        },
        crds: { install: true, keep: true },
        configs: {
          cm: {
            'admin.enabled': options.adminUser,
            // Log in through Authentik (the chart sets `url` to https://<global.domain>, the callback's base).
            ...(sso ? { 'oidc.config': oidcConfig(sso) } : {}),
            'resource.customizations.health.argoproj.io_Application': applicationHealthLua,
            'resource.customizations.health.networking.k8s.io_Ingress': ingressHealthLua,
          },
          ...(sso ? { rbac: rbacConfig(sso) } : {}),
          // TLS ends at Traefik; the server speaks plain HTTP behind it.
          params: { 'server.insecure': true },
        },
        dex: { enabled: false },
        // The chart's redis-secret-init is a Helm hook Job (a PreSync hook on every Argo CD sync); the password
        // comes from a Secret the operator creates once instead (`idstack secrets --create`).
        redisSecretInit: { enabled: false },
        server: {
          ingress: {
            // When authentik-db guards Argo CD with forward-auth, it serves this host itself (IngressRoute).
            enabled: !protectedByAuthentik(stack, enabled),
            ingressClassName: 'traefik',
            hostname: stack.hosts.argocd,
            tls: true,
            annotations: {
              'cert-manager.io/cluster-issuer': `letsencrypt-${stack.acme.environment}`,
              'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
            },
          },
        },
      },
    };
  },
  identity: ({ stack }) => argocdIdentity(stack),
  argocd: ({ options }) => ({
    // Argo CD must never prune (or cascade-delete) itself.
    prune: false,
    selfHeal: options.selfHeal,
    serverSideApply: true,
  }),
  secrets: ({ stack }) => {
    const secret = argocdOidcClient(stack)?.clientSecret;
    return [
      {
        name: 'argocd-redis',
        purpose: "Argo CD's Redis password (the chart's hook that would generate it is off)",
        keys: [{ key: 'auth', description: 'Redis password', random: true }],
      },
      ...(secret
        ? [
            {
              name: secret.name,
              purpose: `Client secret of Argo CD's confidential Authentik client (argocd-cm oidc.config references it as $${secret.name}:${secret.key}; Argo CD only reads Secrets labelled app.kubernetes.io/part-of=argocd). Paste the same value into the Authentik provider's Client Secret.`,
              labels: secret.labels,
              keys: [
                { key: secret.key, description: 'OAuth2 client secret (Authentik provider)', random: true },
              ],
            },
          ]
        : []),
    ];
  },
  // Argo CD cannot install itself: bootstrap puts it in with helm, then its Application adopts the release.
  bootstrap: { order: 2 },
  manualSteps: ({ stack }) => [
    'Argo CD is installed once by `pnpm idstack bootstrap` (helm, from this chart), before anything syncs; its Application then adopts the release.',
    ...ssoSteps(stack, argocdOidcClient(stack)),
  ],
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
