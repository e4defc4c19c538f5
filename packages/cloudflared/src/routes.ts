import { type ComponentContext, ConfigError, type Problem } from '@idstack/core';
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
export function tunnelRoutes(ctx: ComponentContext<Options>): TunnelRoute[] {
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
 * The tunnel's ingress rules: every routed host to Traefik's HTTPS entrypoint. No catch-all here: the
 * cloudflare-tunnel chart appends `- service: http_status:404` after these rules itself, and cloudflared refuses a
 * config whose catch-all rule is not the last one.
 */
export function ingressRules(routes: readonly TunnelRoute[], verifyOriginTLS: boolean): IngressRule[] {
  return routes.map(({ host }) => ({
    hostname: host,
    service: traefikOrigin,
    originRequest: { http2Origin: true, originServerName: host, noTLSVerify: !verifyOriginTLS },
  }));
}
