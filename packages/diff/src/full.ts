import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ApplicationRender,
  type ApplicationRenderInput,
  applicationSources,
  type ChartPackage,
  renderApplication,
  renderApplications,
} from '@idstack/check';
import { isPlainObject, readTree, type Values } from '@idstack/core';
import { parse } from 'yaml';
import { RenderError } from './errors.js';
import { treeObjects } from './render-tree.js';
import type { TreeRenderer } from './types.js';

/** One upstream chart an umbrella of a tree pins (a Chart.yaml dependency): what the chart cache is asked for. */
export interface PinnedChart {
  readonly name: string;
  readonly version: string;
  /** The upstream repository the dependency names (the mirror replaces it when set). */
  readonly repository: string;
}

export interface FullRendererOptions {
  /**
   * Makes the upstream charts available, by `name@version` (the chart cache: `ensureCharts` of @idstack/release).
   * Called once, with what both trees pin (each its own versions: an upstream bump pins another one at the base);
   * throws what keeps them from being had (the CLI's ChartsUnavailableError).
   */
  readonly resolveCharts: (wanted: readonly PinnedChart[]) => Promise<ReadonlyMap<string, ChartPackage>>;
}

/**
 * The full render: what Argo CD applies. Every Application of a tree is rendered by `idstack check`'s own
 * pipeline (`renderApplications` of @idstack/check: the umbrella with the upstream charts its Chart.yaml pins, the
 * Application's release, namespace and values, the API versions of earlier waves), once per tree.
 *
 * An Application whose inputs are byte-identical in both trees (chart files, Application, API versions) renders
 * once, so the cost of a diff is the two renders at most.
 */
export function fullRenderer(options: FullRendererOptions): TreeRenderer {
  let charts: Promise<ReadonlyMap<string, ChartPackage>> | undefined;
  const resolve = (roots: readonly string[]) => {
    charts ??= options.resolveCharts(uniqueCharts(roots.flatMap(pinnedCharts)));
    return charts;
  };
  const renders = new Map<string, Promise<ApplicationRender>>();
  const shared = (input: ApplicationRenderInput): Promise<ApplicationRender> => {
    const hash = createHash('sha256').update(
      JSON.stringify([input.application, input.apiVersions, input.twice ?? true]),
    );
    for (const [path, content] of readTree(join(input.root, 'charts', input.application.chart)))
      hash.update(`\0${path}\0${content}`);
    const key = hash.digest('hex');
    let render = renders.get(key);
    if (!render) {
      render = renderApplication(input);
      renders.set(key, render);
    }
    return render;
  };
  return {
    mode: 'full',
    description:
      "what Argo CD applies: each Application's umbrella chart rendered with the upstream charts it pins (from the chart cache or mirror), as idstack check renders it",
    prepare: async (roots) => {
      await resolve(roots);
    },
    render: (root) =>
      treeObjects(root, async (apps) => {
        const rendered = await renderApplications({
          root,
          output: readTree(join(root, 'cluster'), 'cluster/'),
          charts: await resolve([root]),
          twice: false,
          renderApplication: shared,
        });
        const out = new Map<string, Values[]>();
        for (const r of rendered.applications) {
          const { name, chart } = r.application;
          if (r.exitCode !== 0) {
            throw new RenderError(
              `charts/${chart} (Application ${name}): helm template failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`,
            );
          }
          out.set(
            name,
            r.objects.map((o) => o.object),
          );
        }
        for (const app of apps) {
          if (!out.has(app.name)) {
            throw new RenderError(
              `Application ${app.name} (${app.file}): its chart source (${JSON.stringify(app.source)}) names no chart under charts/`,
            );
          }
        }
        return out;
      }),
  };
}

/** The upstream charts the Applications of a tree pin: their umbrellas' Chart.yaml dependencies, in that tree. */
export function pinnedCharts(root: string): PinnedChart[] {
  const out: PinnedChart[] = [];
  for (const app of applicationSources(readTree(join(root, 'cluster'), 'cluster/'))) {
    const file = join(root, 'charts', app.chart, 'Chart.yaml');
    if (!existsSync(file)) continue; // the render says so, naming the Application
    let chart: unknown;
    try {
      chart = parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new RenderError(`charts/${app.chart}/Chart.yaml cannot be read: ${(error as Error).message}`);
    }
    const dependencies = isPlainObject(chart) && Array.isArray(chart.dependencies) ? chart.dependencies : [];
    for (const dep of dependencies.filter(isPlainObject)) {
      out.push({
        name: String(dep.name),
        version: String(dep.version),
        repository: String(dep.repository ?? ''),
      });
    }
  }
  return uniqueCharts(out);
}

const uniqueCharts = (charts: readonly PinnedChart[]): PinnedChart[] =>
  [...new Map(charts.map((c) => [`${c.name}@${c.version}`, c])).values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
