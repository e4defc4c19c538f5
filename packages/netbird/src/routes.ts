import { z } from 'zod';

/** The upstream chart (netbirdio/helms charts/netbird 1.9.0); its name feeds the pod labels below. */
export const UPSTREAM_CHART = {
  name: 'netbird',
  version: '1.9.0',
  repository: 'https://netbirdio.github.io/helms',
} as const;

/**
 * `fullnameOverride` we give the chart, so the Service names below do not depend on the release name
 * (the chart names them `<fullname>-<component>`).
 */
export const FULLNAME = 'netbird';

/** The Services the upstream chart creates (names from its templates, ports from its values we leave alone). */
export const SERVICES = {
  dashboard: { name: `${FULLNAME}-dashboard`, port: 80 },
  // REST API (/api) and gRPC share the one port: management 0.46 multiplexes HTTP/1.1 and h2c on :80.
  management: { name: `${FULLNAME}-management`, port: 80 },
  signal: { name: `${FULLNAME}-signal`, port: 80 },
  relay: { name: `${FULLNAME}-relay`, port: 33080 },
} as const;

/** gRPC services Netbird clients call on the public host (they need HTTP/2 end to end: h2c to the pods). */
export const GRPC_PATHS = {
  signal: '/signalexchange.SignalExchange/',
  management: '/management.ManagementService/',
} as const;

/** STUN's well-known port (RFC 5389); clients are told `stun:<host>:3478`. */
export const STUN_PORT = 3478;
/** Our own Service publishing the relay's STUN server (the chart has none). */
export const STUN_SERVICE = `${FULLNAME}-stun`;

/**
 * The relay pods' labels, derived as the chart's `netbird.relay.selectorLabels` helper does:
 * `app.kubernetes.io/name: <chart name (nameOverride unset)>-relay`, `app.kubernetes.io/instance: <release>`.
 * The STUN Service selects exactly these (its template writes the instance as `.Release.Name`).
 */
export const relayPodLabels = (release: string): Record<string, string> => ({
  'app.kubernetes.io/name': `${UPSTREAM_CHART.name}-relay`,
  'app.kubernetes.io/instance': release,
});

const service = z.strictObject({
  name: z.string().describe('Service name.'),
  port: z.int().describe('Service port.'),
});

/** The umbrella's own knobs: what templates/ingressroute.yaml, certificate.yaml and stun-service.yaml read. */
export const knobs = z.strictObject({
  route: z
    .strictObject({
      host: z.string().describe('Public host of dashboard, API, relay and gRPC.'),
      entryPoint: z.string().describe('Traefik entry point (HTTPS).'),
      ingressClass: z.string().describe('Ingress class the IngressRoute is annotated with.'),
      clusterIssuer: z.string().describe('cert-manager ClusterIssuer of the certificate.'),
      tlsSecretName: z.string().describe('Secret the certificate is stored in.'),
      grpcPaths: z
        .strictObject({
          signal: z.string().describe('Signal gRPC service path.'),
          management: z.string().describe('Management gRPC service path.'),
        })
        .describe('Path prefixes of the gRPC services (routed with h2c).'),
      services: z
        .strictObject({ dashboard: service, management: service, signal: service, relay: service })
        .describe('Backend Services the upstream chart creates.'),
    })
    .describe('Traefik routing and TLS of the Netbird host.'),
  stun: z
    .strictObject({
      enabled: z.boolean().describe('Render the UDP 3478 Service.'),
      name: z.string().describe('Name of the Service.'),
      serviceType: z.enum(['LoadBalancer', 'NodePort']).describe('Service type.'),
      port: z.int().describe('UDP port (3478).'),
      nodePort: z.int().nullable().describe('Fixed node port (NodePort only), null for any.'),
      annotations: z.record(z.string(), z.string()).describe('Service annotations.'),
      relayAppName: z
        .string()
        .describe(
          'app.kubernetes.io/name of the relay pods (chart name + "-relay"); the instance label is the release.',
        ),
    })
    .describe("The Service publishing the relay's STUN server on UDP."),
});
