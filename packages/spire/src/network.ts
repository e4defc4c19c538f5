import type { NetworkWorkload } from '@idstack/core';
import { SERVER_NAMESPACE, SYSTEM_NAMESPACE } from './values.js';

/** Selector labels spire 0.30.0 renders (`<subchart>.selectorLabels`: the subchart's nameOverride, the release). */
const pods = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': 'spire' });

/** SPIRE's workloads and flows (the demo workload in its own namespace is left to the operator). */
export function spireNetwork(): NetworkWorkload[] {
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
  ];
}
