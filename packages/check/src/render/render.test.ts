import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEntry, writeEntry } from '../cache.js';
import { readOutput } from '../run.js';
import { applicationSources } from './applications.js';
import { BUILT_IN_API_VERSIONS } from './capabilities.js';
import { type ApplicationRenderInput, renderApplication, renderApplications } from './render.js';

/** A repository root with charts/<name> (no dependencies) and the Applications that render them. */
function repo(charts: Record<string, Record<string, string>>, apps: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'idstack-render-'));
  for (const [chart, files] of Object.entries(charts))
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, 'charts', chart, path, '..'), { recursive: true });
      writeFileSync(join(root, 'charts', chart, path), text);
    }
  mkdirSync(join(root, 'cluster', 'apps'), { recursive: true });
  for (const [name, text] of Object.entries(apps))
    writeFileSync(join(root, 'cluster', 'apps', `${name}.yaml`), text);
  return root;
}

const application = (name: string, wave: number, helm: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
  annotations:
    argocd.argoproj.io/sync-wave: "${wave}"
spec:
  project: demo
  source:
    repoURL: https://git.example.test/stack.git
    targetRevision: main
    path: deploy/charts/${name}
    helm:
${helm}
  destination:
    server: https://kubernetes.default.svc
    namespace: ${name}-ns
`;

const CHART = (name: string) => `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`;

describe('renderApplications (real helm, as Argo CD renders)', () => {
  const root = repo(
    {
      widgets: {
        'Chart.yaml': CHART('widgets'),
        'crds/widgets.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.demo.test
spec:
  group: demo.test
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - { name: v1, served: true, storage: true, schema: { openAPIV3Schema: { type: object } } }
`,
      },
      app: {
        'Chart.yaml': CHART('app'),
        'values.yaml': 'greeting: default\nsize: 1\n',
        'templates/settings.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  namespace: {{ .Release.Namespace }}
  greeting: {{ .Values.greeting | quote }}
  size: {{ .Values.size | quote }}
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  widgets: {{ .Capabilities.APIVersions.Has "demo.test/v1/Widget" | quote }}
`,
      },
    },
    {
      widgets: application('widgets', 0, '      releaseName: widgets'),
      app: application(
        'app',
        1,
        [
          '      releaseName: custom',
          '      valuesObject:',
          '        greeting: from-valuesObject',
          '      parameters:',
          '        - name: size',
          '          value: "3"',
        ].join('\n'),
      ),
    },
  );

  it('reads each Application: chart, release, namespace, wave, values, parameters', () => {
    const [widgets, app] = applicationSources(readOutput(root));
    expect(widgets).toMatchObject({ name: 'widgets', chart: 'widgets', wave: 0, namespace: 'widgets-ns' });
    expect(app).toMatchObject({
      name: 'app',
      chart: 'app',
      releaseName: 'custom',
      wave: 1,
      project: 'demo',
      parameters: [{ name: 'size', value: '3' }],
    });
    expect(app?.values).toContain('greeting: from-valuesObject');
  });

  it("passes the release, namespace, values, parameters, CRDs and the cluster's API versions of earlier waves", async () => {
    const render = await renderApplications({ root, output: readOutput(root), charts: new Map() });
    expect(render.mode).toBe('full');
    const [widgets, app] = render.applications;
    expect(widgets?.objects.map((o) => o.object.kind)).toEqual(['CustomResourceDefinition']);
    expect(widgets?.objects[0]?.file).toBe('charts/widgets/crds/widgets.yaml');
    expect(app?.exitCode).toBe(0);
    expect(app?.unstable).toEqual([]);
    expect(app?.objects[0]?.object).toMatchObject({
      metadata: { name: 'custom-settings' },
      data: {
        namespace: 'app-ns',
        greeting: 'from-valuesObject',
        size: '3',
        kube: 'v1.34.0',
        widgets: 'true',
      },
    });
  });

  it('starts an Application before its wave with the API versions it last had, and never keeps a wrong guess', async () => {
    const calls: { app: string; widget: boolean }[] = [];
    const recording = (input: ApplicationRenderInput) => {
      calls.push({
        app: input.application.name,
        widget: input.apiVersions.includes('demo.test/v1/Widget'),
      });
      return renderApplication(input);
    };
    const [, appSource] = applicationSources(readOutput(root));
    if (!appSource) throw new Error('no app');
    const entry = `api-versions/${appSource.name}/${appSource.chart}`;
    // A stale record (the CRD of wave 0 missing): rendered with it, then again with the right versions.
    writeEntry(entry, [...BUILT_IN_API_VERSIONS]);
    const stale = await renderApplications({
      root,
      output: readOutput(root),
      charts: new Map(),
      renderApplication: recording,
    });
    expect(calls.filter((c) => c.app === 'app')).toEqual([
      { app: 'app', widget: false },
      { app: 'app', widget: true },
    ]);
    expect(stale.applications[1]?.objects[0]?.object).toMatchObject({ data: { widgets: 'true' } });
    expect(readEntry<string[]>(entry)).toContain('demo.test/v1/Widget');
    // The record now holds the right versions: the early render is the one kept, nothing renders twice.
    calls.length = 0;
    const warm = await renderApplications({
      root,
      output: readOutput(root),
      charts: new Map(),
      renderApplication: recording,
    });
    expect(calls.filter((c) => c.app === 'app')).toEqual([{ app: 'app', widget: true }]);
    expect(warm.applications[1]?.objects[0]?.object).toMatchObject({ data: { widgets: 'true' } });
  });

  it('compares with the previous render when every input is identical, and with a second render otherwise', async () => {
    const name = `stable-${randomUUID().slice(0, 8)}`;
    const chart = {
      'Chart.yaml': CHART(name),
      'templates/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: "1"\n',
      'templates/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  y: "2"\n',
    };
    const stable = repo({ [name]: chart }, { [name]: application(name, 0, `      releaseName: ${name}`) });
    const render = async (at: string) =>
      (await renderApplications({ root: at, output: readOutput(at), charts: new Map() })).applications[0];
    expect((await render(stable))?.unstable).toEqual([]);
    const record = readEntry<{ inputs: string; stdout: string }>(`render-record/${name}`);
    expect(record?.stdout).toContain('name: b');
    // Same inputs: the check compares with the recorded render. A record that differs (as a random value would
    // make it) is reported, so the comparison really happens.
    writeEntry(`render-record/${name}`, { ...record, stdout: record?.stdout.replace('y: "2"', 'y: "3"') });
    expect((await render(stable))?.unstable).toEqual([`ConfigMap/b (${name}/templates/b.yaml)`]);
    // Another input (a value file of the chart): no comparable record, so two fresh renders, identical.
    writeEntry(`render-record/${name}`, { ...record, stdout: 'something else' });
    const changed = repo(
      { [name]: { ...chart, 'values.yaml': 'unused: true\n' } },
      { [name]: application(name, 0, `      releaseName: ${name}`) },
    );
    expect((await render(changed))?.unstable).toEqual([]);
  });

  it('reports a chart that does not render, with helm’s reason', async () => {
    const broken = repo(
      { app: { 'Chart.yaml': CHART('app'), 'templates/x.yaml': '{{ fail "no greeting" }}\n' } },
      { app: application('app', 0, '      releaseName: app') },
    );
    const [app] = (await renderApplications({ root: broken, output: readOutput(broken), charts: new Map() }))
      .applications;
    expect(app?.exitCode).toBe(1);
    expect(app?.stderr).toContain('no greeting');
    expect(app?.objects).toEqual([]);
  });
});
