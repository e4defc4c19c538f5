import { join } from 'node:path';
import { isPlainObject } from '@idstack/core';
import { parse } from 'yaml';
import { describeObject, parseHelmOutput, parseObjects, renderOwn } from './render/parse.js';
import { type ChartPackage, renderApplications, type StackRender } from './render/render.js';
import type { ChartDependency, CheckContext, K8sObject, OwnRender } from './types.js';
import { Upstream } from './upstream.js';

/**
 * The folder of pinned upstream data (values, schemas, CRDs) named by `IDSTACK_UPSTREAM`, or undefined. Never a
 * guess: a user's clone has no such folder, and the check then verifies what it can without it (and says what not).
 */
export function defaultUpstreamDir(): string | undefined {
  return process.env.IDSTACK_UPSTREAM || undefined;
}

/** Builds what every rule sees; renders (helm) and parses lazily, each at most once. */
export function createCheckContext(
  input: Pick<CheckContext, 'root' | 'components' | 'stack' | 'plan' | 'output' | 'rendered'> & {
    readonly upstreamDir?: string;
    /** A shared reader of the pinned data (tests that check many renders read it once); its dir wins. */
    readonly upstream?: Upstream;
    /** The upstream chart packages by `name@version` (the chart cache): a full render. Without: own templates. */
    readonly charts?: ReadonlyMap<string, ChartPackage>;
    /** The full render of `charts`, already started by the caller (else started on first use). */
    readonly stackRender?: Promise<StackRender>;
  },
): CheckContext {
  const { stackRender: started, ...base } = input;
  const upstreamDir = base.upstream ? base.upstream.dir : (base.upstreamDir ?? defaultUpstreamDir());
  const renders = new Map<string, Promise<OwnRender>>();
  let cluster: K8sObject[] | undefined;
  let stackRender: Promise<StackRender> | undefined = started;
  const unverified = new Set<string>();
  const namespaceOf = (chart: string) =>
    base.plan.components.find((p) => p.component.name === chart)?.component.namespace ?? 'default';
  const ctx: CheckContext = {
    ...base,
    renderMode: base.charts ? 'full' : 'own',
    upstreamDir,
    upstream: base.upstream ?? new Upstream(upstreamDir),
    notVerified: (what) => {
      unverified.add(what);
    },
    unverified: () => [...unverified],
    ownRender: (chart) => {
      let render = renders.get(chart);
      if (!render) {
        // With the upstream charts, the full render shows the templates: only lint the own ones.
        render = renderOwn(join(base.root, 'charts', chart), chart, namespaceOf(chart), {
          lintOnly: base.charts !== undefined,
        });
        renders.set(chart, render);
      }
      return render;
    },
    render: () => {
      stackRender ??= renderApplications({
        root: base.root,
        output: base.output,
        ...(base.charts ? { charts: base.charts } : {}),
        ownRender: (chart) => ctx.ownRender(chart),
      });
      return stackRender;
    },
    clusterObjects: () => {
      cluster ??= [...base.output]
        .filter(([path]) => path.startsWith('cluster/') && /\.ya?ml$/.test(path))
        .flatMap(([path, text]) => parseObjects(text, path, 'cluster'));
      return cluster;
    },
    chartValues: (chart) => {
      const text = base.output.get(`charts/${chart}/values.yaml`);
      if (text === undefined) return undefined;
      try {
        const values = parse(text) as unknown;
        return isPlainObject(values) ? values : undefined;
      } catch {
        return undefined;
      }
    },
    chartDependencies: (chart) => {
      const text = base.output.get(`charts/${chart}/Chart.yaml`);
      if (text === undefined) return [];
      try {
        const chartYaml = parse(text) as { dependencies?: ChartDependency[] } | null;
        return (chartYaml?.dependencies ?? []).map((d) => ({ ...d, version: String(d.version) }));
      } catch {
        return [];
      }
    },
  };
  return ctx;
}

export { describeObject, parseHelmOutput, parseObjects, renderOwn };
