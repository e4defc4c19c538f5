import { checkStack, formatReport } from '@idstack/check';
import { loadStackFile, planStack } from '@idstack/core';
import { type CachedChart, ChartsUnavailableError, requireCharts } from '@idstack/release';
import { components } from '../components.js';
import type { CommonOptions, Io } from '../main.js';
import { chartSource } from './chart-source.js';

/**
 * `idstack check`: the config, then the upstream charts of the enabled components from the chart cache (pulling
 * what it lacks from their repositories or the mirror), then every rule of @idstack/check over what Argo CD will
 * apply; exit 1 on any error. `--offline` renders the umbrellas' own templates only and says what it did not verify.
 */
export async function checkCommand(options: CommonOptions, io: Io): Promise<number> {
  const started = performance.now();
  const stack = loadStackFile(options.config, components);
  let charts: ReadonlyMap<string, CachedChart> | undefined;
  if (!options.offline) {
    const wanted = planStack(components, stack).components.flatMap((p) => p.component.charts);
    try {
      charts = await requireCharts(wanted, chartSource(options, stack, io));
    } catch (error) {
      if (!(error instanceof ChartsUnavailableError)) throw error;
      io.err.write(`idstack check: ${error.message}\n`);
      return 1;
    }
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
