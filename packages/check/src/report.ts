import type { Finding } from './types.js';

/** What one rule did: its findings and how long it took. */
export interface RuleResult {
  readonly rule: string;
  readonly findings: readonly Finding[];
  readonly ms: number;
}

/**
 * The human report: findings grouped by chart (errors first), each with where, what and how to fix, then one line
 * per rule that found something and a summary line with counts.
 */
export function formatReport(
  findings: readonly Finding[],
  results: readonly RuleResult[],
  ms: number,
  notVerified: readonly string[] = [],
): string {
  const lines: string[] = [];
  const charts = [...new Set(findings.map((f) => f.chart))].sort();
  for (const chart of charts) {
    const own = findings
      .filter((x) => x.chart === chart)
      .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
    const errors = own.filter((f) => f.severity === 'error').length;
    lines.push(`\n${chart}: ${errors} error(s), ${own.length - errors} warning(s)`);
    for (const f of own) {
      const mark = f.severity === 'error' ? '✗' : '!';
      lines.push(`  ${mark} [${f.rule}] ${f.where}`);
      lines.push(`      ${f.message.split('\n').join('\n      ')}`);
      if (f.fix) lines.push(`      fix: ${f.fix}`);
    }
  }
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const perRule = results
    .map((r) => {
      const e = r.findings.filter((f) => f.severity === 'error').length;
      return `${r.rule} ${e === 0 ? 'ok' : `${e} error(s)`}${r.findings.length - e ? `, ${r.findings.length - e} warning(s)` : ''} (${r.ms} ms)`;
    })
    .join('; ');
  if (notVerified.length) {
    lines.push('\nNOT verified (the check passes only on what it did verify):');
    for (const what of notVerified) lines.push(`  - ${what}`);
  }
  lines.push(`\nrules: ${perRule}`);
  lines.push(
    `idstack check: ${errors === 0 ? 'passed' : 'FAILED'}: ${errors} error(s), ${warnings} warning(s) from ${results.length} rules in ${ms} ms`,
  );
  return `${lines.join('\n').trimStart()}\n`;
}
