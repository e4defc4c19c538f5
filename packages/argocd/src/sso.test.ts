import { ConfigError, defineComponent } from '@idstack/core';
import { renderComponent } from '@idstack/core/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import argocd, { argocdOidcClient, CLI_CALLBACK } from './index.js';

/**
 * authentik-db imports argocd (a package cycle otherwise), so a stand-in declares what SSO reads of it: the `auth`
 * host and the `protect` option. authentik-db's own tests check the issuer against its `oidcIssuer`.
 */
const authentikDb = defineComponent({
  name: 'authentik-db',
  description: 'stand-in',
  tier: 'security',
  namespace: 'authentik',
  needs: [argocd],
  charts: [],
  hosts: { auth: { prefix: 'auth', description: 'stand-in' } },
  options: z.object({ protect: z.array(z.string()).default(['hubble']) }),
  values: () => ({}),
  packageDir: renderComponent(argocd, {}).planned.component.packageDir,
});

const DOMAIN = { domain: 'lab.example.org' };
const render = (config: Record<string, unknown> = {}) =>
  renderComponent(argocd, { ...DOMAIN, ...config }, { with: [authentikDb] });
const cm = (r: ReturnType<typeof render>) => r.values['argo-cd'].configs.cm;
const readme = (r: ReturnType<typeof render>) => r.files.get('charts/argocd/README.md') as string;

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('Argo CD logs in through Authentik (default stack)', () => {
  const rendered = render();
  const client = argocdOidcClient(rendered.plan.stack);

  it('writes oidc.config with the Authentik application issuer, the client, PKCE and the groups scope', () => {
    expect(parse(cm(rendered)['oidc.config'])).toEqual({
      name: 'Authentik',
      issuer: 'https://auth.lab.example.org/application/o/argocd/',
      clientID: 'argocd',
      enablePKCEAuthentication: true,
      requestedScopes: ['openid', 'profile', 'email', 'groups'],
    });
  });

  it('is a public client by default: no secret anywhere, and the CLI callback is a redirect URI', () => {
    expect(client).toMatchObject({
      clientType: 'public',
      redirectUris: ['https://argocd.lab.example.org/auth/callback', 'http://localhost:8085/auth/callback'],
    });
    expect(client?.clientSecret).toBeUndefined();
    expect(rendered.planned.secrets.map((s) => s.name)).toEqual(['argocd-redis']);
  });

  it('maps the admin group to role:admin, gives everyone else nothing, and reads roles from the groups claim', () => {
    expect(rendered.values['argo-cd'].configs.rbac).toEqual({
      'policy.default': '',
      'policy.csv': 'g, argocd-admins, role:admin\n',
      scopes: '[groups]',
    });
  });

  it('renders oidc.config, RBAC and the README steps from the one exported client', () => {
    const steps = rendered.planned.manualSteps.join('\n');
    for (const uri of client?.redirectUris ?? []) expect(steps).toContain(`\`${uri}\``);
    expect(steps).toContain(client?.issuer);
    expect(steps).toContain(`provider \`${client?.clientId}\``);
    expect(steps).toContain(`application \`${client?.slug}\``);
    expect(steps).toContain(`Groups -> \`${client?.adminGroup}\` -> add the users`);
    expect(steps).not.toMatch(/create an "OAuth2\/OpenID Provider"|Directory -> Groups -> create/);
    expect(steps).toContain('argocd login argocd.lab.example.org --sso --grpc-web');
    expect(readme(rendered)).toContain(
      'strict redirect URIs `https://argocd.lab.example.org/auth/callback` (the web UI)',
    );
    expect(readme(rendered)).toContain(`\`${CLI_CALLBACK}\` (\`argocd login --sso\``);
  });

  it('follows the options: slug, client id, admin group, read-only default', () => {
    const custom = render({
      components: {
        argocd: {
          sso: {
            slug: 'gitops',
            clientId: 'argo-ui',
            adminGroup: 'Platform Admins',
            defaultRole: 'readonly',
          },
        },
      },
    });
    expect(parse(cm(custom)['oidc.config'])).toMatchObject({
      issuer: 'https://auth.lab.example.org/application/o/gitops/',
      clientID: 'argo-ui',
    });
    expect(custom.values['argo-cd'].configs.rbac).toMatchObject({
      'policy.default': 'role:readonly',
      'policy.csv': 'g, Platform Admins, role:admin\n',
    });
  });

  it('lets the local admin go once SSO exists', () => {
    expect(cm(render({ components: { argocd: { adminUser: false } } }))['admin.enabled']).toBe(false);
  });
});

