import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderStack } from './build.js';
import { validateStack } from './config/load.js';
import { fakeComponent } from './test-support/fixtures.js';

const platform = fakeComponent('platform', 'platform', [], { argocd: { prune: false, selfHeal: false } });
const infra = fakeComponent('infra', 'infra', ['platform'], { argocd: { serverSideApply: true } });
const app = fakeComponent('app', 'security', ['infra']);
const all = [platform, infra, app];

/** The default stack's files, rendered inside each test (not at collection, so a mutant is judged per test). */
const rendered = () => renderStack(all, validateStack({}, all)).files;

describe('renderStack', () => {
  it('renders a chart and an Application per enabled component, plus root, project, README and schema', () => {
    const files = rendered();
    expect([...files.keys()].filter((p) => !p.startsWith('charts/')).sort()).toEqual([
      'cluster/README.md',
      'cluster/apps/app.yaml',
      'cluster/apps/infra.yaml',
      'cluster/apps/platform.yaml',
      'cluster/apps/project.yaml',
      'cluster/root.yaml',
      'stack.schema.json',
    ]);
    expect([...files.keys()].filter((p) => p.startsWith('charts/infra/')).sort()).toEqual([
      'charts/infra/.helmignore',
      'charts/infra/Chart.yaml',
      'charts/infra/README.md',
      'charts/infra/templates/configmap.yaml',
      'charts/infra/values.schema.json',
      'charts/infra/values.yaml',
    ]);
  });

  it('writes Chart.yaml from the package version and the declared dependencies', () => {
    const files = rendered();
    const chart = parse(files.get('charts/infra/Chart.yaml') as string);
    expect(chart).toMatchObject({
      apiVersion: 'v2',
      name: 'infra',
      version: '1.2.3',
      dependencies: [{ name: 'upstream', version: '1.0.0', repository: 'https://charts.example.org' }],
    });
  });

  it('gives each Application its wave, options, finalizer and bounded retry', () => {
    const files = rendered();
    const platformApp = parse(files.get('cluster/apps/platform.yaml') as string);
    const infraApp = parse(files.get('cluster/apps/infra.yaml') as string);
    expect(platformApp.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('0');
    expect(infraApp.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('1');
    expect(platformApp.metadata.finalizers).toBeUndefined();
    expect(platformApp.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: false });
    expect(infraApp.metadata.finalizers).toEqual(['resources-finalizer.argocd.argoproj.io']);
    expect(infraApp.spec.syncPolicy.syncOptions).toEqual([
      'CreateNamespace=true',
      'PruneLast=true',
      'ServerSideApply=true',
    ]);
    expect(infraApp.spec.syncPolicy.retry.limit).toBeGreaterThan(0);
    expect(infraApp.spec.destination).toEqual({
      server: 'https://kubernetes.default.svc',
      namespace: 'infra',
    });
  });

  it('restricts the AppProject to this repository, the upstream repositories and the namespaces the components use (nothing more)', () => {
    const files = rendered();
    const project = parse(files.get('cluster/apps/project.yaml') as string);
    expect(project.spec.sourceRepos).toEqual([
      'https://charts.example.org',
      'https://github.com/example/homelab.git',
    ]);
    expect(project.spec.destinations.map((d: { namespace: string }) => d.namespace)).toEqual([
      'app',
      'infra',
      'platform',
    ]);
  });

  it('points the root app at cluster/apps with a project that may only create Applications', () => {
    const files = rendered();
    const [rootProject, root] = (files.get('cluster/root.yaml') as string)
      .split(/^---\n/m)
      .filter(Boolean)
      .map((d) => parse(d));
    expect(root.spec.source.path).toBe('cluster/apps');
    expect(root.spec.project).toBe(rootProject.metadata.name);
    expect(rootProject.spec.clusterResourceWhitelist).toEqual([]);
    expect(rootProject.spec.sourceRepos).toEqual(['https://github.com/example/homelab.git']);
  });

  it('drops a disabled component and its Application', () => {
    const without = renderStack(all, validateStack({ components: { app: { enabled: false } } }, all)).files;
    expect(
      [...without.keys()].some((p) => p === 'cluster/apps/app.yaml' || p.startsWith('charts/app/')),
    ).toBe(false);
    expect(without.has('cluster/apps/infra.yaml')).toBe(true);
  });

  it('refuses to enable a component whose required component is disabled, naming the switch', () => {
    const strict = fakeComponent('strict', 'security', ['infra'], { required: ['infra'] });
    const stack = [platform, infra, strict];
    expect(() =>
      renderStack(stack, validateStack({ components: { infra: { enabled: false } } }, stack)),
    ).toThrow(
      /components\.infra\.enabled: strict cannot work without infra: enable infra, or disable strict too/,
    );
    // An ordering-only need on a disabled component is fine.
    expect(() =>
      renderStack(all, validateStack({ components: { infra: { enabled: false } } }, all)),
    ).not.toThrow();
  });

  it('merges stack.yaml values overrides and rejects unknown own knobs', () => {
    const merged = renderStack(
      all,
      validateStack({ components: { app: { values: { upstream: { replicas: 3 } } } } }, all),
    );
    expect(parse(merged.files.get('charts/app/values.yaml') as string).upstream.replicas).toBe(3);
    expect(() =>
      renderStack(all, validateStack({ components: { app: { values: { colour: 'red' } } } }, all)),
    ).toThrow(
      /components\.app\.values: unknown chart value\(s\) colour; the chart's own values are: greeting/,
    );
  });

  it('points every dependency at the mirror when one is set, and changes nothing else', () => {
    const files = rendered();
    const mirrored = renderStack(
      all,
      validateStack({ mirror: 'oci://registry.example.org/charts' }, all),
    ).files;
    for (const [path, content] of files) {
      if (path.endsWith('Chart.yaml')) {
        expect(parse(mirrored.get(path) as string).dependencies[0].repository).toBe(
          'oci://registry.example.org/charts',
        );
      } else if (
        path !== 'cluster/apps/project.yaml' &&
        path !== 'stack.schema.json' &&
        !path.endsWith('README.md')
      ) {
        expect(mirrored.get(path), path).toBe(content);
      }
    }
  });
});
