import { loadStackFile } from '@idstack/core';
import { ChartsUnavailableError, chartCacheDir, ensureCharts, pinnedCharts } from '@idstack/release';
import { components } from '../components.js';
import type { CommonOptions, Io } from '../main.js';

/**
 * `idstack fetch`: pulls every pinned upstream chart (of every component: a cache serves any stack.yaml) at its
 * exact version into the chart cache, from its repository or the mirror, and pulls what is already cached again to
 * prove the source still serves the very package recorded (sha256). Afterwards `check`, `package` and `bootstrap`
 * work offline from the cache. Exit 1 when a chart cannot be had or was re-published with another digest.
 */
export async function fetchCommand(options: CommonOptions, io: Io): Promise<number> {
  const stack = loadStackFile(options.config, components);
  const cacheDir = chartCacheDir(options.chartCache);
  const mirror = options.mirror ?? stack.mirror;
  const result = await ensureCharts(pinnedCharts(components), {
    cacheDir,
    ...(mirror ? { mirror } : {}),
    verify: true,
    progress: (line) => io.out.write(`${line}\n`),
  });
  let failed = false;
  if (result.missing.length) {
    io.err.write(`idstack fetch: ${new ChartsUnavailableError(result.missing, cacheDir).message}\n`);
    failed = true;
  }
  for (const r of result.republished) {
    io.err.write(
      `idstack fetch: ${r.chart.name} ${r.chart.version} was re-published: ${r.source} now serves sha256:${r.digest}, the cache recorded sha256:${r.chart.digest} (from ${r.chart.source}). The recorded package is kept; if the change is expected, delete ${cacheDir}/${r.chart.name}/${r.chart.version} and fetch again.\n`,
    );
    failed = true;
  }
  io.out.write(
    `idstack fetch: ${result.charts.size} chart(s) in ${cacheDir}: ${result.pulled.length} pulled, ${result.verified.length} verified against their record${result.republished.length ? `, ${result.republished.length} RE-PUBLISHED` : ''}${result.missing.length ? `, ${result.missing.length} missing` : ''}\n`,
  );
  return failed ? 1 : 0;
}
