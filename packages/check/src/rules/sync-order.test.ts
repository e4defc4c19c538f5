import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Component } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type RuleContextInput, ruleContext, runRule } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';

const WAVE = 'argocd.argoproj.io/sync-wave';
const OPTIONS = 'argocd.argoproj.io/sync-options';
const SKIP = 'SkipDryRunOnMissingResource=true';
const FRESH = 'the sync fails on a fresh cluster';

type Obj = Record<string, unknown>;
/** YAML documents of the given objects (what one template file renders to). */
const yaml = (...objects: Obj[]) => objects.map((o) => stringify(o)).join('---\n');

/** A CustomResourceDefinition of `<group>/<kind>`. */
const crd = (kind: string, annotations: Obj = {}, scope = 'Namespaced', group = 'example.org'): Obj => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: `${kind.toLowerCase()}s.${group}`, annotations },
  spec: {
    group,
    names: { kind, plural: `${kind.toLowerCase()}s` },
    scope,
    versions: [{ name: 'v1', served: true, storage: true }],
  },
});
/** A custom resource `example.org/v1 <kind>` named `name`. */
const cr = (name: string, annotations: Obj = {}, kind = 'Widget', namespace?: string): Obj => ({
  apiVersion: 'example.org/v1',
  kind,
  metadata: { name, annotations, ...(namespace ? { namespace } : {}) },
});
const configMap = (name: string, namespace?: string): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, ...(namespace ? { namespace } : {}) },
});
const namespace = (name: string, apiVersion = 'v1'): Obj => ({
  apiVersion,
  kind: 'Namespace',
  metadata: { name },
});

const component = (name: string, extra: Partial<Component> = {}) => throwawayComponent(name, {}, extra);
const chart = (name: string, extra: Obj = {}) =>
  ({ name, repository: 'https://charts.example.org', version: '1.0.0', ...extra }) as never;

/**
 * A folder of pinned upstream data: per chart (version 1.0.0) its default values and the CRDs its `crds/` folder
 * ships.
 */
function pinned(charts: Record<string, { values?: Obj; crds?: Obj[] }>): string {
  const dir = mkdtempSync(join(tmpdir(), 'idstack-sync-order-upstream-'));
  for (const [name, data] of Object.entries(charts)) {
    const chartDir = join(dir, name, '1.0.0');
    mkdirSync(join(chartDir, 'crds'), { recursive: true });
    writeFileSync(join(chartDir, 'Chart.yaml'), stringify({ apiVersion: 'v2', name, version: '1.0.0' }));
    writeFileSync(join(chartDir, 'values.yaml'), stringify(data.values ?? {}));
    (data.crds ?? []).forEach((c, i) => {
      writeFileSync(join(chartDir, 'crds', `crd-${i}.yaml`), stringify(c));
    });
  }
  return dir;
}

/**
 * The output files of the stack as the build renders them, each edited by text replacements (every `from` must be
 * there: an edit that misses fails the test rather than testing nothing).
 */
function edited(
  input: Pick<RuleContextInput, 'components' | 'config'>,
  edits: Record<string, [from: string, to: string][]>,
): Record<string, string> {
  const { output } = ruleContext(input);
  return Object.fromEntries(
    Object.entries(edits).map(([path, replacements]) => {
      let text = output.get(path);
      if (text === undefined) throw new Error(`the build renders no ${path}`);
      for (const [from, to] of replacements) {
        if (!text.includes(from)) throw new Error(`${path} has no ${JSON.stringify(from)}:\n${text}`);
        text = text.replace(from, to);
      }
      return [path, text];
    }),
  );
}
const noCreateNamespace: [string, string] = ['      - CreateNamespace=true\n', ''];
const waveEdit = (from: number, to: string): [string, string] => [
  `${WAVE}: "${from}"`,
  to === '' ? '{}' : `${WAVE}: ${to}`,
];

async function check(input: RuleContextInput) {
  const ctx = ruleContext(input);
  return { findings: await runRule('sync-order', ctx), unverified: ctx.unverified() };
}
const findingsOf = async (input: RuleContextInput) => (await check(input)).findings;
const brief = (findings: readonly { severity: string; chart: string; where: string; message: string }[]) =>
  findings.map((f) => [f.severity, f.chart, f.where, f.message]);

