import type { Values } from '@idstack/core';

/** Values of the upstream tetragon chart (every key exists in the pinned 1.7.0 values.yaml; the test walks them). */
export function tetragonValues(): Values {
  return {
    // The default, `operator`, creates the CRDs at runtime only: the shipped TracingPolicy would fail a fresh sync.
    crds: { installMethod: 'helm' },
    // Pod and namespace selectors (podSelector, TracingPolicyNamespaced) need the policy filter.
    tetragon: { enablePolicyFilter: true },
    // Events (kills, audit reports) as JSON lines on the export-stdout container: `kubectl logs`, any log shipper.
    export: { mode: 'stdout' },
  };
}
