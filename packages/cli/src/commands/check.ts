import { checkStack, formatReport } from '@idstack/check';
import { loadStackFile, planStack } from '@idstack/core';
import { ChartsUnavailableError, chartCacheDir, ensureCharts } from '@idstack/release';
import { components } from '../components.js';
import type { CommonOptions, Io } from '../main.js';

/**
 * `idstack check`: the config, then the upstream charts of the enabled components from the chart cache (pulling
 * what it lacks from their repositories or the mirror), then every rule of @idstack/check over what Argo CD will
 * apply; exit 1 on any error. `--offline` renders the umbrellas' own templates only and says what it did not verify.
 */
export async function checkCommand(options: CommonOptions, io: Io): Promise<number> {
  const started = performance.now();
  const stack = loadStackFile(options.config, components);
  let charts: Awaited<ReturnType<typeof ensureCharts>>['charts'] | undefined;
  if (!options.offline) {
    const cacheDir = chartCacheDir(options.chartCache);
    const mirror = options.mirror ?? stack.mirror;
    const wanted = planStack(components, stack).components.flatMap((p) => p.component.charts);
    const tty = (io.err as { isTTY?: boolean }).isTTY === true;
    const result = await ensureCharts(wanted, {
      cacheDir,
      ...(mirror ? { mirror } : {}),
      ...(tty ? { progress: (line: string) => io.err.write(`${line}\n`) } : {}),
    });
    if (result.missing.length) {
      io.err.write(`idstack check: ${new ChartsUnavailableError(result.missing, cacheDir).message}\n`);
      return 1;
    }
    charts = result.charts;
  }
  const report = await checkStack({
    root: options.root,
    components,
    stack,
    ...(options.upstream ? { upstreamDir: options.upstream } : {}),
    ...(charts ? { charts } : {}),
  });
  const ms = Math.round(performance.now() - started);
  if (options.json) {
    const { ok, errors, warnings, upstream, notVerified, rules, findings } = report;
    const mode = charts ? 'full' : 'offline';
    io.out.write(
      `${JSON.stringify({ ok, errors, warnings, ms, mode, upstream, notVerified, rules, findings }, null, 2)}\n`,
    );
  } else {
    io.out.write(formatReport(report.findings, report.rules, ms, report.notVerified));
  }
  return report.ok ? 0 : 1;
}
