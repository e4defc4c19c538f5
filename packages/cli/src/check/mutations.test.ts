import { needsPinned, PINNED_UPSTREAM } from '@idstack/check/testing';
import type { Values } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { addTemplate, child, editYaml, expectFinding, mutantFactory, needing } from './mutants.js';

const { mutated } = mutantFactory();

// Each case renders and checks a whole stack; they run concurrently, so one case may wait on the others' helm runs.
describe.concurrent('each rule catches its defect', { timeout: 300_000 }, () => {
  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned('upstream-values: a misspelled traefik key (service.type instead of service.spec.type)'),
    async () => {
      const root = mutated((r) =>
        editYaml(r, 'charts/ingress/values.yaml', (v) => {
          child(child(v, 'traefik'), 'service').type = 'LoadBalancer';
        }),
      );
      const f = await expectFinding(root, 'upstream-values', 'traefik.service.type');
      expect(f.where).toContain('charts/ingress/values.yaml');
      expect(f.fix).toContain('traefik.service.spec.type');
    },
  );

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned('upstream-values: a value upstream schema rejects (traefik deployment.replicas as a string)'),
    async () => {
      const root = mutated((r) =>
        editYaml(r, 'charts/ingress/values.yaml', (v) => {
          child(child(v, 'traefik'), 'deployment').replicas = 'two';
        }),
      );
      await expectFinding(root, 'upstream-values', 'traefik.deployment.replicas', /values\.schema\.json/);
    },
  );

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned('resource-schemas: a custom resource field its CRD lacks'),
    async () => {
      const root = mutated((r) =>
        addTemplate(
          r,
          'ingress',
          'zz-bad-issuer.yaml',
          'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: bad-issuer\nspec:\n  selfSigned: {}\n  bogusField: 1\n',
        ),
      );
      const f = await expectFinding(root, 'resource-schemas', 'ClusterIssuer/bad-issuer', /spec\.bogusField/);
      expect(f.message).toContain('unknown key');
    },
  );

  it('resource-schemas: a built-in kind that breaks the Kubernetes schema', async () => {
    const root = mutated((r) =>
      addTemplate(
        r,
        'argocd',
        'zz-bad-service.yaml',
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: bad-service\nspec:\n  ports: "80"\n',
      ),
    );
    await expectFinding(root, 'resource-schemas', 'Service/bad-service', /spec\.ports/);
  });

  it.skipIf(!PINNED_UPSTREAM)(needsPinned('resource-schemas: a kind with no schema at all'), async () => {
    const root = mutated((r) =>
      addTemplate(
        r,
        'argocd',
        'zz-widget.yaml',
        'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n',
      ),
    );
    await expectFinding(root, 'resource-schemas', 'Widget/w', /no schema/);
  });

  it('sync-order: an Application without its sync wave', async () => {
    const app = needing().name;
    const root = mutated((r) =>
      editYaml(r, `cluster/apps/${app}.yaml`, (a) => {
        delete ((a.metadata as Values).annotations as Values)['argocd.argoproj.io/sync-wave'];
      }),
    );
    await expectFinding(root, 'sync-order', `cluster/apps/${app}.yaml`, /no sync wave/);
  });

  it('sync-order: a component whose wave does not come after what it needs', async () => {
    const app = needing().name;
    const root = mutated((r) =>
      editYaml(r, `cluster/apps/${app}.yaml`, (a) => {
        ((a.metadata as Values).annotations as Values)['argocd.argoproj.io/sync-wave'] = '-5';
      }),
    );
    await expectFinding(root, 'sync-order', `cluster/apps/${app}.yaml`, /does not come after/);
  });

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned('sync-order: a custom resource applied before its CRD exists'),
    async () => {
      // A Traefik Middleware in Argo CD's chart: Traefik's CRDs only arrive later, with the ingress app.
      const root = mutated((r) =>
        addTemplate(
          r,
          'argocd',
          'zz-early-middleware.yaml',
          [
            'apiVersion: traefik.io/v1alpha1',
            'kind: Middleware',
            'metadata:',
            '  name: too-early',
            '  annotations:',
            '    argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true',
            'spec:',
            '  headers:',
            '    stsSeconds: 60',
            '',
          ].join('\n'),
        ),
      );
      await expectFinding(root, 'sync-order', 'Middleware/too-early', /CRD/);
    },
  );

  it.skipIf(!PINNED_UPSTREAM)(needsPinned('sync-order: a namespace nothing creates'), async () => {
    const root = mutated((r) =>
      addTemplate(
        r,
        'argocd',
        'zz-elsewhere.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: elsewhere\n  namespace: nowhere\ndata:\n  a: b\n',
      ),
    );
    await expectFinding(root, 'sync-order', 'ConfigMap/elsewhere', /"nowhere"/);
  });

  it.skipIf(!PINNED_UPSTREAM)(needsPinned('drift-traps: a template using randAlphaNum'), async () => {
    const root = mutated((r) =>
      addTemplate(
        r,
        'argocd',
        'zz-random.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: random\ndata:\n  value: {{ randAlphaNum 16 | quote }}\n',
      ),
    );
    const f = await expectFinding(root, 'drift-traps', 'charts/argocd/templates/zz-random.yaml:6');
    expect(f.message).toContain('randAlphaNum');
  });

  it('drift-traps: a Helm hook in an own template', async () => {
    const root = mutated((r) =>
      addTemplate(
        r,
        'argocd',
        'zz-hook.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hooked\n  annotations:\n    helm.sh/hook: post-install\ndata:\n  a: b\n',
      ),
    );
    await expectFinding(root, 'drift-traps', 'zz-hook.yaml', /Helm hook/);
  });

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned(
      'drift-traps: an upstream value that regenerates certificates (cilium hubble.tls.auto.method: helm)',
    ),
    async () => {
      const root = mutated((r) =>
        editYaml(r, 'charts/cilium-tetragon/values.yaml', (v) => {
          const hubble = child(child(v, 'cilium'), 'hubble');
          hubble.enabled = true;
          child(child(hubble, 'tls'), 'auto').method = 'helm';
        }),
      );
      await expectFinding(root, 'drift-traps', 'cilium.hubble.tls.auto.method');
    },
  );

  it('secrets: a literal password in values.yaml', async () => {
    const root = mutated((r) =>
      editYaml(r, 'charts/argocd/values.yaml', (v) => {
        child(child(child(v, 'argo-cd'), 'configs'), 'secret').argocdServerAdminPassword =
          'hunter2-but-longer';
      }),
    );
    await expectFinding(root, 'secrets', 'argocdServerAdminPassword', /literal/);
  });

  it('secrets: a Secret with data, and a token secretlint knows', async () => {
    const root = mutated((r) => {
      addTemplate(
        r,
        'argocd',
        'zz-secret.yaml',
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: leaked\nstringData:\n  token: abc\n',
      );
      addTemplate(
        r,
        'argocd',
        'zz-token.yaml',
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  note: "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"\n',
      );
    });
    await expectFinding(root, 'secrets', 'Secret/leaked', /literal data/);
    await expectFinding(root, 'secrets', 'charts/argocd/templates/zz-token.yaml:6', /secretlint/);
  });
  it("blueprints: Netbird's OAuth2 provider with a redirect URI the dashboard never sends (a trailing slash)", async () => {
    const root = mutated((r) =>
      editYaml(r, 'charts/authentik-db/values.yaml', (v) => {
        const files = child(child(v, 'blueprints'), 'files');
        files['idstack.yaml'] = String(files['idstack.yaml']).replace('/nb-auth\n', '/nb-auth/\n');
      }),
    );
    const f = await expectFinding(
      root,
      'blueprints',
      'OAuth2 provider netbird',
      /redirect URIs differ from what netbird's client sends; missing: strict https:\/\/netbird\.\S+\/nb-auth; not sent by the client: strict https:\/\/netbird\.\S+\/nb-auth\//,
    );
    expect(f.chart).toBe('netbird');
  });

  it('blueprints: a !Find of a flow that no blueprint creates', async () => {
    const root = mutated((r) =>
      editYaml(r, 'charts/authentik-db/values.yaml', (v) => {
        const files = child(child(v, 'blueprints'), 'files');
        files['idstack.yaml'] = String(files['idstack.yaml']).replace(
          'default-provider-invalidation-flow ] ]',
          'default-provider-logout-flow ] ]',
        );
      }),
    );
    await expectFinding(
      root,
      'blueprints',
      'idstack.yaml entries[',
      /default-provider-logout-flow\]\] matches no object/,
    );
  });
});
