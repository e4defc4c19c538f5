import { type ComponentContext, ConfigError } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { type Options, options } from './options.js';
import { ingressRules, traefikOrigin, tunnelRoutes } from './routes.js';
import { values } from './values.js';

/** A context with just what routing reads: resolved hosts, enabled components, this component's options. */
function ctx(
  hosts: Record<string, string>,
  enabled: readonly string[],
  opts: Partial<Options> = {},
): ComponentContext<Options> {
  return {
    stack: { hosts } as unknown as ComponentContext<Options>['stack'],
    options: options.parse(opts),
    enabled: (name) => enabled.includes(name),
    namespaceOf: () => 'unused',
    identities: () => [],
  };
}

const ALL_HOSTS = {
  auth: 'auth.lab.example.org',
  argocd: 'argocd.lab.example.org',
  netbird: 'netbird.lab.example.org',
  hubble: 'hubble.lab.example.org',
  grafana: 'grafana.lab.example.org',
};
const ALL_ENABLED = ['authentik-db', 'argocd', 'netbird', 'cilium-tetragon'];

describe('tunnelRoutes', () => {
  it('routes every management UI by default, in order, and nothing else', () => {
    expect(tunnelRoutes(ctx(ALL_HOSTS, ALL_ENABLED)).map((r) => r.host)).toEqual([
      'auth.lab.example.org',
      'argocd.lab.example.org',
      'netbird.lab.example.org',
      'hubble.lab.example.org',
    ]);
  });

  it('skips the hosts of disabled components; Hubble UI needs Authentik in front of it', () => {
    expect(tunnelRoutes(ctx(ALL_HOSTS, ['argocd', 'cilium-tetragon'])).map((r) => r.key)).toEqual(['argocd']);
    expect(tunnelRoutes(ctx(ALL_HOSTS, ['authentik-db', 'argocd', 'netbird'])).map((r) => r.key)).toEqual([
      'auth',
      'argocd',
      'netbird',
    ]);
  });

  it('skips management hosts nobody declares', () => {
    expect(tunnelRoutes(ctx({ argocd: 'argocd.lab.example.org' }, ALL_ENABLED)).map((r) => r.key)).toEqual([
      'argocd',
    ]);
  });

  it('routes another declared host when listed', () => {
    expect(tunnelRoutes(ctx(ALL_HOSTS, ALL_ENABLED, { routes: ['grafana', 'auth'] }))).toEqual([
      { key: 'grafana', host: 'grafana.lab.example.org' },
      { key: 'auth', host: 'auth.lab.example.org' },
    ]);
  });

  it('refuses an unknown host key, naming routes[i]', () => {
    const run = () => tunnelRoutes(ctx(ALL_HOSTS, ALL_ENABLED, { routes: ['auth', 'argcd', 'nope'] }));
    expect(run).toThrow(ConfigError);
    try {
      run();
    } catch (e) {
      expect((e as ConfigError).problems.map((p) => p.path)).toEqual([
        'components.cloudflared.routes[1]',
        'components.cloudflared.routes[2]',
      ]);
      expect((e as ConfigError).problems[0]?.message).toContain('"argcd" is not a host key');
    }
  });
});

describe('ingressRules', () => {
  it('sends each host to Traefik over HTTPS with HTTP/2 and the host as SNI', () => {
    expect(ingressRules([{ key: 'auth', host: 'auth.x.org' }], true)).toEqual([
      {
        hostname: 'auth.x.org',
        path: '^/\\.well-known/acme-challenge/',
        service: 'https://traefik.ingress.svc.cluster.local:443',
        originRequest: { http2Origin: true, originServerName: 'auth.x.org', noTLSVerify: true },
      },
      {
        hostname: 'auth.x.org',
        service: 'https://traefik.ingress.svc.cluster.local:443',
        originRequest: { http2Origin: true, originServerName: 'auth.x.org', noTLSVerify: false },
      },
    ]);
    expect(traefikOrigin).toBe('https://traefik.ingress.svc.cluster.local:443');
  });
});

describe('verifyOriginTLS only where it can work', () => {
  const production = (protect: string[]) =>
    ({
      hosts: ALL_HOSTS,
      acme: { environment: 'production' },
      components: { 'authentik-db': { protect } },
    }) as unknown as ComponentContext<Options>['stack'];
  const problemsOf = (stack: ComponentContext<Options>['stack'], routes: string[]) => {
    try {
      values({ ...ctx(ALL_HOSTS, ALL_ENABLED, { verifyOriginTLS: true, routes }), stack });
      return [];
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      return e.problems.map((p) => [p.path, p.message.split(' (')[0]]);
    }
  };

  it('accepts the management hosts, whose certificates the stack issues', () => {
    expect(problemsOf(production(['hubble']), ['auth', 'argocd', 'netbird', 'hubble'])).toEqual([]);
  });

  it('refuses a host without a certificate: another host, or Hubble while authentik-db does not protect it', () => {
    expect(problemsOf(production([]), ['auth', 'grafana', 'hubble'])).toEqual([
      ['components.cloudflared.routes[1]', 'grafana.lab.example.org has no certificate the stack issues'],
      ['components.cloudflared.routes[2]', 'hubble.lab.example.org has no certificate the stack issues'],
    ]);
  });
});