describe('a confidential client', () => {
  const rendered = render({ components: { argocd: { sso: { clientType: 'confidential' } } } });

  it('references the client secret as $<secret>:<key>, never a value', () => {
    const config = parse(cm(rendered)['oidc.config']);
    expect(config.clientSecret).toBe('$argocd-authentik:clientSecret');
    expect(rendered.files.get('charts/argocd/values.yaml')).not.toMatch(
      /clientSecret: (?!\$argocd-authentik:)/,
    );
  });

  it('declares that Secret in argocd with the label Argo CD needs to resolve it', () => {
    expect(rendered.planned.secrets).toContainEqual({
      name: 'argocd-authentik',
      purpose: expect.stringContaining('app.kubernetes.io/part-of=argocd'),
      labels: { 'app.kubernetes.io/part-of': 'argocd' },
      keys: [expect.objectContaining({ key: 'clientSecret', random: true })],
    });
    // The Secret must live where Argo CD runs (component namespace, as `idstack secrets` creates it).
    expect(rendered.planned.component.namespace).toBe('argocd');
    expect(readme(rendered)).toContain(
      '- **`argocd-authentik`** in namespace `argocd`, labelled `app.kubernetes.io/part-of=argocd`:',
    );
  });

  it('registers only the UI callback and says the CLI cannot use it', () => {
    expect(argocdOidcClient(rendered.plan.stack)?.redirectUris).toEqual([
      'https://argocd.lab.example.org/auth/callback',
    ]);
    expect(rendered.planned.manualSteps.join('\n')).toMatch(
      /CLI cannot log in through a confidential client/,
    );
  });
});

describe('without Authentik', () => {
  it('writes no oidc.config and no RBAC mapping', () => {
    const alone = renderComponent(argocd, DOMAIN);
    expect(argocdOidcClient(alone.plan.stack)).toBeUndefined();
    expect(cm(alone)['oidc.config']).toBeUndefined();
    expect(alone.values['argo-cd'].configs.rbac).toBeUndefined();
    const off = render({ components: { 'authentik-db': { enabled: false } } });
    expect(cm(off)['oidc.config']).toBeUndefined();
  });

  it('refuses adminUser: false, naming both keys', () => {
    const error = configError(() =>
      render({ components: { argocd: { adminUser: false }, 'authentik-db': { enabled: false } } }),
    );
    expect(error.problems).toEqual([
      {
        path: 'components.argocd.adminUser',
        message: expect.stringMatching(/components\.authentik-db\.enabled.*adminUser: true/),
      },
    ]);
  });
});

describe('bad SSO options', () => {
  it('names the key', () => {
    const group = configError(() => render({ components: { argocd: { sso: { adminGroup: 'a, b' } } } }));
    expect(group.problems).toContainEqual({
      path: 'components.argocd.sso.adminGroup',
      message: expect.stringMatching(/without commas/),
    });
    const type = configError(() => render({ components: { argocd: { sso: { clientType: 'secret' } } } }));
    expect(type.problems[0]?.path).toBe('components.argocd.sso.clientType');
    const typo = configError(() => render({ components: { argocd: { sso: { slugg: 'x' } } } }));
    expect(typo.problems[0]?.path).toMatch(/^components\.argocd\.sso/);
  });

  it('warns in the README when forward-auth would block the CLI', () => {
    const guarded = render({ components: { 'authentik-db': { protect: ['argocd'] } } });
    expect(guarded.planned.manualSteps.join('\n')).toMatch(/forward-auth then answers the CLI's API calls/);
  });
});
