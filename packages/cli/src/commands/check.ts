import { checkStack, formatReport } from '@idstack/check';
import { loadStackFile } from '@idstack/core';
import { components } from '../components.js';
import type { CommonOptions } from '../main.js';

/** `idstack check`: the config, then every rule of @idstack/check over the output on disk; exit 1 on any error. */
export async function checkCommand(
  options: CommonOptions,
  io: { out: NodeJS.WritableStream },
): Promise<number> {
  const started = performance.now();
  const stack = loadStackFile(options.config, components);
  const report = await checkStack({ root: options.root, components, stack });
  const ms = Math.round(performance.now() - started);
  if (options.json) {
    const { ok, errors, warnings, upstream, rules, findings } = report;
    io.out.write(`${JSON.stringify({ ok, errors, warnings, ms, upstream, rules, findings }, null, 2)}\n`);
  } else {
    io.out.write(formatReport(report.findings, report.rules, ms));
  }
  return report.ok ? 0 : 1;
}
