import { type RenderedComponent, renderComponent, renderOwnTemplates } from '@idstack/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import spire, { EXAMPLE_IMAGE, SVID_TTL, WEBHOOK_NAME, workloadApi } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, asserted field by field
type Obj = Record<string, any>;

const ofKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);

/** A stack that moves every knob away from its default, to prove the values really come from the config. */
const CUSTOM = {
  spiffe: { trustDomain: 'lab.example' },
  cluster: { name: 'pi-cluster' },
  components: {
    spire: {
      className: 'homelab-ids',
      caTTL: '48h',
      example: { enabled: true },
      extraIdentities: [
        {
          name: 'web',
          spiffeIDTemplate: 'spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/app/web',
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
          namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] },
          dnsNameTemplates: ['web.{{ .PodMeta.Namespace }}.svc'],
          ttl: '30m',
        },
        {
          name: 'db',
          spiffeIDTemplate: 'spiffe://lab.example/db',
          workloadSelectorTemplates: ['k8s:container-name:db'],
        },
      ],
    },
  },
};

describe('spire component with defaults', () => {
  let rendered: RenderedComponent;
  let objects: Obj[];
  let spireValues: Obj;
  beforeAll(async () => {
    rendered = renderComponent(spire);
    objects = await renderOwnTemplates(rendered);
    spireValues = rendered.values.spire as Obj;
  });

  it('uses the stack trust domain (default homelab.internal) and cluster name', () => {
    expect(spireValues.global.spire.trustDomain).toBe('homelab.internal');
    expect(spireValues.global.spire.clusterName).toBe('homelab');
    // Strict mode (recommendations) refuses the chart's placeholder CA subject.
    expect(spireValues.global.spire.caSubject).toEqual({
      country: 'XX',
      organization: 'idstack',
      commonName: 'homelab.internal',
    });
  });

  it('issues 1h X.509 SVIDs under a 24h CA by default', () => {
    expect(SVID_TTL).toBe('1h');
    expect(spireValues['spire-server'].defaultX509SvidTTL).toBe('1h');
    expect(spireValues['spire-server'].caTTL).toBe('24h');
  });

  it('turns on the production recommendations with the spire-server / spire-system layout', () => {
    expect(spireValues.global.spire.recommendations).toEqual({ enabled: true });
    // The release namespace is Argo CD's to create; spire-system only the chart creates.
    expect(spireValues.global.spire.namespaces).toEqual({
      server: { create: false },
      system: { create: true },
    });
    expect(spire.namespace).toBe('spire-server');
    expect(rendered.planned.otherNamespaces).toEqual(['spire-system']);
    expect((rendered.application as Obj).spec.destination.namespace).toBe('spire-server');
    expect((rendered.application as Obj).spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
  });

  it('attests nodes with Kubernetes PSAT and runs the SPIFFE CSI driver', () => {
    expect(spireValues['spire-server'].nodeAttestor.k8sPSAT.enabled).toBe(true);
    expect(spireValues['spire-agent'].nodeAttestor.k8sPSAT.enabled).toBe(true);
    expect(spireValues['spiffe-csi-driver'].enabled).toBe(true);
    expect(workloadApi.csiDriver).toBe('csi.spiffe.io');
  });

  it('turns every Helm hook off (global and controller-manager switches)', () => {
    expect(spireValues.global.installAndUpgradeHooks.enabled).toBe(false);
    expect(spireValues.global.deleteHooks.enabled).toBe(false);
    expect(spireValues['spire-server'].controllerManager.installAndUpgradeHook.enabled).toBe(false);
    expect(spireValues['spire-server'].controllerManager.deleteHook.enabled).toBe(false);
  });

  it('sets the controller className explicitly and replaces the chart default ClusterSPIFFEID', () => {
    const cm = spireValues['spire-server'].controllerManager;
    expect(cm.className).toBe('idstack');
    expect(cm.identities.clusterSPIFFEIDs.default.enabled).toBe(false);
    expect(cm.identities.clusterSPIFFEIDs['test-keys'].enabled).toBe(false);
    // No OIDC provider by default, so the chart renders no ClusterSPIFFEID of its own at all.
    expect(cm.identities.clusterSPIFFEIDs['oidc-discovery-provider'].enabled).toBe(false);
    expect(spireValues['spiffe-oidc-discovery-provider'].enabled).toBe(false);
  });

  it('ignores only the caBundle the controller manager writes into its webhook, and respects that on sync', () => {
    expect(WEBHOOK_NAME).toBe('spire-server-spire-controller-manager-webhook');
    expect((rendered.application as Obj).spec.ignoreDifferences).toEqual([
      {
        group: 'admissionregistration.k8s.io',
        kind: 'ValidatingWebhookConfiguration',
        name: WEBHOOK_NAME,
        jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle'],
      },
    ]);
    expect((rendered.application as Obj).spec.syncPolicy.syncOptions).toContain(
      'RespectIgnoreDifferences=true',
    );
  });

  it('has Argo CD create its namespace with the restricted Pod Security level', () => {
    expect((rendered.application as Obj).spec.syncPolicy.managedNamespaceMetadata).toEqual({
      labels: { 'pod-security.kubernetes.io/enforce': 'restricted' },
    });
  });

  it('renders the default ClusterSPIFFEID with the literal SPIRE template, the trust domain and the className', () => {
    const ids = ofKind(objects, 'ClusterSPIFFEID');
    expect(ids.map((o) => o.metadata.name)).toEqual(['spire-default']);
    const [id] = ids as [Obj];
    expect(id.apiVersion).toBe('spire.spiffe.io/v1alpha1');
    // Helm must not evaluate the controller manager's own template braces.
    expect(id.spec.spiffeIDTemplate).toBe(
      'spiffe://homelab.internal/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}',
    );
    expect(id.spec.className).toBe('idstack');
    expect(id.spec.fallback).toBe(true);
    expect(id.spec.namespaceSelector.matchExpressions).toEqual([
      { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['spire-server', 'spire-system'] },
    ]);
  });

  it('syncs its custom resources after the CRDs, without a dry run while the CRD is missing', () => {
    for (const id of ofKind(objects, 'ClusterSPIFFEID')) {
      expect(id.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
      expect(id.metadata.annotations['argocd.argoproj.io/sync-options']).toBe(
        'SkipDryRunOnMissingResource=true',
      );
    }
  });

  it('keeps the example workload off by default', () => {
    expect(rendered.values.example).toMatchObject({ enabled: false });
    expect(ofKind(objects, 'Deployment')).toEqual([]);
    expect(ofKind(objects, 'Namespace')).toEqual([]);
    expect(rendered.planned.network.map((w) => w.name)).toEqual(['server', 'agent', 'spiffe-csi-driver']);
  });

  it('renders byte-identical output twice (files and helm template)', async () => {
    const again = renderComponent(spire);
    expect([...again.files]).toEqual([...rendered.files]);
    expect(await renderOwnTemplates(again)).toEqual(objects);
  });

  it('documents how to see an SVID and the className rule in the generated README', () => {
    const readme = rendered.files.get('charts/spire/README.md') ?? '';
    expect(readme).toContain('kubectl -n spire-example logs deploy/spire-example');
    expect(readme).toContain('spec.className: idstack');
    expect(readme).toContain('`components.spire.example.enabled: true`');
  });
});

describe('spire component with every option set', () => {
  let rendered: RenderedComponent;
  let objects: Obj[];
  let spireValues: Obj;
  beforeAll(async () => {
    rendered = renderComponent(spire, CUSTOM);
    objects = await renderOwnTemplates(rendered);
    spireValues = rendered.values.spire as Obj;
  });

  it('carries the trust domain, cluster name, className and CA TTL into the values', () => {
    expect(spireValues.global.spire.trustDomain).toBe('lab.example');
    expect(spireValues.global.spire.caSubject.commonName).toBe('lab.example');
    expect(spireValues.global.spire.clusterName).toBe('pi-cluster');
    expect(spireValues['spire-server'].controllerManager.className).toBe('homelab-ids');
    expect(spireValues['spire-server'].caTTL).toBe('48h');
    expect(spireValues['spire-server'].defaultX509SvidTTL).toBe('1h');
  });

  it('lets the AppProject allow the example namespace only when the example is on', () => {
    expect(rendered.planned.otherNamespaces).toEqual(['spire-system', 'spire-example']);
  });

  it('puts the className on every ClusterSPIFFEID and the trust domain in the default one', () => {
    const ids = ofKind(objects, 'ClusterSPIFFEID');
    expect(ids.map((o) => o.metadata.name)).toEqual(['spire-default', 'web', 'db']);
    for (const id of ids) expect(id.spec.className).toBe('homelab-ids');
    expect(ids[0]?.spec.spiffeIDTemplate).toBe(
      'spiffe://lab.example/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}',
    );
  });

  it('renders the extra identities as configured (SPIRE templates passed through untouched)', () => {
    const web = ofKind(objects, 'ClusterSPIFFEID').find((o) => o.metadata.name === 'web') as Obj;
    expect(web.spec).toEqual({
      className: 'homelab-ids',
      spiffeIDTemplate: 'spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/app/web',
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] },
      dnsNameTemplates: ['web.{{ .PodMeta.Namespace }}.svc'],
      ttl: '30m',
    });
  });

  it('declares the example workload: nothing may reach it, it reaches nothing but DNS (its namespace is isolated)', () => {
    const example = rendered.planned.network.find((w) => w.name === 'example');
    expect(example).toMatchObject({ namespace: 'spire-example', egress: [] });
    expect(example?.ingress).toBeUndefined();
    const [deploy] = ofKind(objects, 'Deployment') as [Obj];
    expect(deploy.spec.template.metadata.labels).toMatchObject(example?.selector ?? { none: 'declared' });
    // The namespace exists before the policies idstack renders into it (wave 0; a Namespace goes first in its wave).
    const [ns] = ofKind(objects, 'Namespace') as [Obj];
    expect(ns.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('0');
  });

  it('runs the example: CSI Workload API volume, socket path, restricted namespace, no shell', () => {
    const [ns] = ofKind(objects, 'Namespace') as [Obj];
    expect(ns.metadata.name).toBe('spire-example');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    const [deploy] = ofKind(objects, 'Deployment') as [Obj];
    expect(deploy.metadata.namespace).toBe('spire-example');
    expect(Number(deploy.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(1);
    const pod = deploy.spec.template.spec;
    expect(pod.serviceAccountName).toBe('spire-example');
    expect(pod.volumes).toEqual([
      { name: 'spiffe-workload-api', csi: { driver: 'csi.spiffe.io', readOnly: true } },
    ]);
    const [container] = pod.containers as [Obj];
    expect(container.image).toBe(EXAMPLE_IMAGE);
    expect(container.volumeMounts).toEqual([
      { name: 'spiffe-workload-api', mountPath: '/spiffe-workload-api', readOnly: true },
    ]);
    expect(container.command).toEqual([
      '/opt/spire/bin/spire-agent',
      'api',
      'watch',
      '-socketPath',
      `/spiffe-workload-api/${workloadApi.socketFile}`,
    ]);
    expect(container.env).toContainEqual({
      name: 'SPIFFE_ENDPOINT_SOCKET',
      value: 'unix:///spiffe-workload-api/spire-agent.sock',
    });
    expect(container.command.join(' ')).not.toMatch(/\b(sh|bash)\b/);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
  });

  it('turns the OIDC discovery provider (and the chart identity it needs) on together', () => {
    const on = renderComponent(spire, { components: { spire: { oidcDiscoveryProvider: true } } });
    const v = on.values.spire as Obj;
    expect(v['spiffe-oidc-discovery-provider'].enabled).toBe(true);
    expect(
      v['spire-server'].controllerManager.identities.clusterSPIFFEIDs['oidc-discovery-provider'].enabled,
    ).toBe(true);
  });
});

describe('spire options refuse bad input, naming the key', () => {
  const render = (spireOptions: Obj, extra: Obj = {}) =>
    renderComponent(spire, { ...extra, components: { spire: spireOptions } });

  it('refuses a CA TTL not longer than the 1h SVID TTL', () => {
    expect(() => render({ caTTL: '30m' })).toThrow(/components\.spire\.caTTL: must be longer than the 1h/);
    expect(() => render({ caTTL: '1h' })).toThrow(/components\.spire\.caTTL/);
    expect(() => render({ caTTL: '90m' })).not.toThrow();
  });

  it('refuses a CA TTL that is not a duration', () => {
    expect(() => render({ caTTL: 'one day' })).toThrow(/components\.spire\.caTTL: must be a Go duration/);
  });

  it('refuses a className that is not a DNS label', () => {
    expect(() => render({ className: 'My_Class' })).toThrow(
      /components\.spire\.className: must be a DNS-1123 label/,
    );
    expect(() => render({ className: '' })).toThrow(/components\.spire\.className/);
  });

  it('refuses a trust domain that is a URL (core)', () => {
    expect(() => render({}, { spiffe: { trustDomain: 'spiffe://homelab.internal' } })).toThrow(
      /spiffe\.trustDomain: .*is a URL/,
    );
  });

  it('refuses extra identities outside the trust domain, over the CA TTL, duplicated or with unknown keys', () => {
    expect(() =>
      render({ extraIdentities: [{ name: 'x', spiffeIDTemplate: 'spiffe://other.org/x' }] }),
    ).toThrow(/components\.spire\.extraIdentities\[0\]\.spiffeIDTemplate: .*outside the trust domain/);
    expect(() =>
      render({
        extraIdentities: [{ name: 'x', spiffeIDTemplate: 'spiffe://{{ .TrustDomain }}/x', ttl: '48h' }],
      }),
    ).toThrow(/components\.spire\.extraIdentities\[0\]\.ttl: "48h" is longer than caTTL \(24h\)/);
    expect(() =>
      render({
        extraIdentities: [
          { name: 'x', spiffeIDTemplate: 'spiffe://{{ .TrustDomain }}/a' },
          { name: 'x', spiffeIDTemplate: 'spiffe://{{ .TrustDomain }}/b' },
        ],
      }),
    ).toThrow(/components\.spire\.extraIdentities\[1\]\.name: "x" is used twice/);
    expect(() =>
      render({
        extraIdentities: [{ name: 'spire-default', spiffeIDTemplate: 'spiffe://{{ .TrustDomain }}/a' }],
      }),
    ).toThrow(/components\.spire\.extraIdentities\[0\]\.name/);
    expect(() =>
      render({
        extraIdentities: [{ name: 'x', spiffeIDTemplate: 'spiffe://{{ .TrustDomain }}/a', admin: true }],
      }),
    ).toThrow(/components\.spire\.extraIdentities\[0\]\.admin: unknown key/);
    expect(() => render({ extraIdentities: [{ name: 'x', spiffeIDTemplate: '/ns/x' }] })).toThrow(
      /components\.spire\.extraIdentities\[0\]\.spiffeIDTemplate: must be a SPIFFE ID template/,
    );
  });

  it('refuses an unknown option key', () => {
    expect(() => render({ svidTTL: '4h' })).toThrow(/components\.spire\.svidTTL: unknown key/);
  });
});
