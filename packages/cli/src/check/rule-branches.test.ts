import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { needsPinned, PINNED_UPSTREAM } from '@idstack/check/testing';
import { helm, ownTemplatesCopy, type Values } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addTemplate, child, editYaml, expectFinding, mutantFactory, needing } from './mutants.js';

/**
 * The branches of each rule that mutations.test.ts does not reach: each test injects one defect that only that branch
 * catches, so switching the branch off (or weakening its comparison) fails here.
 */
const { mutated } = mutantFactory();

const WAVE = 'argocd.argoproj.io/sync-wave';
const annotations = (doc: Values): Values => child(child(doc, 'metadata'), 'annotations');
const waveIn = (root: string, app: string): string =>
  String(annotations(parse(readFileSync(join(root, `cluster/apps/${app}.yaml`), 'utf8')) as Values)[WAVE]);

/** A cluster-scoped CRD and a CR of it, in one template: the CR in the same resource wave as its CRD. */
const crdAndItsCr = (crWave?: number) =>
  [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  name: widgets.example.com',
    'spec:',
    '  group: example.com',
    '  scope: Cluster',
    '  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }',
    '  versions:',
    '    - { name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }',
    '---',
    'apiVersion: example.com/v1',
    'kind: Widget',
    'metadata:',
    '  name: same-wave',
    ...(crWave === undefined
      ? []
      : [
          '  annotations:',
          `    ${WAVE}: "${crWave}"`,
          '    argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true',
        ]),
    '',
  ].join('\n');

