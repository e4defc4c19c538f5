#!/usr/bin/env node
// `pnpm bench`: warm-cache `idstack check` against bare `helm template` of the seven umbrellas with their
// dependencies, measured side by side in one run (rounds alternate; medians). Not a test: it prints, and exits 1
// only when it cannot measure (charts not in the cache). Goal: check <= 2.5x bare, and under 2 s wall.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { applicationSources, readOutput } = await import(join(root, 'packages/check/dist/index.js'));
const { chartCopyWithDependencies, helmBinary } = await import(join(root, 'packages/core/dist/index.js'));
const { cachedChart, chartCacheDir } = await import(join(root, 'packages/release/dist/index.js'));
const { parse } = createRequire(join(root, 'packages/core/package.json'))('yaml');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const cli = join(root, 'packages/cli/dist/bin.js');

// Warm the cache the way a user does (pulls only what is missing; offline afterwards).
const warm = spawnSync(process.execPath, [cli, 'check', '--json'], { cwd: root, encoding: 'utf8' });
if (warm.status !== 0 && !warm.stdout.trim().startsWith('{')) {
  process.stderr.write(`bench: the chart cache is not warm and cannot be filled:\n${warm.stderr}`);
  process.exit(1);
}

const cacheDir = chartCacheDir();
const helm = await helmBinary();
const apps = applicationSources(readOutput(root));
const work = mkdtempSync(join(tmpdir(), 'idstack-bench-'));
const charts = new Map();
for (const app of apps) {
  const copy = join(work, app.chart);
  const chartYaml = parse(readFileSync(join(root, 'charts', app.chart, 'Chart.yaml'), 'utf8'));
  for (const { name, version } of chartYaml.dependencies ?? []) {
    const entry = cachedChart(cacheDir, name, String(version));
    if (entry) charts.set(`${name}@${version}`, entry);
  }
  const { missing } = chartCopyWithDependencies(join(root, 'charts', app.chart), copy, charts);
  if (missing.length) {
    process.stderr.write(
      `bench: ${app.chart} lacks ${missing.join(', ')} in ${cacheDir}: run \`pnpm idstack fetch\`\n`,
    );
    process.exit(1);
  }
}

const time = (fn) => {
  const started = performance.now();
  fn();
  return performance.now() - started;
};
const bare = () =>
  time(() => {
    for (const app of apps) {
      const r = spawnSync(
        helm,
        ['template', app.releaseName, join(work, app.chart), '-n', app.namespace, '--include-crds'],
        {
          encoding: 'utf8',
          maxBuffer: 1 << 28,
        },
      );
      if (r.status !== 0) throw new Error(`helm template ${app.chart} failed: ${r.stderr}`);
    }
  });
const check = () =>
  time(() => spawnSync(process.execPath, [cli, 'check', '--json'], { cwd: root, encoding: 'utf8' }));

const bareMs = [];
const checkMs = [];
for (let i = 0; i < rounds; i++) {
  bareMs.push(bare());
  checkMs.push(check());
}
rmSync(work, { recursive: true, force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const b = median(bareMs);
const c = median(checkMs);
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
console.log(
  `bare helm template, ${apps.length} umbrellas with dependencies: ${s(b)} (rounds: ${bareMs.map(s).join(', ')})`,
);
console.log(
  `idstack check, warm cache (two renders compared, all rules): ${s(c)} (rounds: ${checkMs.map(s).join(', ')})`,
);
console.log(
  `ratio: ${(c / b).toFixed(2)}x (goal <= 2.5x${c / b <= 2.5 ? ': met' : ': NOT met'}); check under 2 s: ${c < 2000 ? 'yes' : 'no'}`,
);
