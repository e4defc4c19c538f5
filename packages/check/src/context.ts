import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPlainObject, lintAndRenderOwnTemplates, type Values } from '@idstack/core';
import { parse, parseAllDocuments } from 'yaml';
import type { ChartDependency, CheckContext, K8sObject, OwnRender } from './types.js';
import { Upstream } from './upstream.js';

/**
 * Where the pinned upstream data is: `IDSTACK_UPSTREAM`, else `shared/upstream` beside the repository (`<root>/..`),
 * else beside the checkout this package runs from (tests render into temp roots).
 */
export function defaultUpstreamDir(root?: string): string {
  if (process.env.IDSTACK_UPSTREAM) return process.env.IDSTACK_UPSTREAM;
  const besideRoot = root === undefined ? undefined : resolve(root, '..', 'shared', 'upstream');
  if (besideRoot && existsSync(besideRoot)) return besideRoot;
  // packages/check/src/context.ts or packages/check/dist/context.js -> <repo>/../shared/upstream
  return fileURLToPath(new URL('../../../../shared/upstream', import.meta.url));
}

/** Builds what every rule sees; renders (helm) and parses lazily, each at most once. */
export function createCheckContext(
  base: Pick<CheckContext, 'root' | 'components' | 'stack' | 'plan' | 'output' | 'rendered'> & {
    readonly upstreamDir?: string;
    /** A shared reader of the pinned data (tests that check many renders read it once); its dir wins. */
    readonly upstream?: Upstream;
  },
): CheckContext {
  const upstreamDir = base.upstream?.dir ?? base.upstreamDir ?? defaultUpstreamDir(base.root);
  const renders = new Map<string, Promise<OwnRender>>();
  let cluster: K8sObject[] | undefined;
  const namespaceOf = (chart: string) =>
    base.plan.components.find((p) => p.component.name === chart)?.component.namespace ?? 'default';
  return {
    ...base,
    upstreamDir,
    upstream: base.upstream ?? new Upstream(upstreamDir),
    ownRender: (chart) => {
      let render = renders.get(chart);
      if (!render) {
        render = renderOwn(join(base.root, 'charts', chart), chart, namespaceOf(chart));
        renders.set(chart, render);
      }
      return render;
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
}

async function renderOwn(chartDir: string, chart: string, namespace: string): Promise<OwnRender> {
  if (!existsSync(join(chartDir, 'Chart.yaml'))) {
    const missing = { exitCode: 1, stdout: '', stderr: `${chartDir}/Chart.yaml is missing` };
    return { lint: missing, template: missing, objects: [] };
  }
  const { lint, template } = await lintAndRenderOwnTemplates(chartDir, chart, namespace);
  const objects = template.exitCode === 0 ? parseHelmOutput(template.stdout, chart) : [];
  return { lint, template, objects };
}

/** Splits `helm template` output into objects, each with the template file it came from (`# Source:`). */
export function parseHelmOutput(stdout: string, chart: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const chunk of stdout.split(/^---[ \t]*$/m)) {
    const source = /^# Source: [^/\n]+\/(.+)$/m.exec(chunk)?.[1];
    const file = `charts/${chart}/${source ?? 'templates'}`;
    out.push(...parseObjects(chunk, file, chart));
  }
  return out;
}

/** The objects of a (multi-document) YAML text; empty documents are skipped, unparsable ones too. */
export function parseObjects(text: string, file: string, chart: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) continue;
    const value = doc.toJS() as unknown;
    if (isPlainObject(value)) out.push({ object: value as Values, file, chart });
  }
  return out;
}

/** `kind/name` (and namespace) of an object, for messages. */
export function describeObject(o: Values): string {
  const meta = (o.metadata ?? {}) as Values;
  return `${String(o.kind)}/${String(meta.name ?? '?')}`;
}