describe.concurrent('every branch of the rules catches its defect', { timeout: 300_000 }, () => {
  it('in-sync: a rendered file edited by hand', async () => {
    const root = mutated((r) =>
      writeFileSync(
        join(r, 'charts/argocd/values.yaml'),
        `${readFileSync(join(r, 'charts/argocd/values.yaml'), 'utf8')}# edited by hand\n`,
      ),
    );
    await expectFinding(root, 'in-sync', 'charts/argocd/values.yaml', /differs from what the build renders/);
  });

  it('in-sync: a rendered file deleted', async () => {
    const app = needing().name;
    const root = mutated((r) => rmSync(join(r, `cluster/apps/${app}.yaml`)));
    await expectFinding(root, 'in-sync', `cluster/apps/${app}.yaml`, /missing/);
  });

  it('sync-order: an Application in the same wave as something it needs', async () => {
    const app = needing();
    const root = mutated((r) => {
      const need = app.needs[0] as string;
      const wave = waveIn(r, need);
      editYaml(r, `cluster/apps/${app.name}.yaml`, (a) => {
        annotations(a)[WAVE] = wave;
      });
    });
    await expectFinding(root, 'sync-order', `cluster/apps/${app.name}.yaml`, /does not come after/);
  });

  it('sync-order: the AppProject not created before an Application', async () => {
    const root = mutated((r) =>
      editYaml(r, 'cluster/apps/project.yaml', (p) => {
        annotations(p)[WAVE] = '99';
      }),
    );
    await expectFinding(root, 'sync-order', 'spec.project', /is not created before the Application/);
  });

  it('sync-order: a custom resource in the same resource wave as its CRD, inside one Application', async () => {
    const root = mutated((r) => addTemplate(r, 'argocd', 'zz-widget.yaml', crdAndItsCr()));
    await expectFinding(root, 'sync-order', 'Widget/same-wave', /its CRD .* is applied in the same app/);
  });

  it('sync-order: passes the same CR once it comes a resource wave after its CRD', async () => {
    const root = mutated((r) => addTemplate(r, 'argocd', 'zz-widget.yaml', crdAndItsCr(1)));
    await expect(expectFinding(root, 'sync-order', 'Widget/same-wave')).rejects.toThrow(
      /no sync-order finding/,
    );
  });

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned(
      'sync-order: a custom resource whose CRD an earlier app brings, without SkipDryRunOnMissingResource',
    ),
    async () => {
      // A Traefik Middleware in Netbird's chart: the ingress app (earlier) brings the CRD, but a first sync's dry
      // run of the whole netbird app fails unless the CR is told to skip it.
      const root = mutated((r) =>
        addTemplate(
          r,
          needing().name,
          'zz-middleware.yaml',
          'apiVersion: traefik.io/v1alpha1\nkind: Middleware\nmetadata:\n  name: no-skip\nspec:\n  headers:\n    stsSeconds: 60\n',
        ),
      );
      await expectFinding(root, 'sync-order', 'Middleware/no-skip', /lacks SkipDryRunOnMissingResource/);
    },
  );

  it('secrets: an env var with a literal password in a rendered Deployment', async () => {
    const root = mutated((r) =>
      addTemplate(
        r,
        'argocd',
        'zz-env.yaml',
        [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata: { name: leaky }',
          'spec:',
          '  selector: { matchLabels: { app: leaky } }',
          '  template:',
          '    metadata: { labels: { app: leaky } }',
          '    spec:',
          '      containers:',
          '        - name: app',
          '          image: registry.example/leaky:1.0.0',
          '          env:',
          '            - { name: DB_PASSWORD, value: correct-horse-battery }',
          '',
        ].join('\n'),
      ),
    );
    const f = await expectFinding(root, 'secrets', 'Deployment/leaky', /env DB_PASSWORD has a literal value/);
    expect(f.message).not.toContain('correct-horse-battery');
  });

  it('secrets: a literal value under a key named token in values.yaml', async () => {
    const root = mutated((r) =>
      editYaml(r, 'charts/argocd/values.yaml', (v) => {
        child(v, 'argo-cd').token = 'tk-1234567890abcdef';
      }),
    );
    const f = await expectFinding(root, 'secrets', 'argo-cd.token', /"token" holds a literal value/);
    expect(f.message).not.toContain('1234567890abcdef');
  });

  it('secrets: a literal password inside a packaged chart in dist/charts', async () => {
    const root = mutated(() => undefined);
    // Package a copy of the argocd chart with a password added, as a release would leave it in dist/charts.
    const copy = ownTemplatesCopy(join(root, 'charts/argocd'));
    editYaml(dirname(copy), 'argocd/values.yaml', (v) => {
      v.adminPassword = 'packaged-but-still-secret';
    });
    mkdirSync(join(root, 'dist/charts'), { recursive: true });
    const packaged = await helm(['package', copy, '--destination', join(root, 'dist/charts')]);
    rmSync(dirname(copy), { recursive: true, force: true });
    expect(packaged.exitCode, packaged.stderr).toBe(0);
    await expectFinding(root, 'secrets', 'dist/charts/argocd-', /"adminPassword" holds a literal value/);
  });

  it('helm-lint: a template helm cannot render', async () => {
    const root = mutated((r) =>
      addTemplate(
        r,
        'argocd',
        'zz-broken.yaml',
        'kind: ConfigMap\ndata: {{ include "no-such-template" . }}\n',
      ),
    );
    await expectFinding(root, 'helm-lint', 'charts/argocd/templates', /helm template failed/);
    await expectFinding(root, 'helm-lint', 'charts/argocd', /helm lint --strict failed/);
  });

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned('upstream-values: a key under the umbrella global that no dependency reads'),
    async () => {
      const root = mutated((r) =>
        editYaml(r, 'charts/ingress/values.yaml', (v) => {
          child(v, 'global').notAGlobalOfAnyChart = true;
        }),
      );
      await expectFinding(root, 'upstream-values', 'global.notAGlobalOfAnyChart');
    },
  );

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned('upstream-values: a top-level key that is neither a dependency nor a knob'),
    async () => {
      const root = mutated((r) =>
        editYaml(r, 'charts/ingress/values.yaml', (v) => {
          v.strayTopLevelKey = 1;
        }),
      );
      await expectFinding(root, 'upstream-values', 'strayTopLevelKey', /neither a dependency alias/);
    },
  );
  describe('blueprints', () => {
    /** Edits the generated blueprint text inside authentik-db's values.yaml (what the ConfigMap template renders). */
    const editBlueprint = (root: string, edit: (text: string) => string) =>
      editYaml(root, 'charts/authentik-db/values.yaml', (v) => {
        const files = child(child(v, 'blueprints'), 'files');
        const before = String(files['idstack.yaml']);
        files['idstack.yaml'] = edit(before);
        expect(files['idstack.yaml']).not.toBe(before);
      });

    it('a ConfigMap the worker mounts that the Application does not render', async () => {
      const root = mutated((r) =>
        editYaml(r, 'charts/authentik-db/values.yaml', (v) => {
          (child(child(v, 'authentik'), 'blueprints').configMaps as string[]).push('forgotten-blueprints');
        }),
      );
      await expectFinding(
        root,
        'blueprints',
        'authentik.blueprints.configMaps',
        /ConfigMap forgotten-blueprints/,
      );
    });

    it('a protected host whose proxy provider is not on the embedded outpost', async () => {
      const root = mutated((r) =>
        editBlueprint(r, (t) =>
          t.replace(/providers:\n\s+- !KeyOf proxy-hubble-forward-auth\n/, 'providers: []\n'),
        ),
      );
      await expectFinding(root, 'blueprints', 'proxy provider for hubble.', /not on the embedded outpost/);
    });

    it('an !Env the worker has no variable for', async () => {
      const root = mutated((r) =>
        editYaml(r, 'charts/authentik-db/values.yaml', (v) => {
          const env = child(child(v, 'authentik'), 'global').env as Values[];
          const wired = env.find((e) => String(e.name).startsWith('IDSTACK_')) as Values;
          wired.name = 'IDSTACK_SOMETHING_ELSE';
        }),
      );
      await expectFinding(
        root,
        'blueprints',
        '.attrs.key',
        /!Env IDSTACK_NETBIRD_\S+: the Authentik worker has no such variable/,
      );
    });

    it.skipIf(!PINNED_UPSTREAM)(
      needsPinned('an entry of a model the pinned schema does not know'),
      async () => {
        const root = mutated((r) =>
          editBlueprint(r, (t) =>
            t.replace('model: authentik_core.group\n', 'model: authentik_core.groups\n'),
          ),
        );
        await expectFinding(root, 'blueprints', '.model', /unknown model authentik_core\.groups/);
      },
    );

    it('a meta-applied blueprint that is neither mounted nor built in', async () => {
      const root = mutated((r) =>
        editBlueprint(r, (t) =>
          t.replace('name: Default - Provider invalidation flow', 'name: Default - Provider logout flow'),
        ),
      );
      await expectFinding(
        root,
        'blueprints',
        'idstack.yaml entries[1]',
        /"Default - Provider logout flow", which is neither mounted/,
      );
    });
  });
});
