import { z } from 'zod';

/** The upstream chart (netbirdio/helms charts/netbird 1.9.0); its name feeds the pod labels below. */
export const UPSTREAM_CHART = {
  name: 'netbird',
  version: '1.9.0',
  repository: 'https://netbirdio.github.io/helms',
} as const;

/**
 * The one Netbird release management, signal and relay run (they share version numbers and are upgraded together):
 * the newest whose binaries still take everything the chart's 1.9.0 templates pass (management and signal flags,
 * management.json at /etc/netbird, the relay's NB_* variables, TCP probes on the same ports); read from the sources
 * at tag v0.77.1. The chart's own default (its app version, 0.46.0) predates the relay's STUN server (0.63+).
 */
export const NETBIRD_VERSION = '0.77.1';
/** The dashboard release of the same time (v2.90.9, August 2026): same environment variables, nginx on :80. */
export const DASHBOARD_VERSION = 'v2.90.9';

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
} as const;

/**
 * Where the relay listens in its pod (the chart's relay containerPort): WebSocket on TCP and QUIC on UDP share the
 * port number. Peers reach it over QUIC only, through {@link DATA_PLANE_SERVICE}.
 */
export const RELAY_LISTEN_PORT = 33080;

/** gRPC services Netbird clients call on the public host (they need HTTP/2 end to end: h2c to the pods). */
export const GRPC_PATHS = {
  signal: '/signalexchange.SignalExchange/',
  management: '/management.ManagementService/',
} as const;

/** STUN's well-known port (RFC 5389); clients are told `stun:<host>:3478`. */
export const STUN_PORT = 3478;
/** Our own Service publishing the relay pods' UDP ports, STUN and QUIC (the chart has no UDP Service). */
export const DATA_PLANE_SERVICE = `${FULLNAME}-data-plane`;
/** The relay's certificate for the data-plane host (QUIC needs TLS; peers check it against the public roots). */
export const RELAY_TLS = {
  certificate: `${FULLNAME}-relay`,
  secret: `${FULLNAME}-relay-tls`,
  mountPath: '/etc/netbird-relay/tls',
} as const;
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

const udpPort = z.strictObject({
  port: z.int().describe('Service (public) port.'),
  targetPort: z.int().describe('Port in the relay pod.'),
  nodePort: z.int().nullable().describe('Fixed node port (NodePort only), null for any.'),
});

/** The umbrella's own knobs: what templates/ingressroute.yaml, certificate.yaml and data-plane.yaml read. */
export const knobs = z.strictObject({
  route: z
    .strictObject({
      host: z.string().describe('Public host of dashboard, API and gRPC.'),
      entryPoint: z.string().describe('Traefik entry point (HTTPS).'),
      ingressClass: z.string().describe('Ingress class the IngressRoute is annotated with.'),
      clusterIssuer: z.string().describe('cert-manager ClusterIssuer of the certificates.'),
      tlsSecretName: z.string().describe('Secret the certificate is stored in.'),
      grpcPaths: z
        .strictObject({
          signal: z.string().describe('Signal gRPC service path.'),
          management: z.string().describe('Management gRPC service path.'),
        })
        .describe('Path prefixes of the gRPC services (routed with h2c).'),
      services: z
        .strictObject({ dashboard: service, management: service, signal: service })
        .describe('Backend Services the upstream chart creates.'),
    })
    .describe('Traefik routing and TLS of the Netbird host.'),
  dataPlane: z
    .strictObject({
      name: z.string().describe('Name of the UDP Service.'),
      serviceType: z.enum(['LoadBalancer', 'NodePort']).describe('Service type.'),
      stun: udpPort.nullable().describe('STUN (UDP 3478), null when off.'),
      relay: udpPort.describe('The relay over QUIC.'),
      annotations: z.record(z.string(), z.string()).describe('Service annotations.'),
      relayAppName: z
        .string()
        .describe(
          'app.kubernetes.io/name of the relay pods (chart name + "-relay"); the instance label is the release.',
        ),
      certificate: z
        .strictObject({
          name: z.string().describe('Certificate name.'),
          host: z.string().describe('The data-plane host.'),
          secretName: z.string().describe('Secret the relay mounts.'),
          solverLabels: z
            .record(z.string(), z.string())
            .describe('Labels choosing the ClusterIssuer solver (DNS-01 when no HTTP reaches the host).'),
        })
        .describe("The relay's certificate for the data-plane host."),
    })
    .describe('The UDP Service publishing STUN and the relay, and the relay certificate.'),
});
