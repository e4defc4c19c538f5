import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FileMap } from '@idstack/core';
import { driftTraps } from './drift-traps.js';
import { helmLint } from './helm-lint.js';
import { inSync } from './in-sync.js';
import { placeholders } from './placeholders.js';
import { resourceSchemas } from './resource-schemas.js';
import { secrets } from './secrets.js';
import { syncOrder } from './sync-order.js';
import type { CheckContext, Finding, Rule } from './types.js';
import { upstreamValues } from './upstream-values.js';

/** Every rule `idstack check` runs, in report order. */
export const rules: readonly Rule[] = [
  placeholders,
  inSync,
  helmLint,
  upstreamValues,
  resourceSchemas,
  syncOrder,
  driftTraps,
  secrets,
];

/** Reads `charts/**` and `cluster/**` under `root` as a FileMap (paths relative to root, sorted). */
export function readOutput(root: string): FileMap {
  const files: FileMap = new Map();
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else files.set(relative(root, full).split('\\').join('/'), readFileSync(full, 'utf8'));
    }
  };
  walk(join(root, 'charts'));
  walk(join(root, 'cluster'));
  return files;
}

/** Runs the rules (concurrently) and returns their findings in rule order, each rule's timing beside. */
export async function runChecks(ctx: CheckContext, selected: readonly Rule[] = rules) {
  const results = await Promise.all(
    selected.map(async (rule) => {
      const started = performance.now();
      let findings: readonly Finding[];
      try {
        findings = await rule.run(ctx);
      } catch (error) {
        findings = [
          {
            severity: 'error',
            rule: rule.id,
            chart: 'idstack',
            where: rule.id,
            message: `the rule crashed: ${(error as Error).stack ?? error}`,
          },
        ];
      }
      return { rule: rule.id, findings, ms: Math.round(performance.now() - started) };
    }),
  );
  return results;
}
