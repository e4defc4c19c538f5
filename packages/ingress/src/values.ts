import { podCidr } from '@idstack/cilium-tetragon';
import { type ComponentContext, ConfigError, dnsLabel, email, type Values } from '@idstack/core';
import { z } from 'zod';
import {
  type AcmeEnvironment,
  accountKeySecret,
  acmeServers,
  cloudflareApiToken,
  clusterIssuer,
  dns01SolverLabels,
  httpEntryPoint,
  nodePorts,
  traefik,
} from './names.js';
import type { IngressOptions } from './options.js';

/** The umbrella's own knobs: what templates/clusterissuers.yaml reads. */
export const knobs = z.object({
  acme: z
    .strictObject({
      email: email.describe("Let's Encrypt account e-mail (expiry notices); from the stack's acme.email."),
      solverIngressClass: z
        .string()
        .min(1)
        .describe('Ingress class of the HTTP-01 solver Ingresses cert-manager creates (Traefik).'),
      dns01: z
        .strictObject({
          selector: z.record(z.string(), z.string()).describe('Certificate labels that pick this solver.'),
          apiTokenSecret: z
            .strictObject({ name: z.string(), key: z.string() })
            .describe('Secret holding the Cloudflare API token (Zone:DNS:Edit).'),
        })
        .nullable()
        .describe('DNS-01 at Cloudflare for the Certificates carrying the selector labels; null for none.'),
      issuers: z
        .array(
          z.strictObject({
            name: dnsLabel.describe('ClusterIssuer name.'),
            server: z.url().describe('ACME directory URL.'),
            accountKeySecret: dnsLabel.describe(
              'Secret (in the release namespace) where cert-manager keeps the generated ACME account key.',
            ),
          }),
        )
        .min(1)
        .describe("The ACME ClusterIssuers to create (Let's Encrypt staging and production)."),
    })
    .describe("ACME ClusterIssuers (Let's Encrypt, HTTP-01 through Traefik)."),
});

const ENVIRONMENTS: readonly AcmeEnvironment[] = ['staging', 'production'];

/**
 * Both issuers always exist: switching `acme.environment` only changes which one the Ingresses name. With the
 * Cloudflare Tunnel the zone is on Cloudflare and no TCP port is forwarded, so a DNS-01 solver serves the labelled
 * Certificates of DNS-only hosts.
 */
export function acmeKnob(acmeEmail: string, dns01: boolean): z.input<typeof knobs>['acme'] {
  return {
    email: acmeEmail,
    solverIngressClass: traefik.ingressClass,
    dns01: dns01 ? { selector: { ...dns01SolverLabels }, apiTokenSecret: { ...cloudflareApiToken } } : null,
    issuers: ENVIRONMENTS.map((env) => ({
      name: clusterIssuer(env),
      server: acmeServers[env],
      accountKeySecret: accountKeySecret(env),
    })),
  };
}

/**
 * Who may set X-Forwarded-*: the configured proxies; with the Cloudflare Tunnel and none configured, the pod CIDR
 * (cloudflared's pods, the only way in, pass the client's address in X-Forwarded-For); else nobody, as clients come
 * straight in. Throws when the tunnel is on and the pod CIDR cannot be known.
 */
export function trustedProxies(
  ctx: Pick<ComponentContext<IngressOptions>, 'stack' | 'options' | 'enabled'>,
): string[] {
  if (ctx.options.trustedProxies.length || !usesTunnel(ctx)) return [...ctx.options.trustedProxies];
  const pods = podCidr(ctx.stack);
  if (pods) return [pods];
  throw new ConfigError([
    {
      path: 'components.ingress.trustedProxies',
      message:
        "must list the cluster's pod CIDR (where cloudflared's pods run) with the Cloudflare Tunnel on a generic distribution with ipam kubernetes, or Traefik and Authentik see every user as a cloudflared pod",
    },
  ]);
}

