import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRendered, type Finding, needsPinned, PINNED_UPSTREAM, pinnedCrd } from '@idstack/check/testing';
import { type RenderedComponent, renderComponent, renderOwnTemplates } from '@idstack/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import spire from './index.js';

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

const ofRule = (findings: readonly Finding[], rule: string) => findings.filter((f) => f.rule === rule);

describe.skipIf(!PINNED_UPSTREAM)(needsPinned('upstream keys and CRDs (idstack check)'), () => {
  let defaults: RenderedComponent;
  let everything: RenderedComponent;
  let objects: Obj[];
  let findings: { defaults: Finding[]; everything: Finding[] };
  beforeAll(async () => {
    defaults = renderComponent(spire);
    everything = renderComponent(spire, EVERYTHING);
    const [own, onDefaults, onEverything] = await Promise.all([
      renderOwnTemplates(everything),
      checkRendered(defaults),
      checkRendered(everything),
    ]);
    objects = own;
    findings = { defaults: onDefaults, everything: onEverything };
  });

  it('passes idstack check with the defaults and with every option set', () => {
    expect(findings.defaults).toEqual([]);
    // With the demo workload too: its namespace gets the stack's policies, created before them (sync-order).
    expect(findings.everything).toEqual([]);
  });

  it('sets only keys that exist in the pinned spire / spire-crds values (umbrella or subchart)', () => {
    for (const rendered of [defaults, everything]) {
      expect(Object.keys(rendered.values.spire['spire-server']).length).toBeGreaterThan(3);
      expect(rendered.values['spire-crds']).toBeDefined();
    }
    expect(ofRule(findings.defaults, 'upstream-values')).toEqual([]);
    expect(ofRule(findings.everything, 'upstream-values')).toEqual([]);
  });

  it('the check catches keys that do not exist upstream', async () => {
    const bad = renderComponent(spire, {
      components: {
        spire: {
          values: {
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
          },
        },
      },
    });
    const caught = await checkRendered(bad, ['upstream-values']);
    expect(caught.map((f) => f.where.replace('charts/spire/values.yaml: ', '')).sort()).toEqual([
      'spire-crds.bogus',
      'spire.global.spire.trustdomain',
      'spire.spiffe-csi-driver.socket',
      'spire.spire-server.controllerManager.classname',
      'spire.spire-server.svidTTL',
    ]);
  });

  it('renders ClusterSPIFFEIDs that validate against the pinned CRD (spire.spiffe.io/v1alpha1)', () => {
    const crd = pinnedCrd('spire.spiffe.io', 'ClusterSPIFFEID');
    expect(crd.source).toBe('spire-crds 0.6.0');
    expect(crd.versions.has('v1alpha1')).toBe(true);
    const ids = objects.filter((o) => o.kind === 'ClusterSPIFFEID');
    expect(ids.map((o) => o.metadata.name)).toEqual(['spire-default', 'all-fields']);
    for (const id of ids) expect(id.apiVersion).toBe('spire.spiffe.io/v1alpha1');
    expect(ofRule(findings.everything, 'resource-schemas')).toEqual([]);
  });

  it('the check rejects unknown and mistyped fields, and missing required ones', async () => {
    const mutated = renderComponent(spire);
    writeFileSync(
      join(mutated.dir, 'charts/spire/templates/zz-bad.yaml'),
      stringify({
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
    );
    const caught = await checkRendered(mutated, ['resource-schemas']);
    expect(caught.map((f) => f.message.replace(/ \(CRD .*\)$/, '')).sort()).toEqual([
      'spec.fallback: must be boolean',
      'spec.podSelector.matchLabels.a: must be string',
      'spec.workloadTSelectoremplates: unknown key (the schema allows no such key here)',
      "spec: must have required property 'spiffeIDTemplate'",
    ]);
  });

  it('puts its custom resources in a later sync wave than the CRDs (sync-order simulates the Argo CD sync)', () => {
    for (const o of objects.filter((x) => x.apiVersion.startsWith('spire.spiffe.io/')))
      expect(Number(o.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(0);
    expect(ofRule(findings.everything, 'sync-order')).toEqual([]);
  });
});
