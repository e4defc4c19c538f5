import { type ComponentContext, ConfigError, type Problem, type Values } from '@idstack/core';
import { z } from 'zod';
import { MANAGEMENT_HOSTS, type Options } from './options.js';
import { ingressRules, type TunnelRoute, tunnelRoutes } from './routes.js';

/** Names both charts' objects `cloudflared` (fullnameOverride), whatever the release is called. */
export const FULLNAME = 'cloudflared';

/**
 * The remote chart (0.1.2) has no value for an existing Secret: its Deployment reads `TUNNEL_TOKEN` from the Secret
 * named after the chart's fullname, key `tunnelToken`. The operator creates that Secret.
 */
export const tokenSecret = { name: FULLNAME, key: 'tunnelToken' } as const;

/**
 * The cloudflared image for remote mode: cloudflare-tunnel-remote 0.1.2 defaults to the moving `latest` tag, so pin
 * the version the cloudflare-tunnel 0.3.2 chart ships (its appVersion), the same binary in both modes.
 */
export const CLOUDFLARED_VERSION = '2024.8.3';

/**
 * The umbrella's own knobs. Helm reads dependency conditions from the parent's values, so the two charts are
 * switched by these keys instead of an `enabled` key the upstream charts do not have.
 */
export const knobs = z.object({
  tunnel: z
    .object({
      local: z
        .boolean()
        .describe(
          'Install the cloudflare-tunnel chart (locally managed tunnel; condition of that dependency).',
        ),
      remote: z
        .boolean()
        .describe(
          'Install the cloudflare-tunnel-remote chart (dashboard-managed tunnel; condition of that dependency).',
        ),
    })
    .describe('Which upstream chart runs cloudflared (exactly one is true).'),
});

/** Dependency conditions, as declared in `charts` (paths into the umbrella's values). */
export const CONDITIONS = { local: 'tunnel.local', remote: 'tunnel.remote' } as const;

export function values(ctx: ComponentContext<Options>): Values {
  const { options } = ctx;
  // Resolved (and checked) in both modes: remote mode lists them as dashboard steps.
  const routes = tunnelRoutes(ctx);
  if (options.verifyOriginTLS) checkVerifiable(ctx, routes);
  const local = options.mode === 'local';
  return {
    tunnel: { local, remote: !local },
    'cloudflare-tunnel': local
      ? {
          fullnameOverride: FULLNAME,
          replicaCount: options.replicas,
          cloudflare: {
            tunnelName: options.tunnelName,
            tunnelId: options.tunnelId,
            // An existing Secret: with it the chart renders no Secret of its own (account/secret stay empty).
            secretName: options.credentialsSecret,
            ingress: ingressRules(routes, options.verifyOriginTLS),
          },
        }
      : {},
    'cloudflare-tunnel-remote': local
      ? {}
      : {
          fullnameOverride: FULLNAME,
          replicaCount: options.replicas,
          image: { tag: CLOUDFLARED_VERSION },
          // cloudflare.tunnel_token stays empty: the token lives only in the Secret the operator creates.
        },
  };
}

/**
 * `verifyOriginTLS` only where it can work: cloudflared checks Traefik's certificate for each routed host against
 * the public roots, so each host needs a trusted certificate the stack issues (production issuer; the management
 * hosts, whose components hold one: Hubble's only while authentik-db protects it). Another host may have none, and
 * cloudflared would refuse it forever.
 */
function checkVerifiable(ctx: ComponentContext<Options>, routes: readonly TunnelRoute[]): void {
  const { stack, options } = ctx;
  const problems: Problem[] = [];
  if (stack.acme.environment !== 'production') {
    problems.push({
      path: 'components.cloudflared.verifyOriginTLS',
      message:
        "needs acme.environment: production (Let's Encrypt staging certificates are untrusted, so cloudflared would refuse every origin)",
    });
  }
  const protect = (stack.components['authentik-db']?.protect ?? []) as readonly string[];
  const certified = (key: string) =>
    (MANAGEMENT_HOSTS as readonly string[]).includes(key) && (key !== 'hubble' || protect.includes('hubble'));
  for (const route of routes) {
    if (certified(route.key)) continue;
    problems.push({
      path: `components.cloudflared.routes[${options.routes.indexOf(route.key)}]`,
      message: `${route.host} has no certificate the stack issues (only ${MANAGEMENT_HOSTS.join(', ')} do; hubble only in authentik-db's protect list), so with verifyOriginTLS cloudflared would refuse Traefik's default certificate for it: set verifyOriginTLS: false or stop routing it`,
    });
  }
  if (problems.length) throw new ConfigError(problems);
}
