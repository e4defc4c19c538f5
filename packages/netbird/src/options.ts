import { dnsLabel, dnsNameProblem } from '@idstack/core';
import { z } from 'zod';
import { STUN_PORT } from './routes.js';

/** Ports of the NodePort range Kubernetes allocates from by default. */
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

/** How Netbird logs in through Authentik (the OAuth2 provider + application the README tells you to create). */
const oidc = z
  .strictObject({
    slug: dnsLabel
      .default('netbird')
      .describe(
        'Slug of the Authentik application for Netbird; the OIDC issuer is https://<hosts.auth>/application/o/<slug>/. Default: netbird.',
      ),
    clientId: z
      .string()
      .regex(/^[A-Za-z0-9._~-]{1,255}$/, 'must be an OAuth2 client ID (letters, digits, ".", "_", "~", "-")')
      .default('netbird')
      .describe(
        'Client ID of the Authentik OAuth2 provider (set the same value in Authentik); also the token audience. Default: netbird.',
      ),
    confidentialClient: z
      .boolean()
      .default(false)
      .describe(
        'The Authentik provider is "Confidential" (has a client secret, read from the Secret netbird-authentik key clientSecret) instead of "Public" (PKCE only, what Netbird recommends). Default: false.',
      ),
    serviceAccount: z
      .string()
      .regex(
        /^[A-Za-z0-9@.+_-]{1,150}$/,
        'must be an Authentik username (letters, digits, "@", ".", "+", "_", "-")',
      )
      .default('netbird')
      .describe(
        "Username of the Authentik service account Netbird's IdP manager logs in as to list users (its app password is a Secret). Default: netbird.",
      ),
  })
  .prefault({})
  .describe('OIDC login through Authentik.');

/** The data plane: STUN and the relay, on UDP, on a host that resolves to the public IP (never through a proxy). */
const dataPlane = z
  .strictObject({
    stun: z
      .boolean()
      .default(true)
      .describe(
        'Run the STUN server embedded in the relay on UDP 3478. Off: peers get no STUN server and fall back to the relay more often. Default: true.',
      ),
    relayPort: z
      .int()
      .min(1)
      .max(65535)
      .default(443)
      .refine((port) => port !== STUN_PORT, `must differ from STUN's UDP ${STUN_PORT}`)
      .describe(
        "Public UDP port of the relay (QUIC, TLS with a certificate for hosts.relay); peers are told rels://<hosts.relay>:<relayPort>. Forward it on the router like 3478. Default: 443 (UDP: firewalls let QUIC through there; Traefik's 443 is TCP).",
      ),
    serviceType: z
      .enum(['LoadBalancer', 'NodePort'])
      .default('LoadBalancer')
      .describe(
        'Type of the Service publishing the UDP ports: LoadBalancer (MetalLB, Cilium LB-IPAM, a cloud LB) or NodePort (forward the router to a node). Default: LoadBalancer.',
      ),
    nodePorts: z
      .strictObject({
        stun: z.int().min(NODE_PORT_MIN).max(NODE_PORT_MAX).optional().describe('Node port of UDP 3478.'),
        relay: z.int().min(NODE_PORT_MIN).max(NODE_PORT_MAX).optional().describe('Node port of the relay.'),
      })
      .optional()
      .describe(
        `Fixed node ports (serviceType NodePort only; ${NODE_PORT_MIN}-${NODE_PORT_MAX}), so the router forwards stay valid. Default: allocated by Kubernetes.`,
      ),
    annotations: z
      .record(z.string(), z.string())
      .default({})
      .describe(
        'Annotations of the UDP Service, e.g. `metallb.io/loadBalancerIPs: 192.168.1.240` or `lbipam.cilium.io/ips` to pin the address the router forwards to. Default: {}.',
      ),
  })
  .superRefine((value, ctx) => {
    if (value.nodePorts !== undefined && value.serviceType !== 'NodePort') {
      ctx.addIssue({
        code: 'custom',
        path: ['nodePorts'],
        message: `only applies with serviceType NodePort (serviceType is ${value.serviceType})`,
      });
    }
  })
  .prefault({})
  .describe(
    'STUN (UDP 3478) and the relay (QUIC on UDP relayPort): the data plane, forwarded on the router.',
  );

/** `components.netbird` in stack.yaml. */
export const netbirdOptions = z.object({
  oidc,
  dataPlane,
  dnsDomain: z
    .string()
    .superRefine((value, ctx) => {
      const problem = dnsNameProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .default('netbird.selfhosted')
    .describe(
      'DNS domain of peer names inside the Netbird network (<peer>.<dnsDomain>); private names are fine here. Default: netbird.selfhosted.',
    ),
  storageSize: z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti)$/, 'must be a Kubernetes quantity such as "1Gi"')
    .default('1Gi')
    .describe('Size of the management volume (its SQLite store). Default: 1Gi.'),
  storageClass: z
    .string()
    .min(1)
    .optional()
    .describe('StorageClass of the management volume. Default: the cluster default.'),
  anonymousMetrics: z
    .boolean()
    .default(false)
    .describe("Send Netbird's anonymous usage metrics upstream. Default: false."),
});

export type NetbirdOptions = z.output<typeof netbirdOptions>;