/** Traefik 41.3.0 values (every key checked against the pinned values.yaml / values.schema.json by the tests). */
export function traefikValues(
  options: IngressOptions,
  trusted: readonly string[] = options.trustedProxies,
): Values {
  const nodePort = options.serviceType === 'NodePort';
  const forwardedHeaders = () => ({ trustedIPs: [...trusted] });
  return {
    // The Service (and Deployment) is named `traefik` whatever the release is called: other components route to it.
    fullnameOverride: traefik.service,
    // Versions are pinned in git; no phoning home.
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    deployment: { replicas: options.replicas },
    ...(options.replicas > 1 ? { podDisruptionBudget: { enabled: true, maxUnavailable: 1 } } : {}),
    ingressClass: { enabled: true, isDefaultClass: true, name: traefik.ingressClass },
    providers: {
      // The Authentik forward-auth Middleware lives in another namespace than the routes that use it.
      kubernetesCRD: { enabled: true, allowCrossNamespace: true },
      // publishedService copies the Service's address into every Ingress status (Argo CD health, kubectl get ingress).
      kubernetesIngress: { enabled: true, publishedService: { enabled: true } },
    },
    ports: {
      [httpEntryPoint.name]: {
        // Everything on :80 goes to HTTPS (Let's Encrypt follows the redirect for HTTP-01 challenges).
        http: {
          redirections: {
            entryPoint: { to: traefik.httpsEntryPoint, scheme: 'https', permanent: true },
          },
        },
        forwardedHeaders: forwardedHeaders(),
        ...(nodePort ? { nodePort: nodePorts.http } : {}),
      },
      [traefik.httpsEntryPoint]: {
        http: { tls: { enabled: true } },
        forwardedHeaders: forwardedHeaders(),
        // Long-lived gRPC streams (Netbird signal/management) must not be cut by the 60s read timeout default.
        transport: {
          respondingTimeouts: {
            readTimeout: options.streamTimeout,
            writeTimeout: options.streamTimeout,
            idleTimeout: '3600s',
          },
        },
        ...(nodePort ? { nodePort: nodePorts.https } : {}),
      },
    },
    service: {
      spec: {
        type: options.serviceType,
        externalTrafficPolicy: options.externalTrafficPolicy,
        ...(options.loadBalancerIP ? { loadBalancerIP: options.loadBalancerIP } : {}),
      },
    },
  };
}

/** cert-manager v1.21.1 values. */
export function certManagerValues(namespace: string): Values {
  return {
    // CRDs rendered by the chart so the ClusterIssuers can sync in the same Application; kept on uninstall.
    crds: { enabled: true, keep: true },
    // The lease in our own namespace instead of kube-system: the chart then touches no other namespace.
    global: { leaderElection: { namespace } },
    // startupapicheck is a post-install Helm hook Job (a sync hook under Argo CD that reruns on every sync);
    // the ClusterIssuers' later wave plus the Application's retry wait for the webhook instead.
    startupapicheck: { enabled: false },
  };
}

/** The umbrella's values.yaml. */
export function values(ctx: ComponentContext<IngressOptions>): Values {
  const { stack, options } = ctx;
  if (options.loadBalancerIP && options.serviceType !== 'LoadBalancer') {
    throw new ConfigError([
      {
        path: 'components.ingress.loadBalancerIP',
        message: `only applies to serviceType LoadBalancer (serviceType is ${options.serviceType}); remove it or switch the type`,
      },
    ]);
  }
  return {
    traefik: traefikValues(options, trustedProxies(ctx)),
    'cert-manager': certManagerValues(traefik.namespace),
    acme: acmeKnob(stack.acme.email, usesTunnel(ctx)),
  };
}

/** The Cloudflare Tunnel topology: every HTTP host through cloudflared (by name: it comes after this component). */
export const usesTunnel = (ctx: Pick<ComponentContext<IngressOptions>, 'enabled'>): boolean =>
  ctx.enabled('cloudflared');
