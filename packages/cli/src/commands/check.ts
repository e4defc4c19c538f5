import { loadStackFile, renderStack } from '@idstack/core';
import { createCheckContext } from '../check/context.js';
import { formatReport } from '../check/report.js';
import { readOutput, runChecks } from '../check/run.js';
import { components } from '../components.js';
import type { CommonOptions } from '../main.js';

/** `idstack check`: config, then every rule over the output on disk; exit 1 on any error finding. */
export async function checkCommand(
  options: CommonOptions,
  io: { out: NodeJS.WritableStream },
): Promise<number> {
  const started = performance.now();
  const stack = loadStackFile(options.config, components);
  const { plan, files } = renderStack(components, stack);
  const ctx = createCheckContext({
    root: options.root,
    components,
    stack,
    plan,
    output: readOutput(options.root),
    rendered: files,
  });
  const results = await runChecks(ctx);
  const findings = results.flatMap((r) => r.findings);
  const ms = Math.round(performance.now() - started);
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (options.json) {
    io.out.write(
      `${JSON.stringify({ ok: errors === 0, errors, warnings: findings.length - errors, ms, upstream: ctx.upstreamDir, rules: results, findings }, null, 2)}\n`,
    );
  } else {
    io.out.write(formatReport(findings, results, ms));
  }
  return errors === 0 ? 0 : 1;
}
