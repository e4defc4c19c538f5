import type { Finding } from './types.js';

/** The human report: findings grouped by chart, then a summary line with counts. */
export function formatReport(findings: readonly Finding[], rulesRun: number, ms: number): string {
  const lines: string[] = [];
  const charts = [...new Set(findings.map((f) => f.chart))].sort();
  for (const chart of charts) {
    lines.push(`\n${chart}`);
    for (const f of findings.filter((x) => x.chart === chart)) {
      const mark = f.severity === 'error' ? '✗' : '!';
      lines.push(`  ${mark} [${f.rule}] ${f.where}: ${f.message.split('\n').join('\n      ')}`);
      if (f.fix) lines.push(`      fix: ${f.fix}`);
    }
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  lines.push(
    `\nidstack check: ${errors === 0 ? 'passed' : 'FAILED'}: ${errors} error(s), ${warnings} warning(s) from ${rulesRun} rules in ${ms} ms`,
  );
  return `${lines.join('\n').trimStart()}\n`;
}
