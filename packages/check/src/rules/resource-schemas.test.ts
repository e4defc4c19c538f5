import type { Values } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ruleContext, runRule } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';
import { pinnedUpstream } from '../test-support/upstream.js';
import type { Finding } from '../types.js';

const app = throwawayComponent('app', {});

/** A CustomResourceDefinition (one document), versions as `name → openAPIV3Schema` (undefined: none; `false`: not served). */
const crd = (group: string, kind: string, versions: Record<string, Values | undefined | false>) =>
  stringify({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.toLowerCase()}s.${group}` },
    spec: {
      group,
      names: { kind, plural: `${kind.toLowerCase()}s` },
      scope: 'Namespaced',
      versions: Object.entries(versions).map(([name, schema]) => ({
        name,
        served: schema !== false,
        storage: false,
        ...(schema ? { schema: { openAPIV3Schema: schema } } : {}),
      })),
    },
  });
const OPEN = {
  type: 'object',
  properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
};
const WIDGET_V1 = {
  type: 'object',
  required: ['spec'],
  properties: {
    spec: { type: 'object', required: ['size'], properties: { size: { type: 'integer' } } },
  },
};

/** Pinned: Argo CD's two kinds (every cluster/ object validates) and example.org's Widget (v1 with a schema, v2 without, v0 not served). */
const UPSTREAM = pinnedUpstream({
  'rs-argo/1.0.0': {
    crds: {
      'application.yaml': crd('argoproj.io', 'Application', { v1alpha1: OPEN }),
      'appproject.yaml': crd('argoproj.io', 'AppProject', { v1alpha1: OPEN }),
    },
  },
  'rs-widgets/1.0.0': {
    crds: { 'widget.yaml': crd('example.org', 'Widget', { v0: false, v1: WIDGET_V1, v2: undefined }) },
  },
});

const object = (apiVersion: unknown, kind: unknown, rest: Values = { metadata: { name: 'x' } }) =>
  stringify({
    ...(apiVersion !== undefined ? { apiVersion } : {}),
    ...(kind !== undefined ? { kind } : {}),
    ...rest,
  });

function judge(
  objects: Record<string, string>,
  options: { upstream?: boolean; output?: Record<string, string> } = {},
) {
  const ctx = ruleContext({
    components: [app],
    objects: { app: objects },
    ...(options.upstream === false ? {} : { upstreamDir: UPSTREAM }),
    ...(options.output ? { output: options.output } : {}),
  });
  return { ctx, found: runRule('resource-schemas', ctx) };
}
/** The findings on one object `templates/x.yaml`, as [where, message, fix] (all errors of the rule, chart app). */
async function judgeOne(text: string): Promise<string[][]> {
  const found: readonly Finding[] = await judge({ 'templates/x.yaml': text }).found;
  for (const f of found) expect([f.severity, f.rule, f.chart]).toEqual(['error', 'resource-schemas', 'app']);
  return found.map((f) => [f.where, f.message, f.fix ?? '']);
}

describe('resource-schemas', () => {
  it('passes valid objects of built-in and pinned kinds, and the cluster/ objects', async () => {
    const { ctx, found } = judge({
      'templates/a.yaml': object('v1', 'ConfigMap', { metadata: { name: 'a' }, data: { k: 'v' } }),
      'templates/b.yaml': object('apps/v1', 'Deployment', {
        metadata: { name: 'b' },
        spec: {
          selector: { matchLabels: { app: 'b' } },
          template: {
            metadata: { labels: { app: 'b' } },
            spec: { containers: [{ name: 'b', image: 'b:1' }] },
          },
        },
      }),
      'templates/c.yaml': object('example.org/v1', 'Widget', { metadata: { name: 'c' }, spec: { size: 1 } }),
    });
    expect(await found).toEqual([]);
    expect(ctx.unverified()).toEqual([]);
  });

  it.each<[string, unknown, unknown, Values | undefined, string, string, string]>([
    [
      'no apiVersion',
      undefined,
      'ConfigMap',
      undefined,
      'ConfigMap/x',
      'has no apiVersion or kind',
      'every object needs apiVersion and kind',
    ],
    [
      'an apiVersion that is no string',
      1,
      'ConfigMap',
      undefined,
      'ConfigMap/x',
      'has no apiVersion or kind',
      'every object needs apiVersion and kind',
    ],
    [
      'an empty apiVersion',
      '',
      'ConfigMap',
      undefined,
      'ConfigMap/x',
      'has no apiVersion or kind',
      'every object needs apiVersion and kind',
    ],
    [
      'no kind',
      'v1',
      undefined,
      undefined,
      'undefined/x',
      'has no apiVersion or kind',
      'every object needs apiVersion and kind',
    ],
    [
      'a kind that is no string',
      'v1',
      7,
      undefined,
      '7/x',
      'has no apiVersion or kind',
      'every object needs apiVersion and kind',
    ],
    [
      'an empty kind',
      'v1',
      '',
      undefined,
      '/x',
      'has no apiVersion or kind',
      'every object needs apiVersion and kind',
    ],
    ['no metadata', 'v1', 'ConfigMap', {}, 'ConfigMap/?', 'has no metadata.name', 'give the object a name'],
    [
      'metadata that is no map',
      'v1',
      'ConfigMap',
      { metadata: 'x' },
      'ConfigMap/?',
      'has no metadata.name',
      'give the object a name',
    ],
    [
      'a name that is no string',
      'v1',
      'ConfigMap',
      { metadata: { name: 5 } },
      'ConfigMap/5',
      'has no metadata.name',
      'give the object a name',
    ],
    [
      'an empty name',
      'v1',
      'ConfigMap',
      { metadata: { name: '' } },
      'ConfigMap/',
      'has no metadata.name',
      'give the object a name',
    ],
  ])('fails on %s', async (_, apiVersion, kind, rest, described, message, fix) => {
    expect(await judgeOne(object(apiVersion, kind, rest))).toEqual([
      [`charts/app/templates/x.yaml: ${described}`, message, fix],
    ]);
  });

  const widget = (version: string, spec: unknown, extra: Values = {}) =>
    object(`example.org/${version}`, 'Widget', {
      metadata: { name: 'w' },
      ...(spec === undefined ? {} : { spec }),
      ...extra,
    });
  it.each<[string, string, string, string]>([
    [
      'a version the CRD does not serve',
      widget('v0', { size: 1 }),
      'example.org/v0 is not a served version of Widget (rs-widgets 1.0.0 serves example.org/v1, example.org/v2)',
      'use apiVersion example.org/v1',
    ],
    [
      'a version the CRD has no schema for',
      widget('v2', { size: 1 }),
      'the CRD of Widget (rs-widgets 1.0.0) has no schema for v2',
      'pin a CRD with a schema',
    ],
    [
      'a field of the wrong type',
      widget('v1', { size: 'big' }),
      'spec.size: must be integer (CRD example.org/Widget v1 from rs-widgets 1.0.0)',
      'make the object match the CRD schema',
    ],
    [
      'a field the CRD lacks',
      widget('v1', { size: 1, colour: 'red' }),
      'spec.colour: unknown key (the schema allows no such key here) (CRD example.org/Widget v1 from rs-widgets 1.0.0)',
      'remove spec.colour, or check the field name in the CRD (rs-widgets 1.0.0)',
    ],
    [
      'a missing top-level field',
      widget('v1', undefined),
      "(object): must have required property 'spec' (CRD example.org/Widget v1 from rs-widgets 1.0.0)",
      'make the object match the CRD schema',
    ],
  ])('fails on a custom resource with %s', async (_, text, message, fix) => {
    expect(await judgeOne(text)).toEqual([['charts/app/templates/x.yaml: Widget/w', message, fix]]);
  });

  it('prefers a CRD the render contains over the pinned one', async () => {
    const found = await judge({
      'templates/own-widget-crd.yaml': crd('example.org', 'Widget', { v3: OPEN }),
      'templates/x.yaml': widget('v3', { anything: true }),
      'templates/y.yaml': widget('v1', { size: 1 }),
    }).found;
    expect(found.map((f) => [f.where, f.message])).toEqual([
      [
        'charts/app/templates/y.yaml: Widget/w',
        'example.org/v1 is not a served version of Widget (charts/app/templates/own-widget-crd.yaml serves example.org/v3)',
      ],
    ]);
  });

  const builtIn = (message: string, fix: string) => [message, fix];
  it.each<[string, string, string[][]]>([
    [
      'a beta API',
      object('batch/v1beta1', 'CronJob'),
      [
        builtIn(
          'batch/v1beta1 is an alpha/beta API: removed from current Kubernetes or off by default',
          'use the stable apiVersion of CronJob',
        ),
      ],
    ],
    [
      'an alpha API of the core group',
      object('v1alpha1', 'ConfigMap'),
      [
        builtIn(
          'v1alpha1 is an alpha/beta API: removed from current Kubernetes or off by default',
          'use the stable apiVersion of ConfigMap',
        ),
      ],
    ],
    [
      'a kind the API group lacks',
      object('v1', 'Widget'),
      [
        builtIn(
          'no schema for built-in v1 Widget (not a kind kubernetes-models knows)',
          'check apiVersion and kind spelling',
        ),
      ],
    ],
    [
      'a type that is no kind',
      object('apps/v1', 'DeploymentSpec'),
      [
        builtIn(
          'no schema for built-in apps/v1 DeploymentSpec (not a kind kubernetes-models knows)',
          'check apiVersion and kind spelling',
        ),
      ],
    ],
    [
      'a kind in lower case',
      object('v1', 'configMap'),
      [
        builtIn(
          'no schema for built-in v1 configMap (not a kind kubernetes-models knows)',
          'check apiVersion and kind spelling',
        ),
      ],
    ],
    [
      'a kind with a path in it',
      object('v1', 'ConfigMap/../ConfigMap'),
      [
        builtIn(
          'no schema for built-in v1 ConfigMap/../ConfigMap (not a kind kubernetes-models knows)',
          'check apiVersion and kind spelling',
        ),
      ],
    ],
    [
      'an apiVersion with a path in it',
      object('apps/v1-x', 'Deployment'),
      [
        builtIn(
          'no schema for built-in apps/v1-x Deployment (not a kind kubernetes-models knows)',
          'check apiVersion and kind spelling',
        ),
      ],
    ],
    [
      'an apiVersion that walks out of its group with ..',
      object('v1/../rbac.authorization.k8s.io/v1', 'Role', { metadata: { name: 'x' }, rules: [] }),
      [
        builtIn(
          'no schema for built-in v1/../rbac.authorization.k8s.io/v1 Role (not a kind kubernetes-models knows)',
          'check apiVersion and kind spelling',
        ),
      ],
    ],
    [
      'an apiVersion with a query in it',
      object('v1?x', 'ConfigMap'),
      [
        builtIn(
          'no schema for built-in v1?x ConfigMap (not a kind kubernetes-models knows)',
          'check apiVersion and kind spelling',
        ),
      ],
    ],
    [
      'a field of the wrong type',
      object('v1', 'ConfigMap', { metadata: { name: 'x' }, data: { a: 1 } }),
      [
        builtIn(
          'data.a: must be string (Kubernetes v1 ConfigMap)',
          'make the object match the Kubernetes API schema',
        ),
      ],
    ],
    [
      'a missing top-level field',
      object('rbac.authorization.k8s.io/v1', 'RoleBinding', { metadata: { name: 'x' }, subjects: [] }),
      [
        builtIn(
          '(object): must have required property roleRef (Kubernetes rbac.authorization.k8s.io/v1 RoleBinding)',
          'make the object match the Kubernetes API schema',
        ),
      ],
    ],
    [
      'two invalid fields',
      object('v1', 'Service', {
        metadata: { name: 'x' },
        spec: { ports: [{ port: 'http' }], type: 'Bogus' },
      }),
      [
        builtIn(
          'spec.ports.0.port: must be integer (Kubernetes v1 Service)',
          'make the object match the Kubernetes API schema',
        ),
        builtIn(
          'spec.type: must be one of ["ClusterIP","ExternalName","LoadBalancer","NodePort"] (Kubernetes v1 Service)',
          'make the object match the Kubernetes API schema',
        ),
      ],
    ],
    [
      'a kind no CRD defines',
      object('example.com/v1', 'Gadget'),
      [
        builtIn(
          'no schema for example.com/v1 Gadget: no pinned CRD defines it and it is not a built-in kind',
          'render the CRD from a chart of the stack (or pin it in the IDSTACK_UPSTREAM folder), or fix apiVersion/kind',
        ),
      ],
    ],
  ])('fails on %s', async (_, text, expected) => {
    const found = await judgeOne(text);
    expect(found.map(([, message, fix]) => [message, fix])).toEqual(expected);
  });

  it('validates the cluster/ objects too', async () => {
    const { found } = judge(
      {},
      {
        output: {
          'cluster/apps/extra.yaml': object('v1', 'ConfigMap', { metadata: { name: 'e' }, data: { a: 1 } }),
        },
      },
    );
    expect((await found).map((f) => [f.chart, f.where, f.message])).toEqual([
      ['cluster', 'cluster/apps/extra.yaml: ConfigMap/e', 'data.a: must be string (Kubernetes v1 ConfigMap)'],
    ]);
  });

  it('without pinned data, records the objects it could not judge and reports the rest', async () => {
    const { ctx, found } = judge(
      {
        'templates/g.yaml': object('example.com/v1', 'Gadget', { metadata: { name: 'g' } }),
        'templates/x.yaml': object('v1', 'ConfigMap', { metadata: { name: 'x' }, data: { a: 1 } }),
      },
      { upstream: false },
    );
    expect((await found).map((f) => [f.where, f.message])).toEqual([
      ['charts/app/templates/x.yaml: ConfigMap/x', 'data.a: must be string (Kubernetes v1 ConfigMap)'],
    ]);
    expect(ctx.unverified()).toEqual([
      'resource-schemas: 5 custom resource(s) whose CRD the render does not contain (no pinned upstream data: set IDSTACK_UPSTREAM): charts/app/templates/g.yaml: Gadget/g, cluster/apps/app.yaml: Application/app, cluster/apps/project.yaml: AppProject/idstack, cluster/root.yaml: AppProject/idstack-root, cluster/root.yaml: Application/idstack',
    ]);
  });
});
