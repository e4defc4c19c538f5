import { type ComponentContext, ConfigError, type Problem, type Stack } from '@idstack/core';
import { traefik } from '@idstack/ingress';
import { MANAGEMENT_HOSTS, type Options } from './options.js';

/**
 * The components a management host needs before it may be published. Hubble UI has no login of its own: it is
 * only ever exposed behind Authentik's forward-auth, so it needs authentik-db as well as Cilium.
 */
const HOST_OWNERS: Readonly<Record<(typeof MANAGEMENT_HOSTS)[number], readonly string[]>> = {
  auth: ['authentik-db'],
  argocd: ['argocd'],
  netbird: ['netbird'],
  hubble: ['cilium-tetragon', 'authentik-db'],
};

/** One public host the tunnel carries. */
export interface TunnelRoute {
  /** Key under `hosts:` (`auth`, `netbird`, ...). */
  readonly key: string;
  /** The resolved public host name. */
  readonly host: string;
}

/** Traefik's HTTPS entrypoint, as cloudflared reaches it inside the cluster. */
export const traefikOrigin = `https://${traefik.service}.${traefik.namespace}.svc.cluster.local:${traefik.httpsPort}`;

const isManagementHost = (key: string): key is (typeof MANAGEMENT_HOSTS)[number] =>
  (MANAGEMENT_HOSTS as readonly string[]).includes(key);

/**
 * The hosts the config routes, in `routes` order: management hosts only when declared and their components are
 * enabled; any other key must be a declared host. Throws a {@link ConfigError} naming each bad `routes[i]`.
 */
export function tunnelRoutes(
  ctx: Pick<ComponentContext<Options>, 'stack' | 'options' | 'enabled'>,
): TunnelRoute[] {
  const problems: Problem[] = [];
  const routes: TunnelRoute[] = [];
  ctx.options.routes.forEach((key, i) => {
    const host = ctx.stack.hosts[key];
    if (isManagementHost(key)) {
      if (host !== undefined && HOST_OWNERS[key].every((c) => ctx.enabled(c))) routes.push({ key, host });
    } else if (host === undefined) {
      const known = [...new Set([...MANAGEMENT_HOSTS, ...Object.keys(ctx.stack.hosts)])].sort();
      problems.push({
        path: `components.cloudflared.routes[${i}]`,
        message: `"${key}" is not a host key of this stack; known host keys: ${known.join(', ')}`,
      });
    } else {
      routes.push({ key, host });
    }
  });
  if (problems.length) throw new ConfigError(problems);
  return routes;
}

/** One rule of cloudflared's `ingress:` list (locally managed tunnel config). */
export interface IngressRule {
  readonly hostname: string;
  /** Regex on the request path; the rule matches any path without it. */
  readonly path?: string;
  readonly service: string;
  readonly originRequest: {
    /** gRPC (Netbird signal/management, the Argo CD CLI) only passes a tunnel to an HTTP/2 (TLS) origin. */
    readonly http2Origin: true;
    /** SNI towards Traefik: the public host, so Traefik picks that host's router and certificate. */
    readonly originServerName: string;
    readonly noTLSVerify: boolean;
  };
}

/**
 * Path (cloudflared regex) of Let's Encrypt's HTTP-01 challenge. With `verifyOriginTLS` it keeps a rule of its own
 * without verification: until the challenge passes, Traefik serves its self-signed default certificate for the host,
 * which cloudflared would refuse, and the certificate could never be issued. The challenge carries no secret (the
 * ACME server checks the token it gets back).
 */
export const ACME_CHALLENGE_PATH = '^/\\.well-known/acme-challenge/';

/**
 * The tunnel's ingress rules: every routed host to Traefik's HTTPS entrypoint (with verification, preceded by its
 * ACME challenge rule: cloudflared takes the first matching rule). No catch-all here: the cloudflare-tunnel chart
 * appends `- service: http_status:404` after these rules itself, and cloudflared refuses a config whose catch-all
 * rule is not the last one.
 */
export function ingressRules(routes: readonly TunnelRoute[], verifyOriginTLS: boolean): IngressRule[] {
  return routes.flatMap(({ host }) => {
    const rule = (noTLSVerify: boolean) => ({
      hostname: host,
      service: traefikOrigin,
      originRequest: { http2Origin: true as const, originServerName: host, noTLSVerify },
    });
    return verifyOriginTLS ? [{ ...rule(true), path: ACME_CHALLENGE_PATH }, rule(false)] : [rule(true)];
  });
}

/**
 * The hosts the tunnel carries in a stack, for other components (Netbird must not hand peers a tunnelled host for
 * UDP): none when cloudflared is off. `stack.components.cloudflared` holds its validated options.
 */
export function tunnelledHosts(stack: Stack, enabled: (component: string) => boolean): string[] {
  if (!enabled('cloudflared')) return [];
  const options = stack.components.cloudflared as unknown as Options;
  return tunnelRoutes({ stack, options, enabled }).map((r) => r.host);
}
