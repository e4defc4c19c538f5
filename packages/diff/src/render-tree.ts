import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseObjects } from '@idstack/check';
import { readTree, type Values } from '@idstack/core';
import { RenderError } from './errors.js';
import { BOOTSTRAP, clusterDocuments, readApplications, record, sourceDir } from './tree.js';
import type { ApplicationInfo, TreeRenderer } from './types.js';

/** helm processes at once: enough to overlap process start-up, few enough for a small CI runner. */
const CONCURRENCY = 4;

/** Renders one chart source of one Application: the chart folder, the Application, its Helm release name. */
export type ChartRender = (chartDir: string, app: ApplicationInfo, release: string) => Promise<Values[]>;

/**
 * A {@link TreeRenderer} from a way to render one chart: every Application of `cluster/`, a chart source through
 * `renderChart`, a directory source (the root app-of-apps) as the manifests in its folder, and what no Application
 * applies (`cluster/root.yaml`) under {@link BOOTSTRAP}.
 *
 * One renderer serves both sides of a diff: a chart whose files, release and namespace are byte-identical on both
 * renders once (the render depends on nothing else), so a diff costs the charts that changed, not all of them.
 */
export function chartTreeRenderer(
  options: Pick<TreeRenderer, 'mode' | 'description'> & { readonly renderChart: ChartRender },
): TreeRenderer {
  const renders = new Map<string, Promise<Values[]>>();
  const renderChart = (dir: string, app: ApplicationInfo): Promise<Values[]> => {
    const release = String(record(app.source.helm).releaseName ?? app.name);
    const hash = createHash('sha256').update(JSON.stringify([release, app.namespace]));
    for (const [path, content] of readTree(dir)) hash.update(`\0${path}\0${content}`);
    const key = hash.digest('hex');
    let render = renders.get(key);
    if (!render) {
      render = options.renderChart(dir, app, release);
      renders.set(key, render);
    }
    return render;
  };
  return {
    mode: options.mode,
    description: options.description,
    render: (root) =>
      treeObjects(root, async (apps) => {
        const rendered = await mapLimit(apps, CONCURRENCY, (app) =>
          renderChart(sourceDir(root, app.source) as string, app),
        );
        return new Map(apps.map((app, i) => [app.name, rendered[i] ?? []]));
      }),
  };
}

/**
 * What Argo CD applies from one output tree, by Application: the chart sources through `renderCharts` (given the
 * Applications whose source is a chart folder), a directory source (the root app-of-apps) as the manifests in its
 * folder, and what no Application applies (`cluster/root.yaml`) under {@link BOOTSTRAP}. Every renderer shares it.
 */
export async function treeObjects(
  root: string,
  renderCharts: (apps: readonly ApplicationInfo[]) => Promise<ReadonlyMap<string, readonly Values[]>>,
): Promise<Map<string, readonly Values[]>> {
  const apps = [...readApplications(root).values()];
  const dirs = new Map(
    apps.map((app) => {
      const dir = sourceDir(root, app.source);
      if (!dir) {
        throw new RenderError(
          `Application ${app.name} (${app.file}): its source (${JSON.stringify(app.source)}) is not in this repository's charts/ or cluster/`,
        );
      }
      return [app.name, dir];
    }),
  );
  const dirOf = (app: ApplicationInfo) => dirs.get(app.name) as string;
  const charted = await renderCharts(apps.filter((app) => isChart(dirOf(app))));
  const out = new Map<string, readonly Values[]>(
    apps.map((app) => {
      const dir = dirOf(app);
      return [
        app.name,
        isChart(dir) ? (charted.get(app.name) ?? []) : directoryObjects(root, dir, app.source),
      ];
    }),
  );
  const owned = new Set(
    apps
      .map(dirOf)
      .filter((dir) => !isChart(dir))
      .map((dir) => relative(root, dir)),
  );
  const bootstrap = clusterDocuments(root)
    .filter(({ file }) => !owned.has(dirname(file)))
    .map(({ object }) => object);
  if (bootstrap.length) out.set(BOOTSTRAP, bootstrap);
  return out;
}

const isChart = (dir: string) => existsSync(join(dir, 'Chart.yaml'));

/** The manifests of a directory source (`directory.recurse` honoured), as Argo CD reads them. */
function directoryObjects(root: string, dir: string, source: Values): Values[] {
  const recurse = record(source.directory).recurse === true;
  const files = recurse
    ? [...readTree(dir)].map(([path, text]) => ({ path, text }))
    : readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name)
        .sort()
        .map((path) => ({ path, text: readFileSync(join(dir, path), 'utf8') }));
  return files
    .filter(({ path }) => /\.(ya?ml|json)$/.test(path))
    .flatMap(({ path, text }) =>
      parseObjects(text, relative(root, join(dir, path)), 'cluster').map((o) => o.object),
    );
}

/** Runs `task` over `items`, at most `limit` at once, keeping the order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
