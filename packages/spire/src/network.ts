import type { NetworkWorkload } from '@idstack/core';
import { EXAMPLE_NAMESPACE, SERVER_NAMESPACE, SYSTEM_NAMESPACE } from './values.js';

/** Selector labels spire 0.30.0 renders (`<subchart>.selectorLabels`: the subchart's nameOverride, the release). */
const pods = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': 'spire' });

/** SPIRE's workloads and flows; with `example`, the demo workload too (its namespace then gets a default-deny). */
export function spireNetwork(example = false): NetworkWorkload[] {
  return [
    {
      name: 'server',
      description: 'SPIRE server and its controller manager (one pod)',
      namespace: SERVER_NAMESPACE,
      selector: { ...pods('server'), 'app.kubernetes.io/component': 'server' },
      ingress: [
        { from: { workload: 'agent' }, ports: [{ port: 8081 }], why: 'node and workload attestation (gRPC)' },
        {
          from: { entity: 'host' },
          ports: [{ port: 8081 }],
          why: 'agents on the host network (the chart picks hostNetwork by the kubelet address mode)',
        },
        {
          from: { entity: 'remote-node' },
          ports: [{ port: 8081 }],
          why: 'agents on the host network of the other nodes',
        },
        {
          from: { entity: 'kube-apiserver' },
          ports: [{ port: 9443 }],
          why: "the controller manager's ClusterSPIFFEID admission webhook",
        },
      ],
    },
    {
      name: 'agent',
      description: 'SPIRE agents (no inbound flow: workloads use the socket)',
      namespace: SYSTEM_NAMESPACE,
      selector: pods('agent'),
    },
    {
      name: 'spiffe-csi-driver',
      description: 'the SPIFFE CSI driver (no inbound flow)',
      namespace: SYSTEM_NAMESPACE,
      selector: pods('spiffe-csi-driver'),
    },
    ...(example
      ? [
          {
            name: 'example',
            description:
              'the demo workload (no inbound flow; it reaches the agent through the CSI-mounted socket only)',
            namespace: EXAMPLE_NAMESPACE,
            selector: { 'app.kubernetes.io/name': 'spire-example' },
            // Nothing on the network: the Workload API is a unix socket (DNS stays open, as for every restricted egress).
            egress: [],
          },
        ]
      : []),
  ];
}