describe('sync-order: Applications', () => {
  const a = component('a');
  const b = component('b', { needs: ['a'] });
  const c = component('c');

  it('passes a stack as the build renders it: needs in earlier waves, the AppProject first', async () => {
    expect(await check({ components: [a, b, c] })).toEqual({ findings: [], unverified: [] });
  });

  it('fails on an Application without a sync wave, naming the Applications it would sync with', async () => {
    // a (wave 0) and c (wave 0) sync with b; nothing in a later wave, the AppProject or the root Application does.
    const d = component('d', { needs: ['b'] });
    const components = [a, b, c, d];
    const output = edited({ components }, { 'cluster/apps/b.yaml': [waveEdit(1, '')] });
    const findings = await findingsOf({ components, output });
    expect(findings).toEqual([
      {
        severity: 'error',
        rule: 'sync-order',
        chart: 'b',
        where: `cluster/apps/b.yaml: metadata.annotations["${WAVE}"]`,
        message:
          'the Application has no sync wave: it defaults to wave 0 and syncs together with a, c, not after what it needs',
        fix: `set ${WAVE}: "1" (run \`pnpm build\`)`,
      },
      {
        severity: 'error',
        rule: 'sync-order',
        chart: 'b',
        where: `cluster/apps/b.yaml: metadata.annotations["${WAVE}"]`,
        message:
          'wave 0 does not come after a (wave 0), which it needs: Argo CD would start it before a is healthy',
        fix: 'give it a wave after 0 (run `pnpm build`)',
      },
    ]);
  });

  it('names no neighbours when none shares wave 0, and proposes the wave after the latest need', async () => {
    const alone = component('alone');
    expect(
      (
        await findingsOf({
          components: [alone],
          output: edited({ components: [alone] }, { 'cluster/apps/alone.yaml': [waveEdit(0, '')] }),
        })
      ).map((f) => [f.message, f.fix]),
    ).toEqual([
      [
        'the Application has no sync wave: it defaults to wave 0, not after what it needs',
        `set ${WAVE}: "0" (run \`pnpm build\`)`,
      ],
    ]);
    // b needs a (edited to wave 3) and c (no wave: 0): the next wave after both is 4.
    const b2 = component('b', { needs: ['a', 'c'] });
    const components = [a, b2, c];
    const output = edited(
      { components },
      { 'cluster/apps/a.yaml': [waveEdit(0, '"3"')], 'cluster/apps/b.yaml': [waveEdit(1, '')] },
    );
    const [first] = await findingsOf({ components, output: { ...output, 'cluster/apps/c.yaml': undefined } });
    expect(first?.fix).toBe(`set ${WAVE}: "4" (run \`pnpm build\`)`);
  });

  it.each([
    ['a word', '"soon"', 'the sync wave "soon" is not an integer'],
    ['a fraction', '"1.5"', 'the sync wave "1.5" is not an integer'],
    ['digits then a word', '"1a"', 'the sync wave "1a" is not an integer'],
    ['a word then digits', '"a1"', 'the sync wave "a1" is not an integer'],
    ['a YAML number (not a string)', '1', 'the sync wave 1 is not an integer'],
  ])('fails on a sync wave that is %s', async (_, wave, message) => {
    const output = edited({ components: [a, b] }, { 'cluster/apps/b.yaml': [waveEdit(1, wave)] });
    const findings = await findingsOf({ components: [a, b], output });
    expect(findings[0]?.message).toBe(message);
    expect(findings[0]?.where).toBe(`cluster/apps/b.yaml: metadata.annotations["${WAVE}"]`);
  });

  it('reads a wave with spaces around it and a negative wave as integers', async () => {
    const output = edited(
      { components: [a, b] },
      {
        'cluster/apps/b.yaml': [waveEdit(1, '" 12 "')],
        'cluster/apps/project.yaml': [[`${WAVE}: "-1"`, `${WAVE}: "-10"`]],
      },
    );
    expect(await findingsOf({ components: [a, b], output })).toEqual([]);
  });

  it('fails on an Application in the same wave as something it needs, or before it', async () => {
    for (const [wave, message] of [
      [
        '"0"',
        'wave 0 does not come after a (wave 0), which it needs: Argo CD would start it before a is healthy',
      ],
      [
        '"-2"',
        'wave -2 does not come after a (wave 0), which it needs: Argo CD would start it before a is healthy',
      ],
    ] as const) {
      const output = edited(
        { components: [a, b] },
        {
          'cluster/apps/b.yaml': [waveEdit(1, wave)],
          // The AppProject stays before both.
          'cluster/apps/project.yaml': [[`${WAVE}: "-1"`, `${WAVE}: "-5"`]],
        },
      );
      expect(brief(await findingsOf({ components: [a, b], output }))).toEqual([
        ['error', 'b', `cluster/apps/b.yaml: metadata.annotations["${WAVE}"]`, message],
      ]);
    }
  });

  it('fails when something an Application needs has no Application', async () => {
    const findings = await findingsOf({ components: [a, b], output: { 'cluster/apps/a.yaml': undefined } });
    expect(findings).toEqual([
      {
        severity: 'error',
        rule: 'sync-order',
        chart: 'b',
        where: 'cluster/apps/b.yaml',
        message: 'needs a, but cluster/apps has no Application for it',
        fix: 'enable it, or run `pnpm build`',
      },
    ]);
  });

  it('fails on a project that cluster/apps/project.yaml does not hold (not even the root AppProject)', async () => {
    for (const project of ['other', 'idstack-root']) {
      const output = edited(
        { components: [a] },
        { 'cluster/apps/a.yaml': [['project: idstack', `project: ${project}`]] },
      );
      expect(await findingsOf({ components: [a], output })).toEqual([
        {
          severity: 'error',
          rule: 'sync-order',
          chart: 'a',
          where: 'cluster/apps/a.yaml: spec.project',
          message: `AppProject "${project}" is not in cluster/apps`,
          fix: 'run `pnpm build`',
        },
      ]);
    }
  });

  it('counts only AppProjects of project.yaml as projects', async () => {
    const output = edited(
      { components: [a] },
      {
        'cluster/apps/a.yaml': [['project: idstack', 'project: other']],
        'cluster/apps/project.yaml': [
          ['apiVersion:', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n---\napiVersion:`],
        ],
      },
    );
    expect((await findingsOf({ components: [a], output })).map((f) => f.message)).toEqual([
      'AppProject "other" is not in cluster/apps',
    ]);
  });

  it('reads an AppProject or Application without metadata without failing', async () => {
    const output = {
      ...edited(
        { components: [a] },
        { 'cluster/apps/project.yaml': [['apiVersion:', 'kind: AppProject\n---\napiVersion:']] },
      ),
      'cluster/apps/odd.yaml': 'kind: Application\n',
    };
    expect(await findingsOf({ components: [a], output })).toEqual([]);
  });

  it('accepts the default project, also when spec.project is left out', async () => {
    for (const to of ['project: default', '']) {
      const output = edited({ components: [a] }, { 'cluster/apps/a.yaml': [['project: idstack', to]] });
      expect(await findingsOf({ components: [a], output })).toEqual([]);
    }
  });

  it('fails when the AppProject is not created before an Application using it', async () => {
    const output = edited(
      { components: [a, b] },
      { 'cluster/apps/project.yaml': [[`${WAVE}: "-1"`, `${WAVE}: "0"`]] },
    );
    expect(await findingsOf({ components: [a, b], output })).toEqual([
      {
        severity: 'error',
        rule: 'sync-order',
        chart: 'a',
        where: 'cluster/apps/a.yaml: spec.project',
        message: 'AppProject "idstack" (wave 0) is not created before the Application (wave 0)',
        fix: 'give the AppProject a lower wave',
      },
    ]);
  });

  it('takes an AppProject without a wave as wave 0', async () => {
    const output = edited({ components: [a, b] }, { 'cluster/apps/project.yaml': [waveEdit(-1, '')] });
    expect((await findingsOf({ components: [a, b], output })).map((f) => f.message)).toEqual([
      'AppProject "idstack" (wave 0) is not created before the Application (wave 0)',
    ]);
  });

  it('reads an Application without annotations as having no wave, and an AppProject as no neighbour', async () => {
    const output = edited(
      { components: [a, c] },
      {
        'cluster/apps/c.yaml': [[`  annotations:\n    ${WAVE}: "0"\n`, '']],
        'cluster/apps/project.yaml': [[`  annotations:\n    ${WAVE}: "-1"\n`, '']],
      },
    );
    expect((await findingsOf({ components: [a, c], output })).map((f) => [f.chart, f.message])).toEqual([
      ['a', 'AppProject "idstack" (wave 0) is not created before the Application (wave 0)'],
      [
        'c',
        'the Application has no sync wave: it defaults to wave 0 and syncs together with a, not after what it needs',
      ],
      ['c', 'AppProject "idstack" (wave 0) is not created before the Application (wave 0)'],
    ]);
  });
});

describe('sync-order: custom resources after their CRDs', () => {
  it('fails on a CR in the same wave as its CRD inside one app, and passes it one wave later', async () => {
    const app = component('app');
    const objects = (crAnnotations: Obj) => ({
      app: {
        'templates/crd.yaml': yaml(crd('Widget')),
        'templates/widget.yaml': yaml(cr('w', crAnnotations)),
      },
    });
    expect(await findingsOf({ components: [app], objects: objects({}) })).toEqual([
      {
        severity: 'error',
        rule: 'sync-order',
        chart: 'app',
        where: 'charts/app/templates/widget.yaml: Widget/w',
        message:
          'applied in phase Sync, wave 0, but its CRD (charts/app/templates/crd.yaml) is applied in the same app at phase Sync, wave 0: the CR can reach the API server before the CRD is established',
        fix: `annotate it ${WAVE}: "1" (after the CRD) and ${OPTIONS}: ${SKIP}`,
      },
    ]);
    expect(await findingsOf({ components: [app], objects: objects({ [WAVE]: '1' }) })).toEqual([]);
  });

  /** Where Argo CD applies a CR (phase, wave) as the rule says it, with its CRD applied at PostSync, wave 10. */
  it.each([
    ['no annotations', {}, 'phase Sync, wave 0'],
    ['a sync wave', { [WAVE]: '7' }, 'phase Sync, wave 7'],
    ['a sync wave that is not a number', { [WAVE]: 'x' }, 'phase Sync, wave 0'],
    ['an Argo CD PreSync hook', { 'argocd.argoproj.io/hook': 'PreSync' }, 'phase PreSync, wave 0'],
    [
      'an Argo CD hook list, first wins',
      { 'argocd.argoproj.io/hook': 'Sync,PostSync' },
      'phase Sync, wave 0',
    ],
    [
      'an Argo CD hook with spaces',
      { 'argocd.argoproj.io/hook': ' PostSync , Sync' },
      'phase PostSync, wave 0',
    ],
    ['an Argo CD hook of no phase', { 'argocd.argoproj.io/hook': 'SyncFail' }, 'phase PreSync, wave 0'],
    ['a Helm pre-install hook', { 'helm.sh/hook': 'pre-install' }, 'phase PreSync, wave 0'],
    ['a Helm post-install hook', { 'helm.sh/hook': 'post-install' }, 'phase PostSync, wave 0'],
    ['a Helm hook list', { 'helm.sh/hook': 'test, post-upgrade' }, 'phase PostSync, wave 0'],
    ['a Helm test hook', { 'helm.sh/hook': 'test' }, 'phase Sync, wave 0'],
    [
      'an Argo CD hook over a Helm hook',
      { 'argocd.argoproj.io/hook': 'PreSync', 'helm.sh/hook': 'post-install' },
      'phase PreSync, wave 0',
    ],
    [
      'a Helm hook weight',
      { 'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': '-3' },
      'phase PreSync, wave -3',
    ],
    [
      'a sync wave over a Helm hook weight',
      { 'helm.sh/hook': 'post-install', 'helm.sh/hook-weight': '-3', [WAVE]: '4' },
      'phase PostSync, wave 4',
    ],
    ['a Helm hook weight without a Helm hook', { 'helm.sh/hook-weight': '5' }, 'phase Sync, wave 0'],
  ])('places a CR with %s at %s', async (_, annotations, where) => {
    const app = component('app');
    const late = { 'argocd.argoproj.io/hook': 'PostSync', [WAVE]: '10' };
    const findings = await findingsOf({
      components: [app],
      objects: {
        app: {
          'templates/crd.yaml': yaml(crd('Widget', late)),
          'templates/w.yaml': yaml(cr('w', annotations)),
        },
      },
    });
    expect(findings.map((f) => [f.message, f.fix])).toEqual([
      [
        `applied in ${where}, but its CRD (charts/app/templates/crd.yaml) is applied in the same app at phase PostSync, wave 10: the CR can reach the API server before the CRD is established`,
        `annotate it ${WAVE}: "11" (after the CRD) and ${OPTIONS}: ${SKIP}`,
      ],
    ]);
  });

  it.each([
    ['a later wave, same phase', {}, { [WAVE]: '1' }, true],
    ['the same wave and phase', { [WAVE]: '3' }, { [WAVE]: '3' }, false],
    ['an earlier wave', { [WAVE]: '3' }, { [WAVE]: '2' }, false],
    [
      'a later phase, earlier wave',
      { [WAVE]: '3' },
      { 'argocd.argoproj.io/hook': 'PostSync', [WAVE]: '-5' },
      true,
    ],
    [
      'an earlier phase, later wave',
      { [WAVE]: '3' },
      { 'argocd.argoproj.io/hook': 'PreSync', [WAVE]: '9' },
      false,
    ],
    ['a CRD in a PreSync hook', { 'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': '5' }, {}, true],
  ])('orders a CR after its CRD in the same app: %s', async (_, crdAnnotations, crAnnotations, after) => {
    const app = component('app');
    const findings = await findingsOf({
      components: [app],
      objects: {
        app: {
          'templates/crd.yaml': yaml(crd('Widget', crdAnnotations)),
          'templates/w.yaml': yaml(cr('w', crAnnotations)),
        },
      },
    });
    expect(findings.length).toBe(after ? 0 : 1);
  });

  describe('a CRD from another Application', () => {
    const operator = component('operator');
    const crdOf = { operator: { 'templates/crd.yaml': yaml(crd('Widget')) } };
    const user = (extra: Partial<Component> = {}) => component('user', { needs: ['operator'], ...extra });

    it('fails on a CR without metadata or annotations too', async () => {
      const bare = { apiVersion: 'example.org/v1', kind: 'Widget' };
      const plain = { apiVersion: 'example.org/v1', kind: 'Widget', metadata: { name: 'p' } };
      const findings = await findingsOf({
        components: [operator, user()],
        objects: { ...crdOf, user: { 'templates/w.yaml': yaml(bare, plain) } },
      });
      expect(findings.map((f) => f.where)).toEqual([
        'charts/user/templates/w.yaml: Widget/?',
        'charts/user/templates/w.yaml: Widget/p',
      ]);
    });

    it('fails on a CR missing SkipDryRunOnMissingResource', async () => {
      const findings = await findingsOf({
        components: [operator, user()],
        objects: { ...crdOf, user: { 'templates/w.yaml': yaml(cr('w')) } },
      });
      expect(findings).toEqual([
        {
          severity: 'error',
          rule: 'sync-order',
          chart: 'user',
          where: 'charts/user/templates/w.yaml: Widget/w',
          message: `its CRD comes from an earlier app (operator) but the CR lacks ${SKIP}: the dry run of a first sync can fail before that CRD exists`,
          fix: `annotate it ${OPTIONS}: ${SKIP}`,
        },
      ]);
    });

    it.each([
      ['on the CR', {}, { [OPTIONS]: SKIP }],
      ['among other options on the CR', {}, { [OPTIONS]: `ServerSideApply=true,${SKIP}` }],
      ['on the Application', { argocd: { syncOptions: [SKIP] } }, {}],
    ])('passes with SkipDryRunOnMissingResource %s', async (_, extra, annotations) => {
      const findings = await findingsOf({
        components: [operator, user(extra as Partial<Component>)],
        objects: { ...crdOf, user: { 'templates/w.yaml': yaml(cr('w', annotations)) } },
      });
      expect(findings).toEqual([]);
    });

    it('fails on a CR whose CRD comes with an app in the same wave or later, naming each', async () => {
      const other = component('other', { needs: ['user'] });
      const loose = component('user');
      const findings = await findingsOf({
        components: [operator, loose, other],
        objects: {
          ...crdOf,
          other: { 'templates/crd.yaml': yaml(crd('Widget')) },
          user: { 'templates/w.yaml': yaml(cr('w', { [OPTIONS]: SKIP })) },
        },
      });
      expect(findings).toEqual([
        {
          severity: 'error',
          rule: 'sync-order',
          chart: 'user',
          where: 'charts/user/templates/w.yaml: Widget/w',
          message: `its CRD example.org/Widget only arrives with operator (wave 0, charts/operator/templates/crd.yaml), other (wave 1, charts/other/templates/crd.yaml), not before this app (wave 0): ${FRESH}`,
          fix: 'make user need the component that ships the CRD',
        },
      ]);
    });

    it('names every earlier app a CRD comes from', async () => {
      const second = component('second');
      const findings = await findingsOf({
        components: [operator, second, component('user', { needs: ['operator', 'second'] })],
        objects: {
          ...crdOf,
          second: { 'templates/crd.yaml': yaml(crd('Widget')) },
          user: { 'templates/w.yaml': yaml(cr('w')) },
        },
      });
      expect(findings.map((f) => f.message)).toEqual([
        `its CRD comes from an earlier app (operator, second) but the CR lacks ${SKIP}: the dry run of a first sync can fail before that CRD exists`,
      ]);
    });

    it('takes a CRD provider without an Application as wave 0', async () => {
      const installer = component('operator', { charts: [chart('widgets')] });
      const findings = await findingsOf({
        components: [installer, user()],
        output: { 'cluster/apps/operator.yaml': undefined },
        objects: { user: { 'templates/w.yaml': yaml(cr('w', { [OPTIONS]: SKIP })) } },
        upstreamDir: pinned({ widgets: { crds: [crd('Widget')] } }),
      });
      expect(findings.map((f) => f.message)).toEqual([
        'needs operator, but cluster/apps has no Application for it',
      ]);
    });

    it('names only the earlier apps a CRD comes from', async () => {
      const other = component('other', { needs: ['user'] });
      const findings = await findingsOf({
        components: [operator, user(), other],
        objects: {
          ...crdOf,
          other: { 'templates/crd.yaml': yaml(crd('Widget')) },
          user: { 'templates/w.yaml': yaml(cr('w')) },
        },
      });
      expect(findings.map((f) => f.message)).toEqual([
        `its CRD comes from an earlier app (operator) but the CR lacks ${SKIP}: the dry run of a first sync can fail before that CRD exists`,
      ]);
    });
  });

  it('leaves built-in kinds and objects without a kind alone', async () => {
    const app = component('app');
    const objects = {
      app: {
        'templates/x.yaml': yaml(
          configMap('c'),
          { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } },
          { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' } },
          { apiVersion: 'example.org/v1', metadata: { name: 'kindless' } },
        ),
      },
    };
    expect(await check({ components: [app], objects, upstreamDir: pinned({}) })).toEqual({
      findings: [],
      unverified: [],
    });
  });

  it('says it could not verify a CR whose CRD nothing known ships, without pinned upstream data', async () => {
    const app = component('app');
    expect(
      await check({ components: [app], objects: { app: { 'templates/w.yaml': yaml(cr('w')) } } }),
    ).toEqual({
      findings: [],
      unverified: [
        'sync-order: which Application installs the CRD of example.org/Widget (used by charts/app/templates/w.yaml: Widget/w): not in the render, no pinned upstream data',
      ],
    });
  });

  it('fails on a CR whose CRD nothing ships, with pinned upstream data', async () => {
    const app = component('app');
    expect(
      await findingsOf({
        components: [app],
        objects: { app: { 'templates/w.yaml': yaml(cr('w')) } },
        upstreamDir: pinned({}),
      }),
    ).toEqual([
      {
        severity: 'error',
        rule: 'sync-order',
        chart: 'app',
        where: 'charts/app/templates/w.yaml: Widget/w',
        message: `no Application of the stack installs the CRD of example.org/Widget: ${FRESH}`,
        fix: 'ship the CRD with a component this one needs (enable the upstream switch that renders it)',
      },
    ]);
  });

  it('fails on a CR whose CRD only a leftover Application renders, also without pinned data', async () => {
    const app = component('app');
    const ghost = component('ghost');
    const { output } = ruleContext({ components: [app, ghost] });
    const findings = await findingsOf({
      components: [app],
      output: { 'cluster/apps/ghost.yaml': output.get('cluster/apps/ghost.yaml') },
      objects: {
        app: { 'templates/w.yaml': yaml(cr('w')) },
        ghost: { 'templates/crd.yaml': yaml(crd('Widget')) },
      },
    });
    expect(findings.map((f) => f.message)).toEqual([
      `no Application of the stack installs the CRD of example.org/Widget: ${FRESH}`,
    ]);
  });

  it('names the chart that ships a pinned CRD when no enabled component installs that chart', async () => {
    const app = component('app');
    const upstreamDir = pinned({ widgets: { crds: [crd('Widget')] } });
    const findings = await findingsOf({
      components: [app],
      objects: { app: { 'templates/w.yaml': yaml(cr('w')) } },
      upstreamDir,
    });
    expect(findings.map((f) => f.message)).toEqual([
      `no Application of the stack installs the CRD of example.org/Widget (it comes with widgets, which no enabled component installs): ${FRESH}`,
    ]);
  });

  /** An operator component installing upstream chart `name` with `values`; a user (after it) with a CR of its CRD. */
  const upstreamCrd = (name: string, defaults: Obj, values: Obj, extra: Obj = {}) => ({
    components: [
      component('operator', { charts: [chart(name, extra)], values: () => values }),
      component('user', { needs: ['operator'] }),
    ],
    objects: { user: { 'templates/w.yaml': yaml(cr('w', { [OPTIONS]: SKIP })) } },
    upstreamDir: pinned({ [name]: { values: defaults, crds: [crd('Widget')] } }),
  });
  const off = (how: string) =>
    `no Application of the stack installs the CRD of example.org/Widget (${how}): ${FRESH}`;

  it.each([
    ['cert-manager', { crds: { enabled: false } }, { 'cert-manager': { crds: { enabled: true } } }, true],
    ['cert-manager', { installCRDs: true }, {}, true],
    ['cert-manager', { crds: { enabled: false } }, {}, false],
    ['cert-manager', { crds: { enabled: 'true' } }, {}, false],
    [
      'tetragon',
      { crds: { installMethod: 'operator' } },
      { tetragon: { crds: { installMethod: 'helm' } } },
      true,
    ],
    ['tetragon', { crds: { installMethod: 'operator' } }, {}, false],
    ['argo-cd', {}, {}, true],
    ['argo-cd', { crds: { install: true } }, { 'argo-cd': { crds: { install: false } } }, false],
    ['cloudnative-pg', {}, {}, true],
    ['cloudnative-pg', {}, { 'cloudnative-pg': { crds: { create: false } } }, false],
    ['widgets', {}, {}, true],
  ])('%s with defaults %j and values %j installs its CRDs: %s', async (name, defaults, values, installs) => {
    const how: Record<string, string> = {
      'cert-manager': 'crds.enabled: true',
      tetragon: 'crds.installMethod: helm',
      'argo-cd': 'crds.install: true',
      'cloudnative-pg': 'crds.create: true',
    };
    const findings = await findingsOf(upstreamCrd(name, defaults, values));
    expect(findings.map((f) => f.message)).toEqual(
      installs
        ? []
        : [off(`${name} ships it only with ${how[name]} under its alias in charts/operator/values.yaml`)],
    );
  });

  it('names the upstream chart a CRD comes with, and the app that installs it', async () => {
    const input = upstreamCrd('widgets', {}, {});
    const bare = { 'templates/w.yaml': yaml(cr('w')) };
    expect((await findingsOf({ ...input, objects: { user: bare } })).map((f) => f.message)).toEqual([
      `its CRD comes from an earlier app (operator) but the CR lacks ${SKIP}: the dry run of a first sync can fail before that CRD exists`,
    ]);
    const [operator] = input.components;
    const loose = component('user');
    expect(
      (await findingsOf({ ...input, components: [operator as Component, loose] })).map((f) => f.message),
    ).toEqual([
      `its CRD example.org/Widget only arrives with operator (wave 0, widgets 1.0.0), not before this app (wave 0): ${FRESH}`,
    ]);
  });

  it("takes the upstream defaults when the chart's values.yaml is missing", async () => {
    const input = upstreamCrd('argo-cd', {}, {});
    const { output } = ruleContext(input);
    expect(output.has('charts/operator/values.yaml')).toBe(true);
    expect(await findingsOf({ ...input, output: { 'charts/operator/values.yaml': undefined } })).toEqual([]);
  });

  it('reads a chart under its alias, and skips one its condition switches off', async () => {
    const on = upstreamCrd('cert-manager', {}, { certs: { crds: { enabled: true } } }, { alias: 'certs' });
    expect(await findingsOf(on)).toEqual([]);
    const disabled = upstreamCrd(
      'widgets',
      {},
      { widgets: { enabled: false } },
      { condition: 'widgets.enabled' },
    );
    expect((await findingsOf(disabled)).map((f) => f.message)).toEqual([
      `no Application of the stack installs the CRD of example.org/Widget: ${FRESH}`,
    ]);
    const enabled = upstreamCrd(
      'widgets',
      {},
      { widgets: { enabled: true } },
      { condition: 'widgets.enabled' },
    );
    expect(await findingsOf(enabled)).toEqual([]);
  });

  it('ignores a pinned chart without CRDs, and a chart that is not pinned', async () => {
    const input = upstreamCrd('widgets', {}, {});
    const upstreamDir = pinned({ widgets: {} });
    expect((await findingsOf({ ...input, upstreamDir })).map((f) => f.message)).toEqual([
      `no Application of the stack installs the CRD of example.org/Widget: ${FRESH}`,
    ]);
    const unpinned = pinned({ gadgets: { crds: [crd('Widget')] } });
    expect((await findingsOf({ ...input, upstreamDir: unpinned })).map((f) => f.message)).toEqual([
      `no Application of the stack installs the CRD of example.org/Widget (it comes with gadgets, which no enabled component installs): ${FRESH}`,
    ]);
  });

  it('skips components whose Application is missing (in-sync reports it)', async () => {
    const app = component('app');
    expect(
      await findingsOf({
        components: [app],
        output: { 'cluster/apps/app.yaml': undefined },
        objects: { app: { 'templates/w.yaml': yaml(cr('w'), configMap('c', 'nowhere')) } },
        upstreamDir: pinned({}),
      }),
    ).toEqual([]);
  });
});

describe('sync-order: namespaces', () => {
  const a = component('a');

  it('fails on an Application deploying into a namespace nothing creates', async () => {
    const output = edited({ components: [a] }, { 'cluster/apps/a.yaml': [noCreateNamespace] });
    expect(await findingsOf({ components: [a], output })).toEqual([
      {
        severity: 'error',
        rule: 'sync-order',
        chart: 'a',
        where: 'cluster/apps/a.yaml: spec.destination.namespace',
        message: 'deploys into namespace "a", which nothing in the stack creates',
        fix: 'render a v1 Namespace "a" in this chart\'s templates, or deploy into a namespace that exists',
      },
    ]);
  });

  it('offline without pinned data, still fails on a namespace created only later', async () => {
    const later = component('later', { needs: ['a'] });
    const findings = await findingsOf({
      components: [a, later],
      objects: { a: { 'templates/cm.yaml': yaml(configMap('c', 'later')) } },
      renderMode: 'own',
    });
    expect(findings.map((f) => f.message)).toEqual([
      'is created in namespace "later", which is only created later by later (wave 1)',
    ]);
  });

  it.each<[string, Obj, string | undefined]>([
    ['a wave before the Namespace', { [WAVE]: '1' }, 'phase Sync, wave 1'],
    ["in the Namespace's wave (a Namespace is applied first)", { [WAVE]: '2' }, undefined],
    ['a wave after it', { [WAVE]: '3' }, undefined],
    [
      "as a PreSync hook in the Namespace's wave",
      { [WAVE]: '2', 'argocd.argoproj.io/hook': 'PreSync' },
      'phase PreSync, wave 2',
    ],
  ])('judges an object in a namespace its own app renders, applied %s', async (_, annotations, at) => {
    const ns = { ...namespace('own'), metadata: { name: 'own', annotations: { [WAVE]: '2' } } };
    const cm = { ...configMap('c', 'own'), metadata: { name: 'c', namespace: 'own', annotations } };
    const findings = await findingsOf({
      components: [a],
      objects: { a: { 'templates/ns.yaml': yaml(ns), 'templates/cm.yaml': yaml(cm) } },
    });
    expect(findings).toEqual(
      at
        ? [
            {
              severity: 'error',
              rule: 'sync-order',
              chart: 'a',
              where: 'charts/a/templates/cm.yaml: ConfigMap/c',
              message: `is created in namespace "own" in ${at}, but a renders that Namespace only in phase Sync, wave 2: Argo CD applies the object first and the sync fails (namespace not found)`,
              fix: `annotate the Namespace "own" ${WAVE}: "${at.split(' ').at(-1)}" or lower (within one wave a Namespace is applied first)`,
            },
          ]
        : [],
    );
  });

  it('reads a Namespace without metadata without failing', async () => {
    const findings = await findingsOf({
      components: [a],
      objects: { a: { 'templates/ns.yaml': yaml({ apiVersion: 'v1', kind: 'Namespace' }) } },
    });
    expect(findings).toEqual([]);
  });

  it('offline without pinned data, says it could not verify instead', async () => {
    const output = edited({ components: [a] }, { 'cluster/apps/a.yaml': [noCreateNamespace] });
    expect(await check({ components: [a], output, renderMode: 'own' })).toEqual({
      findings: [],
      unverified: [
        'sync-order: that something creates namespace "a" before a uses it (offline, no pinned upstream data)',
      ],
    });
    expect(
      (await findingsOf({ components: [a], output, renderMode: 'own', upstreamDir: pinned({}) })).length,
    ).toBe(1);
  });

  it.each([
    ['a Namespace the Application renders itself', [], { a: { 'templates/ns.yaml': yaml(namespace('a')) } }],
    ['kube-system', [['    namespace: a\n', '    namespace: kube-system\n']], {}],
    ['argocd', [['    namespace: a\n', '    namespace: argocd\n']], {}],
    ['no namespace (default)', [['    namespace: a\n', '']], {}],
  ] as [string, [string, string][], RuleContextInput['objects']][])(
    'accepts an Application deploying into %s without CreateNamespace',
    async (_, edits, objects) => {
      const output = edited({ components: [a] }, { 'cluster/apps/a.yaml': [noCreateNamespace, ...edits] });
      expect(await findingsOf({ components: [a], output, objects })).toEqual([]);
    },
  );

  it('reads an Application without syncOptions as creating nothing', async () => {
    const output = edited(
      { components: [a] },
      {
        'cluster/apps/a.yaml': [
          ['    syncOptions:\n      - CreateNamespace=true\n      - PruneLast=true\n', ''],
        ],
      },
    );
    expect((await findingsOf({ components: [a], output })).map((f) => f.message)).toEqual([
      'deploys into namespace "a", which nothing in the stack creates',
    ]);
  });

  it('fails on an object in a namespace only a later Application creates, or one in the same wave', async () => {
    const later = component('later', { needs: ['a'] });
    const sameWave = component('same');
    for (const creator of [later, sameWave]) {
      const findings = await findingsOf({
        components: [a, creator],
        objects: { a: { 'templates/cm.yaml': yaml(configMap('c', creator.name)) } },
      });
      expect(findings).toEqual([
        {
          severity: 'error',
          rule: 'sync-order',
          chart: 'a',
          where: 'charts/a/templates/cm.yaml: ConfigMap/c',
          message: `is created in namespace "${creator.name}", which is only created later by ${creator.name} (wave ${creator === later ? 1 : 0})`,
          fix: `render a v1 Namespace "${creator.name}" in this chart's templates, or deploy into a namespace that exists`,
        },
      ]);
    }
  });

  it('names every later Application that creates the namespace', async () => {
    const x = component('x', { needs: ['a'] });
    const y = component('y', { needs: ['a'] });
    const findings = await findingsOf({
      components: [a, x, y],
      objects: {
        a: { 'templates/cm.yaml': yaml(configMap('c', 'shared')) },
        x: { 'templates/ns.yaml': yaml(namespace('shared')) },
        y: { 'templates/ns.yaml': yaml(namespace('shared')) },
      },
    });
    expect(findings.map((f) => f.message)).toEqual([
      'is created in namespace "shared", which is only created later by x (wave 1), y (wave 1)',
    ]);
  });

  it('accepts an object in a namespace an earlier Application creates (CreateNamespace or a Namespace object)', async () => {
    const byObject = component('creator');
    const user = component('user', { needs: ['a', 'creator'] });
    const findings = await findingsOf({
      components: [a, byObject, user],
      objects: {
        creator: { 'templates/ns.yaml': yaml(namespace('shared')) },
        user: {
          'templates/cm.yaml': yaml(configMap('c', 'a'), configMap('d', 'shared'), configMap('e'), {
            apiVersion: 'v1',
            kind: 'ConfigMap',
          }),
        },
      },
    });
    expect(findings).toEqual([]);
  });

  it('counts only v1 Namespaces as created, and only namespaced objects as users', async () => {
    const creator = component('creator');
    const user = component('user', { needs: ['creator'] });
    const findings = await findingsOf({
      components: [creator, user],
      objects: {
        creator: {
          'templates/crd.yaml': yaml(crd('Namespace', {}, 'Cluster')),
          'templates/ns.yaml': yaml(
            {
              ...namespace('shared', 'example.org/v1'),
              metadata: { name: 'shared', annotations: { [WAVE]: '1' } },
            },
            configMap('shared', 'creator'),
          ),
        },
        user: {
          'templates/x.yaml': yaml(configMap('c', 'shared'), {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRole',
            metadata: { name: 'r', namespace: 'nowhere' },
          }),
        },
      },
    });
    expect(brief(findings)).toEqual([
      [
        'error',
        'user',
        'charts/user/templates/x.yaml: ConfigMap/c',
        'is created in namespace "shared", which nothing in the stack creates',
      ],
    ]);
  });

  it('judges custom resources by their CRD scope', async () => {
    const app = component('app');
    const objects = {
      app: {
        'templates/crd.yaml': yaml(crd('Widget'), crd('Gadget', {}, 'Cluster')),
        'templates/w.yaml': yaml(
          cr('w', { [WAVE]: '1' }, 'Widget', 'nowhere'),
          cr('g', { [WAVE]: '1' }, 'Gadget', 'nowhere'),
        ),
      },
    };
    expect(brief(await findingsOf({ components: [app], objects }))).toEqual([
      [
        'error',
        'app',
        'charts/app/templates/w.yaml: Widget/w',
        'is created in namespace "nowhere", which nothing in the stack creates',
      ],
    ]);
  });

  it('fails on a declared other namespace nothing creates', async () => {
    const other = component('other', { otherNamespaces: ['extra'] } as Partial<Component>);
    expect(await findingsOf({ components: [other] })).toEqual([
      {
        severity: 'error',
        rule: 'sync-order',
        chart: 'other',
        where: 'component other: otherNamespaces',
        message: 'declares (otherNamespaces) namespace "extra", which nothing in the stack creates',
        fix: 'render a v1 Namespace "extra" in this chart\'s templates, or deploy into a namespace that exists',
      },
    ]);
  });

  it("only warns about the operator's own namespaces (externalNamespaces)", async () => {
    const app = component('app', { externalNamespaces: () => ['mine'] } as Partial<Component>);
    expect(
      await findingsOf({
        components: [app],
        objects: { app: { 'templates/cm.yaml': yaml(configMap('c', 'mine')) } },
      }),
    ).toEqual([
      {
        severity: 'warning',
        rule: 'sync-order',
        chart: 'app',
        where: 'charts/app/templates/cm.yaml: ConfigMap/c',
        message:
          'is created in namespace "mine", one of your own namespaces (externalNamespaces): it must exist before app syncs',
        fix: 'create namespace "mine" (your workloads live there), or drop it from the component\'s options',
      },
    ]);
  });

  describe('namespaces upstream charts create', () => {
    /** A `net` component installing upstream chart `name` (defaults pinned), and an app after it using `ns`. */
    const run = (name: string, defaults: Obj, values: Obj, ns: string[], extra: Obj = {}) =>
      findingsOf({
        components: [
          component('net', { charts: [chart(name, extra)], values: () => values }),
          component('app', { needs: ['net'] }),
        ],
        objects: { app: { 'templates/cm.yaml': yaml(...ns.map((n, i) => configMap(`c${i}`, n))) } },
        upstreamDir: pinned({ [name]: { values: defaults } }),
      }).then((findings) => findings.map((f) => f.message));
    const nothing = (ns: string) => `is created in namespace "${ns}", which nothing in the stack creates`;
    const secretsNs = { tls: { secretsNamespace: { create: true, name: 'cilium-secrets' } } };

    it('cilium creates its secrets namespace when told to', async () => {
      expect(await run('cilium', secretsNs, {}, ['cilium-secrets'])).toEqual([]);
      expect(
        await run('cilium', secretsNs, { cilium: { tls: { secretsNamespace: { create: false } } } }, [
          'cilium-secrets',
        ]),
      ).toEqual([nothing('cilium-secrets')]);
      expect(
        await run('cilium', secretsNs, { cni: { tls: { secretsNamespace: { name: 'x' } } } }, ['x'], {
          alias: 'cni',
        }),
      ).toEqual([]);
      expect(
        await run('cilium', secretsNs, { cni: { enabled: false } }, ['cilium-secrets'], {
          alias: 'cni',
          condition: 'cni.enabled',
        }),
      ).toEqual([nothing('cilium-secrets')]);
    });

    const spire = {
      global: {
        spire: {
          namespaces: { create: false, system: { name: 'spire-system' }, server: { name: 'spire-server' } },
        },
      },
    };
    it.each([
      ['all, by global values of the umbrella', { global: { spire: { namespaces: { create: true } } } }, []],
      [
        'the server one only',
        { global: { spire: { namespaces: { server: { create: true } } } } },
        ['spire-system'],
      ],
      [
        'the system one only',
        { global: { spire: { namespaces: { system: { create: true } } } } },
        ['spire-server'],
      ],
      ['none by default', {}, ['spire-system', 'spire-server']],
    ])('spire creates its namespaces: %s', async (_, values, missing) => {
      const messages = await run('spire', spire, values, ['spire-system', 'spire-server']);
      expect(messages.sort()).toEqual(missing.map(nothing).sort());
    });

    it('spire creates them also when its pinned defaults have no globals', async () => {
      expect(
        await run(
          'spire',
          {},
          {
            global: { spire: { namespaces: { create: true, system: { name: 's' }, server: { name: 't' } } } },
          },
          ['s', 't'],
        ),
      ).toEqual([]);
    });
  });
});
