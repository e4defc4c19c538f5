/**
 * `pnpm bench:diff`: the time of `idstack diff` against the two renders it needs, side by side. The budget
 * is 2.2× the two renders. Runs in this repository without changing anything and without the network.
 *
 * Full render (default), as `idstack diff` does it: every pinned upstream chart is a TEST STAND-IN (our own
 * templates: 25 ConfigMaps that carry the chart's version and a hash of its values) pushed to a real loopback
 * registry (docker-registry) and pulled into a temporary chart cache, as from a `mirror`. "One render" is a fresh
 * full renderer on one tree (nothing shared); "idstack diff" is the diff of the two trees through one renderer,
 * the chart cache lookup and every format included. Scenarios: the working tree's output (`charts/`, `cluster/` on
 * disk) against the output committed at each base revision (default: HEAD, and the first commit with a built
 * stack), an upstream chart bump (the base pins another cert-manager), and a synthetic change of 1,200 objects.
 *
 * Usage: pnpm bench:diff [--runs N] [--base REV ...] [--offline]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readTree, toYaml } from '@idstack/core';
import { ensureCharts, ociTarget, pushChart } from '@idstack/release';
import { packageUpstreamStandIn, startRegistry } from '@idstack/release/testing';
import { execa } from 'execa';
import {
  checkoutOutput,
  diffTrees,
  diffWorkingTree,
  FORMATS,
  formatDiff,
  fullRenderer,
  offlineRenderer,
  type PinnedChart,
  pinnedCharts,
  type TreeRenderer,
} from '../src/index.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'), // pnpm passes its own separator on
  options: {
    runs: { type: 'string', default: '3' },
    base: { type: 'string', multiple: true },
    offline: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};

/** Milliseconds `task` takes, the median of `runs` runs. */
async function median(task: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await task();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** A folder holding `files` (paths relative to it). */
function writeTree(files: ReadonlyMap<string, string>, prefix: string): string {
  const root = temp(prefix);
  for (const [path, content] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

const head = new Map([
  ...readTree(join(REPO_ROOT, 'charts'), 'charts/'),
  ...readTree(join(REPO_ROOT, 'cluster'), 'cluster/'),
]);
const headRoot = writeTree(head, 'idstack-bench-head-');

// Default bases: no change (HEAD), and a large one: the first commit with a built stack (cluster/root.yaml added).
const first = (
  await execa('git', ['log', '--diff-filter=A', '--format=%h', '--', 'cluster/root.yaml'], { cwd: REPO_ROOT })
).stdout
  .split('\n')
  .filter(Boolean)
  .pop();
const bases = await Promise.all(
  (values.base ?? ['HEAD', ...(first ? [first] : [])]).map(async (revision) => {
    const tree = await checkoutOutput(REPO_ROOT, revision);
    temps.push(tree.tempDir);
    return { revision, tree };
  }),
);

// An upstream chart bump: the base is the working tree's output pinning an older cert-manager.
const BUMPED = { chart: 'charts/ingress/Chart.yaml', name: 'cert-manager', older: 'v1.20.0' };
const bumpBase = new Map(head);
const pinned = new RegExp(`(- name: ${BUMPED.name}\\n\\s+version: )\\S+`);
bumpBase.set(BUMPED.chart, (head.get(BUMPED.chart) ?? '').replace(pinned, `$1${BUMPED.older}`));
const bumpRoot = writeTree(bumpBase, 'idstack-bench-bump-');

// 6 Applications × 200 ConfigMaps, every one changed.
const synthetic = (setting: string) => {
  const files = new Map<string, string>();
  const many = `{{- range $i := until 200 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{{ $i }}\ndata:\n  config.yaml: |\n    {{- range $j := until 20 }}\n    line{{ $j }}: {{ $.Values.setting }}-{{ $j }}\n    {{- end }}\n{{- end }}\n`;
  for (const app of ['a', 'b', 'c', 'd', 'e', 'f']) {
    files.set(`charts/${app}/Chart.yaml`, toYaml({ apiVersion: 'v2', name: app, version: '1.0.0' }));
    files.set(`charts/${app}/values.yaml`, toYaml({ setting }));
    files.set(`charts/${app}/templates/many.yaml`, many);
    files.set(
      `cluster/apps/${app}.yaml`,
      toYaml({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: app, namespace: 'argocd' },
        spec: { source: { path: `charts/${app}` }, destination: { namespace: app } },
      }),
    );
  }
  return writeTree(files, 'idstack-bench-synthetic-');
};
const [before, after] = [synthetic('old'), synthetic('new')];

/** The renderer of one run: offline, or full with the stand-ins from the loopback registry via the chart cache. */
let makeRenderer: () => TreeRenderer = offlineRenderer;
let stopRegistry = async () => {};
if (!values.offline) {
  const registry = await startRegistry();
  stopRegistry = () => registry.stop();
  const mirror = `${registry.url}/charts`;
  const wanted = new Map<string, PinnedChart>();
  for (const root of [headRoot, bumpRoot, ...bases.map((b) => b.tree.root)])
    for (const chart of pinnedCharts(root)) wanted.set(`${chart.name}@${chart.version}`, chart);
  for (const chart of wanted.values()) {
    const tgz = await packageUpstreamStandIn(chart.name, chart.version, {
      'many.yaml': `{{- range $i := until 25 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ $.Release.Name }}-{{ $.Chart.Name }}-{{ $i }}\ndata:\n  version: {{ $.Chart.Version | quote }}\n  values: {{ toYaml $.Values | sha256sum | quote }}\n{{- end }}\n`,
    });
    await pushChart(ociTarget(mirror), tgz, `the ${chart.name} stand-in`);
  }
  const cacheDir = temp('idstack-bench-cache-');
  const filled = await ensureCharts([...wanted.values()], { cacheDir, mirror });
  if (filled.missing.length) throw new Error(`stand-ins missing: ${JSON.stringify(filled.missing)}`);
  // What the CLI does per diff: every chart looked up (and its sha256 checked) in the cache.
  makeRenderer = () =>
    fullRenderer({
      resolveCharts: async (charts) => {
        const found = await ensureCharts(charts, { cacheDir, offline: true });
        if (found.missing.length) throw new Error(`not cached: ${JSON.stringify(found.missing)}`);
        return found.charts;
      },
    });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;
const rows: string[][] = [
  ['scenario', 'base render', 'head render', 'two renders', 'idstack diff', 'ratio', 'differs'],
];

/** One render of one tree, with a renderer of its own (nothing shared): what the diff must at least do, twice. */
async function renderAlone(root: string) {
  const renderer = makeRenderer();
  await renderer.prepare?.([root]);
  return renderer.render(root);
}

async function scenario(
  name: string,
  baseRoot: string,
  headRoot: string,
  diff: (renderer: TreeRenderer) => Promise<{ summary: object; identical: boolean }>,
) {
  const baseMs = await median(() => renderAlone(baseRoot));
  const headMs = await median(() => renderAlone(headRoot));
  let identical = true;
  const diffMs = await median(async () => {
    const result = await diff(makeRenderer());
    for (const format of FORMATS) formatDiff(result as never, format);
    identical = result.identical;
  });
  const two = baseMs + headMs;
  rows.push([
    name,
    seconds(baseMs),
    seconds(headMs),
    seconds(two),
    seconds(diffMs),
    `${(diffMs / two).toFixed(2)}×`,
    identical ? 'no' : 'yes',
  ]);
}

const trees = (baseRoot: string, headRoot: string, revision: string) => (renderer: TreeRenderer) =>
  diffTrees({ baseRoot, headRoot, renderer, base: { revision, commit: '0'.repeat(40) }, head: 'head' });

try {
  for (const { revision, tree } of bases) {
    await scenario(`${revision} vs working tree`, tree.root, headRoot, (renderer) =>
      diffWorkingTree({ root: REPO_ROOT, base: revision, files: head, renderer }),
    );
  }
  await scenario(
    `${BUMPED.name} ${BUMPED.older} → pinned`,
    bumpRoot,
    headRoot,
    trees(bumpRoot, headRoot, 'bump'),
  );
  await scenario('1,200 objects changed', before, after, trees(before, after, 'old'));
} finally {
  await stopRegistry();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
}

const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
console.log(
  `idstack diff benchmark: ${values.offline ? 'offline render' : 'full render (stand-in upstream charts from a loopback registry)'}, median of ${runs} runs (the budget is 2.2× the two renders)\n`,
);
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
