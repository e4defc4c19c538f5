import type { Values } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ruleContext, runRule } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';
import type { Finding } from '../types.js';

const SERVER = 'https://kubernetes.default.svc';
const app = throwawayComponent('app', {});

const projectYaml = (spec: unknown, name = 'idstack') =>
  stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name }, spec });
const to = (...namespaces: string[]) => namespaces.map((namespace) => ({ server: SERVER, namespace }));
const object = (apiVersion: string, kind: string, name: string, namespace?: string) =>
  stringify({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
const configMaps = (count: number, namespace?: string) =>
  Array.from({ length: count }, (_, i) => object('v1', 'ConfigMap', `cm${i}`, namespace)).join('---\n');

/** The rule over app's Application (namespace `app`, project `idstack`) under the given project, rendering `objects`. */
function judge(
  spec: unknown,
  objects: Record<string, string> = {},
  options: { renderMode?: 'own'; output?: Record<string, string> } = {},
) {
  const ctx = ruleContext({
    components: [app],
    output: { 'cluster/apps/project.yaml': projectYaml(spec), ...options.output },
    objects: { app: objects },
    ...(options.renderMode ? { renderMode: options.renderMode } : {}),
  });
  return { ctx, found: runRule('project-permissions', ctx) };
}
const findings = async (...args: Parameters<typeof judge>) => judge(...args).found;

/** Each finding as [chart, where, message] (all errors of rule project-permissions). */
const brief = (found: readonly Finding[]) => {
  for (const f of found) expect([f.severity, f.rule]).toEqual(['error', 'project-permissions']);
  return found.map((f) => [f.chart, f.where, f.message]);
};
const refused = (ns: string) =>
  `which AppProject "idstack" (cluster/apps/project.yaml) does not permit: Argo CD refuses the whole app sync ("namespace ${ns} is not permitted in project 'idstack'") and every later wave waits`;

const ALL_KINDS = [{ group: '*', kind: '*' }];

describe('project-permissions', () => {
  it('passes objects the project permits, and a project whose every namespace is used', async () => {
    const spec = {
      destinations: to('app', 'other'),
      clusterResourceWhitelist: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }],
      namespaceResourceWhitelist: [
        { group: '', kind: 'ConfigMap' },
        { group: 'apps', kind: 'Deploy*' },
      ],
    };
    const objects = {
      'templates/a.yaml': configMaps(1),
      'templates/b.yaml': object('v1', 'ConfigMap', 'b', 'other'),
      'templates/c.yaml': object('apps/v1', 'Deployment', 'c'),
      'templates/d.yaml': object('rbac.authorization.k8s.io/v1', 'ClusterRole', 'd'),
    };
    const { ctx, found } = judge(spec, objects);
    expect(await found).toEqual([]);
    expect(ctx.unverified()).toEqual([]);
  });

  it('fails on an object rendered into a namespace the project does not permit, naming up to six', async () => {
    const found = await findings(
      { destinations: to('app') },
      { 'templates/cm.yaml': configMaps(7, 'elsewhere') },
    );
    expect(found).toEqual([
      {
        severity: 'error',
        rule: 'project-permissions',
        chart: 'app',
        where: 'charts/app/templates/cm.yaml: ConfigMap/cm0',
        message: `app renders 7 object(s) into namespace "elsewhere" (ConfigMap/cm0, ConfigMap/cm1, ConfigMap/cm2, ConfigMap/cm3, ConfigMap/cm4, ConfigMap/cm5 and 1 more), ${refused('elsewhere')}`,
        fix: 'declare "elsewhere" in the app component (otherNamespaces) so the AppProject permits it, or keep the chart out of that namespace (its values)',
      },
    ]);
    const six = await findings(
      { destinations: to('app') },
      { 'templates/cm.yaml': configMaps(6, 'elsewhere') },
    );
    expect(six[0]?.message).toContain(
      '(ConfigMap/cm0, ConfigMap/cm1, ConfigMap/cm2, ConfigMap/cm3, ConfigMap/cm4, ConfigMap/cm5), ',
    );
  });

  it("fails on the Application's own namespace, with or without objects in it; a later unused namespace too", async () => {
    expect(brief(await findings({ destinations: to('other') }))).toEqual([
      [
        'app',
        'cluster/apps/app.yaml',
        `app deploys into namespace "app" (cluster/apps/app.yaml: spec.destination.namespace), ${refused('app')}`,
      ],
      [
        'cluster',
        'cluster/apps/project.yaml: spec.destinations',
        'AppProject "idstack" permits namespace "other", but no Application of the project renders anything into it: a destination nothing needs',
      ],
    ]);
    expect(
      brief(await findings({ destinations: to('other') }, { 'templates/cm.yaml': configMaps(2) }))[0],
    ).toEqual([
      'app',
      'charts/app/templates/cm.yaml: ConfigMap/cm0',
      `app renders 2 object(s) into namespace "app" (ConfigMap/cm0, ConfigMap/cm1), ${refused('app')}`,
    ]);
  });

  it('names the fix for a namespace nothing needs', async () => {
    const [unused] = await findings({ destinations: to('app', 'spare') });
    expect(unused?.fix).toBe(
      'drop "spare" from the components\' namespaces (otherNamespaces / externalNamespaces), then run `pnpm build`',
    );
  });

  it.each<[string, unknown[], boolean]>([
    ['a namespace glob', to('ap*'), true],
    ['a one-character glob', to('ap?'), true],
    ['a glob that needs one more character', to('app?'), false],
    ['a dot, which is no wildcard', to('a.p'), false],
    ['a pattern anchored at the start', to('pp'), false],
    ['a pattern anchored at the end', to('ap'), false],
    ['a wildcard right after the first character', to('a*'), true],
    ['no server and no cluster name (matches no cluster)', [{ namespace: 'app' }], false],
    ['a server glob', [{ server: 'https://*', namespace: 'app' }], true],
    ['another server', [{ server: 'https://other.example.org', namespace: 'app' }], false],
    ['the cluster by its name', [{ name: 'in-cluster', namespace: 'app' }], true],
    ['another cluster by name', [{ name: 'other', namespace: 'app' }], false],
    ['a server with a "!" inside (no denial, no match)', [{ server: `${SERVER}!`, namespace: 'app' }], false],
    [
      'any namespace but this one',
      [
        { server: '*', namespace: '!app' },
        { server: '*', namespace: '*' },
      ],
      false,
    ],
    [
      'any namespace but another',
      [
        { server: '*', namespace: '!kube-*' },
        { server: '*', namespace: '*' },
      ],
      true,
    ],
    [
      'a denial of the namespace on every server but another (this one included)',
      [
        { server: '!other', namespace: '!app' },
        { server: '*', namespace: '*' },
      ],
      false,
    ],
    [
      'a denial of the namespace on every server but this one (nothing denied here)',
      [
        { server: `!${SERVER}`, namespace: '!app' },
        { server: '*', namespace: '*' },
      ],
      true,
    ],
    [
      'a denial of this server',
      [
        { server: `!${SERVER}`, namespace: '*' },
        { server: '*', namespace: '*' },
      ],
      false,
    ],
    [
      'a denial of this cluster by name',
      [
        { name: '!in-cluster', namespace: '*' },
        { server: '*', namespace: '*' },
      ],
      false,
    ],
    [
      'only a denial of another namespace (it permits the rest)',
      [{ server: '*', namespace: '!kube-system' }],
      true,
    ],
    ['only a denial of this namespace', [{ server: '*', namespace: '!app' }], false],
    [
      "another cluster's entry beside one that permits (it denies nothing here)",
      [
        { server: 'https://other.example.org', namespace: '*' },
        { server: '*', namespace: '*' },
      ],
      true,
    ],
    ['no namespace', [{ server: '*' }], false],
    ['a destination that is not a map', ['app'], false],
    ['an empty destination beside one that permits', [null, ...to('app')], true],
  ])('judges the destination by %s', async (_, destinations, permitted) => {
    const found = await findings({ destinations }, {}, { renderMode: 'own' });
    expect(found.map((f) => f.where)).toEqual(permitted ? [] : ['cluster/apps/app.yaml']);
  });

  it('refuses everything of a project whose spec is not a map, or lists nothing', async () => {
    for (const spec of ['nonsense', { destinations: 'app' }]) {
      const found = await findings(spec, {}, { renderMode: 'own' });
      expect(found.map((f) => f.where)).toEqual(['cluster/apps/app.yaml']);
    }
  });

  it.each<[string, Values, string, string[]]>([
    [
      'a kind outside the whitelist',
      { namespaceResourceWhitelist: [{ group: '', kind: 'ConfigMap' }] },
      object('v1', 'Secret', 's'),
      ['core/Secret'],
    ],
    [
      'a group outside the whitelist',
      { namespaceResourceWhitelist: [{ group: '', kind: 'Deployment' }] },
      object('apps/v1', 'Deployment', 'd'),
      ['apps/Deployment'],
    ],
    [
      'a blacklisted kind',
      { namespaceResourceBlacklist: [{ group: '', kind: 'Secret' }] },
      object('v1', 'Secret', 's'),
      ['core/Secret'],
    ],
    [
      'a blacklisted kind the whitelist permits',
      { namespaceResourceWhitelist: ALL_KINDS, namespaceResourceBlacklist: [{ group: '*', kind: 'Sec*' }] },
      object('v1', 'Secret', 's'),
      ['core/Secret'],
    ],
    ['an empty whitelist', { namespaceResourceWhitelist: [] }, object('v1', 'Secret', 's'), ['core/Secret']],
    [
      'a whitelist that is not a list',
      { namespaceResourceWhitelist: 'all' },
      object('v1', 'Secret', 's'),
      ['core/Secret'],
    ],
    [
      'a whitelist entry without group (the core group)',
      { namespaceResourceWhitelist: [{ kind: 'Secret' }, 'junk'] },
      object('v1', 'Secret', 's'),
      [],
    ],
    [
      'a whitelist entry without kind',
      { namespaceResourceWhitelist: [{ group: '' }] },
      object('v1', 'Secret', 's'),
      ['core/Secret'],
    ],
    [
      'a whitelist with an empty entry',
      { namespaceResourceWhitelist: [null, { group: '', kind: 'Secret' }] },
      object('v1', 'Secret', 's'),
      [],
    ],
    ['no whitelist (every namespaced kind)', {}, object('v1', 'Secret', 's'), []],
    [
      'a whitelist entry with a name (namespaced entries have none: Argo CD matches the kind)',
      { namespaceResourceWhitelist: [{ group: '', kind: 'Secret', name: 'other' }] },
      object('v1', 'Secret', 's'),
      [],
    ],
  ])('judges a namespaced object: %s', async (_, lists, text, kinds) => {
    const found = await findings({ destinations: to('app'), ...lists }, { 'templates/x.yaml': text });
    expect(found).toEqual(
      kinds.map((kind) => ({
        severity: 'error',
        rule: 'project-permissions',
        chart: 'app',
        where: `charts/app/templates/x.yaml: ${kind.split('/')[1]}/${kind === 'apps/Deployment' ? 'd' : 's'}`,
        message: `AppProject "idstack" does not permit the namespaced kind ${kind}: Argo CD refuses the whole app sync`,
        fix: `permit ${kind} in the namespaceResourceWhitelist of cluster/apps/project.yaml`,
      })),
    );
  });

  const crd = (group: string, kind: string, scope: string) =>
    stringify({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${kind.toLowerCase()}s.${group}` },
      spec: { group, scope, names: { kind }, versions: [{ name: 'v1', served: true }] },
    });
  const CRD_KIND = 'apiextensions.k8s.io/CustomResourceDefinition';

  it.each<[string, Values, Record<string, string>, string[]]>([
    [
      'a built-in kind outside the whitelist',
      {},
      { 'templates/x.yaml': object('v1', 'Namespace', 'n') },
      ['core/Namespace'],
    ],
    [
      'a blacklisted kind the whitelist permits',
      { clusterResourceWhitelist: ALL_KINDS, clusterResourceBlacklist: [{ group: '', kind: 'Namespace' }] },
      { 'templates/x.yaml': object('v1', 'Namespace', 'n') },
      ['core/Namespace'],
    ],
    [
      'a whitelist entry for another object of the kind',
      { clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'other' }] },
      { 'templates/x.yaml': object('v1', 'Namespace', 'n') },
      ['core/Namespace'],
    ],
    [
      'a whitelist entry whose name pattern takes the object',
      { clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: 'n*' }] },
      { 'templates/x.yaml': object('v1', 'Namespace', 'n') },
      [],
    ],
    [
      'a whitelist entry whose name pattern needs a name, for an object without one',
      { clusterResourceWhitelist: [{ group: '', kind: 'Namespace', name: '?*' }] },
      { 'templates/x.yaml': stringify({ apiVersion: 'v1', kind: 'Namespace' }) },
      ['core/Namespace'],
    ],
    [
      'a blacklist entry for another object of the kind',
      {
        clusterResourceWhitelist: ALL_KINDS,
        clusterResourceBlacklist: [{ group: '', kind: 'Namespace', name: 'kube-*' }],
      },
      { 'templates/x.yaml': object('v1', 'Namespace', 'n') },
      [],
    ],
    [
      'a custom resource whose rendered CRD is cluster-scoped',
      { clusterResourceWhitelist: [{ group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' }] },
      {
        'templates/crd.yaml': crd('example.org', 'Widget', 'Cluster'),
        'templates/x.yaml': object('example.org/v1', 'Widget', 'w'),
      },
      ['example.org/Widget'],
    ],
    [
      'a CRD outside the whitelist (its namespaced custom resource passes)',
      {},
      {
        'templates/crd.yaml': crd('example.org', 'Widget', 'Namespaced'),
        'templates/x.yaml': object('example.org/v1', 'Widget', 'w'),
      },
      [CRD_KIND],
    ],
  ])('judges a cluster-scoped object: %s', async (_, lists, objects, kinds) => {
    const found = await findings({ destinations: to('app'), ...lists }, objects);
    expect(found.map((f) => [f.message, f.fix])).toEqual(
      kinds.map((kind) => [
        `AppProject "idstack" does not permit the cluster-scoped kind ${kind}: Argo CD refuses the whole app sync`,
        `permit ${kind} in the clusterResourceWhitelist of cluster/apps/project.yaml`,
      ]),
    );
  });

  it('reports a cluster-scoped kind as an error at its object, with the whitelist to fix', async () => {
    expect(
      await findings({ destinations: to('app') }, { 'templates/ns.yaml': object('v1', 'Namespace', 'n') }),
    ).toEqual([
      {
        severity: 'error',
        rule: 'project-permissions',
        chart: 'app',
        where: 'charts/app/templates/ns.yaml: Namespace/n',
        message:
          'AppProject "idstack" does not permit the cluster-scoped kind core/Namespace: Argo CD refuses the whole app sync',
        fix: 'permit core/Namespace in the clusterResourceWhitelist of cluster/apps/project.yaml',
      },
    ]);
  });

  it('skips an Application whose project is not in cluster/apps (sync-order reports it)', async () => {
    const elsewhere = projectYaml({ destinations: to('nowhere') }, 'idstack');
    const found = await findings(
      { destinations: to('app') },
      { 'templates/x.yaml': object('v1', 'Secret', 's') },
      {
        output: {
          'cluster/apps/project.yaml': projectYaml({ destinations: to('nowhere') }, 'other'),
          'cluster/other/project.yaml': elsewhere,
        },
      },
    );
    expect(found).toEqual([]);
  });

  it('offline, judges the own objects only, and records what it could not', async () => {
    const { ctx, found } = judge(
      { destinations: to('app', 'spare'), namespaceResourceWhitelist: [] },
      {
        'templates/x.yaml': object('v1', 'Secret', 's'),
      },
      { renderMode: 'own' },
    );
    expect((await found).map((f) => f.message)).toEqual([
      'AppProject "idstack" does not permit the namespaced kind core/Secret: Argo CD refuses the whole app sync',
    ]);
    expect(ctx.unverified()).toEqual([
      "project-permissions: objects of the upstream charts (offline: only the umbrellas' own templates were judged), and that the AppProject permits no namespace nothing renders into",
    ]);
  });

  it('reads projects from the AppProjects of cluster/apps only (any other object or a nameless project aside)', async () => {
    const others = [
      stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'idstack' } }),
      stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', spec: { destinations: to('x') } }),
    ].join('---\n');
    expect(
      await findings({ destinations: to('app') }, {}, { output: { 'cluster/apps/zz.yaml': others } }),
    ).toEqual([]);
  });

  it('counts the namespaces of every Application of a project as used', async () => {
    const ctx = ruleContext({
      components: [app, throwawayComponent('two', {})],
      output: { 'cluster/apps/project.yaml': projectYaml({ destinations: to('app', 'two') }) },
    });
    expect(await runRule('project-permissions', ctx)).toEqual([]);
  });

  describe('judges odd projects and objects as Argo CD reads them', () => {
    it('reports a destination without namespace as one nothing needs', async () => {
      expect(brief(await findings({ destinations: [...to('app'), { server: SERVER }] }))).toEqual([
        [
          'cluster',
          'cluster/apps/project.yaml: spec.destinations',
          'AppProject "idstack" permits namespace "", but no Application of the project renders anything into it: a destination nothing needs',
        ],
      ]);
    });

    it("puts a namespaced object without metadata into the Application's namespace", async () => {
      const found = await findings(
        { destinations: to('other') },
        { 'templates/x.yaml': stringify({ apiVersion: 'v1', kind: 'ConfigMap' }) },
      );
      expect(brief(found)[0]).toEqual([
        'app',
        'charts/app/templates/x.yaml: ConfigMap/?',
        `app renders 1 object(s) into namespace "app" (ConfigMap/?), ${refused('app')}`,
      ]);
    });
  });

  it('reports no pattern destination as unused', async () => {
    const spec = {
      destinations: [...to('app', 'team-*', 'ns?'), { server: SERVER, namespace: '!kube-system' }],
    };
    expect(await findings(spec)).toEqual([]);
  });
});
