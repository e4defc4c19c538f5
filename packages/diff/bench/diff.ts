/**
 * `pnpm bench:diff`: the time of `idstack diff` against the two renders it needs, side by side. The budget
 * is 2.2× the two renders. Runs in this repository without changing anything: the working tree's output
 * (`charts/`, `cluster/` on disk) against the output committed at each base revision (default: HEAD, and the first
 * commit with a built stack), plus a synthetic change of 1,200 objects (compare + every format, where the render is
 * cheap and the comparison is not).
 *
 * Usage: pnpm bench:diff [--runs N] [--base REV ...]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readTree, toYaml } from '@idstack/core';
import { execa } from 'execa';
import {
  checkoutOutput,
  diffTrees,
  diffWorkingTree,
  FORMATS,
  formatDiff,
  offlineRenderer,
  type TreeRenderer,
} from '../src/index.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'), // pnpm passes its own separator on
  options: { runs: { type: 'string', default: '3' }, base: { type: 'string', multiple: true } },
});
const runs = Number(values.runs);

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

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;
const rows: string[][] = [
  ['scenario', 'base render', 'head render', 'two renders', 'idstack diff', 'ratio', 'differs'],
];

async function scenario(
  name: string,
  baseRoot: string,
  headRoot: string,
  diff: (renderer: TreeRenderer) => Promise<{ summary: object; identical: boolean }>,
) {
  // Each render alone, with its own renderer (nothing shared): what the diff must at least do, twice.
  const baseMs = await median(() => offlineRenderer().render(baseRoot));
  const headMs = await median(() => offlineRenderer().render(headRoot));
  let identical = true;
  const diffMs = await median(async () => {
    const result = await diff(offlineRenderer());
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

const head = new Map([
  ...readTree(join(REPO_ROOT, 'charts'), 'charts/'),
  ...readTree(join(REPO_ROOT, 'cluster'), 'cluster/'),
]);
const headRoot = mkdtempSync(join(tmpdir(), 'idstack-bench-head-'));
for (const [path, content] of head) {
  mkdirSync(dirname(join(headRoot, path)), { recursive: true });
  writeFileSync(join(headRoot, path), content);
}

// Default: no change (HEAD), and a large one: the first commit with a built stack (cluster/root.yaml added).
const first = (
  await execa('git', ['log', '--diff-filter=A', '--format=%h', '--', 'cluster/root.yaml'], { cwd: REPO_ROOT })
).stdout
  .split('\n')
  .filter(Boolean)
  .pop();
const bases = values.base ?? ['HEAD', ...(first ? [first] : [])];
for (const revision of bases) {
  const base = await checkoutOutput(REPO_ROOT, revision);
  try {
    await scenario(`${revision} vs working tree`, base.root, headRoot, (renderer) =>
      diffWorkingTree({ root: REPO_ROOT, base: revision, files: head, renderer }),
    );
  } finally {
    rmSync(base.tempDir, { recursive: true, force: true });
  }
}

// 6 Applications × 200 ConfigMaps, every one changed.
const synthetic = (setting: string) => {
  const root = mkdtempSync(join(tmpdir(), 'idstack-bench-synthetic-'));
  const many = `{{- range $i := until 200 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{{ $i }}\ndata:\n  config.yaml: |\n    {{- range $j := until 20 }}\n    line{{ $j }}: {{ $.Values.setting }}-{{ $j }}\n    {{- end }}\n{{- end }}\n`;
  for (const app of ['a', 'b', 'c', 'd', 'e', 'f']) {
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    };
    write(`charts/${app}/Chart.yaml`, toYaml({ apiVersion: 'v2', name: app, version: '1.0.0' }));
    write(`charts/${app}/values.yaml`, toYaml({ setting }));
    write(`charts/${app}/templates/many.yaml`, many);
    write(
      `cluster/apps/${app}.yaml`,
      toYaml({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: { name: app, namespace: 'argocd' },
        spec: { source: { path: `charts/${app}` }, destination: { namespace: app } },
      }),
    );
  }
  return root;
};
const [before, after] = [synthetic('old'), synthetic('new')];
await scenario('1,200 objects changed', before, after, (renderer) =>
  diffTrees({
    baseRoot: before,
    headRoot: after,
    renderer,
    base: { revision: 'old', commit: '0'.repeat(40) },
    head: 'new',
  }),
);
for (const dir of [headRoot, before, after]) rmSync(dir, { recursive: true, force: true });

const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
console.log(
  `idstack diff benchmark: offline render, median of ${runs} runs (the budget is 2.2× the two renders)\n`,
);
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
