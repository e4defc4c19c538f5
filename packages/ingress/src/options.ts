import { duration } from '@idstack/core';
import { z } from 'zod';

/** An IPv4 or IPv6 CIDR (a bare address is a single host: /32 or /128). */
const CIDR =
  /^(([0-9]{1,3}\.){3}[0-9]{1,3}(\/([0-9]|[12][0-9]|3[0-2]))?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))?)$/;

const trustedProxy = z
  .string()
  .regex(CIDR, 'must be an IP address or CIDR such as "10.42.0.0/16"')
  .refine((cidr) => !/^(0\.0\.0\.0|::)\/0$/.test(cidr), {
    message:
      'trusting every address lets any client forge X-Forwarded-For; list only your proxies (e.g. the pod CIDR for cloudflared)',
  });

/** `components.ingress` in stack.yaml. */
export const options = z.object({
  serviceType: z
    .enum(['LoadBalancer', 'NodePort'])
    .default('LoadBalancer')
    .describe(
      'Type of the Traefik Service: LoadBalancer (needs k3s ServiceLB, MetalLB or Cilium LB-IPAM to hand out an address; Argo CD waits for it) or NodePort (HTTP on node port 30080, HTTPS on 30443). Default: LoadBalancer.',
    ),
  loadBalancerIP: z
    .union([z.ipv4(), z.ipv6()], { error: 'must be an IPv4 or IPv6 address' })
    .optional()
    .describe(
      "Fixed address for the LoadBalancer Service (spec.loadBalancerIP, honoured by MetalLB and Cilium LB-IPAM; ignored by k3s ServiceLB), so the router's port forwarding never breaks. Only with serviceType LoadBalancer. Default: none (the load balancer picks one).",
    ),
  externalTrafficPolicy: z
    .enum(['Cluster', 'Local'])
    .default('Cluster')
    .describe(
      "Service externalTrafficPolicy: Local keeps the clients' real source IPs (Authentik and Traefik logs see them) but only nodes running a Traefik pod answer; Cluster works from any node. Default: Cluster.",
    ),
  replicas: z
    .int()
    .min(1)
    .max(10)
    .default(1)
    .describe(
      'Traefik pods; above 1 a PodDisruptionBudget keeps one running during node drains. Default: 1.',
    ),
  trustedProxies: z
    .array(trustedProxy)
    .default([])
    .describe(
      "Addresses/CIDRs whose X-Forwarded-* headers Traefik trusts (both entry points), so the real client IP reaches Authentik. Everyone else's forwarded headers are replaced. Never 0.0.0.0/0. Default: with cloudflared enabled, the pod CIDR cloudflared's pods run in (Cilium's clusterPoolCidr, else k3s 10.42.0.0/16, Talos 10.244.0.0/16; required on a generic distribution); without it [] (trust nobody: clients reach Traefik directly through the router).",
    ),
  streamTimeout: duration
    .default('0s')
    .describe(
      'Read and write timeout of the HTTPS entry point. Netbird keeps gRPC streams (signal, management) open for hours, which the 60s Traefik default cuts; 0s means no limit. Default: 0s.',
    ),
});

export type IngressOptions = z.output<typeof options>;
