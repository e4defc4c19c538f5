import { type RenderedComponent, renderComponent, renderOwnTemplates } from '@idstack/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import spire from './index.js';
import {
  crdDocuments,
  crdSchema,
  leafPaths,
  unknownUpstreamKeys,
  validateStructural,
} from './test-support/upstream.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, asserted field by field
type Obj = Record<string, any>;

/** Every option away from its default, so every values branch and every ClusterSPIFFEID field is rendered. */
const EVERYTHING = {
  components: {
    spire: {
      storageClass: 'local-path',
      kubeletVerification: 'apiServerCA',
      oidcDiscoveryProvider: true,
      example: { enabled: true },
      extraIdentities: [
        {
          name: 'all-fields',
          spiffeIDTemplate: 'spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/x',
          podSelector: {
            matchLabels: { app: 'x' },
            matchExpressions: [{ key: 'tier', operator: 'Exists' }],
          },
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } },
          dnsNameTemplates: ['x.{{ .PodMeta.Namespace }}.svc'],
          workloadSelectorTemplates: ['k8s:container-name:x'],
          federatesWith: ['other.example'],
          ttl: '30m',
          jwtTtl: '5m',
          hint: 'x',
          fallback: false,
          autoPopulateDNSNames: true,
        },
      ],
    },
  },
};

describe('upstream keys and CRDs', () => {
  let defaults: RenderedComponent;
  let everything: RenderedComponent;
  let objects: Obj[];
  beforeAll(async () => {
    defaults = renderComponent(spire);
    everything = renderComponent(spire, EVERYTHING);
    objects = await renderOwnTemplates(everything);
  });

  it('sets only keys that exist in the pinned spire / spire-crds values (umbrella or subchart)', () => {
    for (const rendered of [defaults, everything]) {
      expect(leafPaths(rendered.values as Obj).length).toBeGreaterThan(20);
      expect(unknownUpstreamKeys(rendered.values as Obj)).toEqual([]);
    }
  });

  it('the key walker catches keys that do not exist upstream', () => {
    expect(
      unknownUpstreamKeys({
        spire: {
          'spire-server': {
            caTTL: '24h',
            svidTTL: '1h',
            controllerManager: { className: 'x', classname: 'y' },
          },
          global: { spire: { trustDomain: 'x', trustdomain: 'y' } },
          'spiffe-csi-driver': { enabled: true, pluginName: 'csi.spiffe.io', socket: 'x' },
          // a free-form upstream map takes anything
          'spire-agent': { podLabels: { anything: 'goes' } },
        },
        'spire-crds': { annotations: { 'helm.sh/resource-policy': 'keep' }, bogus: true },
      }),
    ).toEqual([
      'spire.spire-server.svidTTL',
      'spire.spire-server.controllerManager.classname',
      'spire.global.spire.trustdomain',
      'spire.spiffe-csi-driver.socket',
      'spire-crds.bogus',
    ]);
  });

  it('renders ClusterSPIFFEIDs that validate against the pinned CRD (spire.spiffe.io/v1alpha1)', () => {
    const schema = crdSchema('clusterspiffeids.spire.spiffe.io.yaml', 'v1alpha1');
    const ids = objects.filter((o) => o.kind === 'ClusterSPIFFEID');
    expect(ids.map((o) => o.metadata.name)).toEqual(['spire-default', 'all-fields']);
    for (const id of ids) {
      expect(id.apiVersion).toBe('spire.spiffe.io/v1alpha1');
      expect(validateStructural(schema, id)).toEqual([]);
    }
  });

  it('the structural validator rejects unknown and mistyped fields', () => {
    const schema = crdSchema('clusterspiffeids.spire.spiffe.io.yaml', 'v1alpha1');
    expect(
      validateStructural(schema, {
        apiVersion: 'spire.spiffe.io/v1alpha1',
        kind: 'ClusterSPIFFEID',
        metadata: { name: 'x' },
        spec: {
          className: 'x',
          fallback: 'yes',
          workloadTSelectoremplates: [],
          podSelector: { matchLabels: { a: 1 } },
        },
      }),
    ).toEqual([
      'spec: missing required field "spiffeIDTemplate"',
      'spec.fallback: expected a boolean',
      'spec.workloadTSelectoremplates: unknown field',
      'spec.podSelector.matchLabels.a: expected a string',
    ]);
  });

  it('puts its custom resources in a later sync wave than the CRDs (which carry none, i.e. wave 0)', () => {
    for (const crd of crdDocuments('clusterspiffeids.spire.spiffe.io.yaml') as Obj[])
      expect(Number(crd.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0)).toBe(0);
    for (const o of objects.filter((x) => x.apiVersion.startsWith('spire.spiffe.io/')))
      expect(Number(o.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(0);
  });
});
