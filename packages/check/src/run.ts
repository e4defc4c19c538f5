import { join } from 'node:path';
import { type Component, type FileMap, helmBinary, readTree, renderStack, type Stack } from '@idstack/core';
import { createCheckContext } from './context.js';
import { type ChartPackage, renderApplications, type StackRender } from './render/render.js';
import type { RuleResult } from './report.js';
import { blueprints } from './rules/blueprints.js';
import { certificateOrder } from './rules/certificate-order.js';
import { deterministic } from './rules/deterministic.js';
import { driftTraps } from './rules/drift-traps.js';
import { helmLint } from './rules/helm-lint.js';
import { imagesRule } from './rules/images.js';
import { inSync } from './rules/in-sync.js';
import { networkFlows } from './rules/network-flows.js';
import { placeholders } from './rules/placeholders.js';
import { projectPermissions } from './rules/project-permissions.js';
import { resourceSchemas } from './rules/resource-schemas.js';
import { secrets } from './rules/secrets.js';
import { syncOrder } from './rules/sync-order.js';
import { upstreamValues } from './rules/upstream-values.js';
import type { CheckContext, Finding, Rule } from './types.js';

/** Every rule `idstack check` runs, in report order. */
export const rules: readonly Rule[] = [
  placeholders,
  inSync,
  helmLint,
  upstreamValues,
  resourceSchemas,
  syncOrder,
  projectPermissions,
  certificateOrder,
  networkFlows,
  driftTraps,
  deterministic,
  imagesRule,
  secrets,
  blueprints,
];

/** Reads `charts/**` and `cluster/**` under `root` as a FileMap (paths relative to root, sorted). */
export function readOutput(root: string): FileMap {
  return new Map([
    ...readTree(join(root, 'charts'), 'charts/'),
    ...readTree(join(root, 'cluster'), 'cluster/'),
  ]);
}

/** Runs the rules (concurrently) and returns their findings in rule order, each rule's timing beside. */
export async function runChecks(ctx: CheckContext, selected: readonly Rule[] = rules): Promise<RuleResult[]> {
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

/** What `idstack check` reports: the verdict, counts, each rule's result and every finding. */
export interface CheckReport {
  /** No error finding (warnings do not fail the check). */
  readonly ok: boolean;
  readonly errors: number;
  readonly warnings: number;
  /** How long the check took (render, read, rules), in milliseconds. */
  readonly ms: number;
  /** The pinned upstream data the check read (IDSTACK_UPSTREAM), if any. */
  readonly upstream: string | undefined;
  /** What the check could not verify, said plainly (no pinned data, no upstream render). */
  readonly notVerified: readonly string[];
  readonly rules: readonly RuleResult[];
  readonly findings: readonly Finding[];
}

/**
 * `idstack check` on an output root: renders what the build would write from `stack` with `components` (the
 * component list is an input: the engine knows no component), reads charts/ and cluster/ under `root`, and runs the
 * rules over them. Throws the core's ConfigError when the components' graph or options are invalid.
 */
export async function checkStack(
  input: {
    readonly root: string;
    readonly components: readonly Component[];
    readonly stack: Stack;
    /** Folder of the pinned upstream data (default: `IDSTACK_UPSTREAM`; none without it). */
    readonly upstreamDir?: string;
    /**
     * The upstream chart packages by `name@version` (`ensureCharts` of @idstack/release): every Application is
     * rendered with them, as Argo CD will. Without them, offline: each chart's own templates only.
     */
    readonly charts?: ReadonlyMap<string, ChartPackage>;
  },
  selected: readonly Rule[] = rules,
): Promise<CheckReport> {
  const started = performance.now();
  const output = readOutput(input.root);
  // The full render is helm's work on the other cores: start it before the stack is rendered in memory, and let
  // its first helm processes spawn before this thread turns to that synchronous work.
  let stackRender: Promise<StackRender> | undefined;
  if (input.charts) {
    await helmBinary();
    stackRender = renderApplications({ root: input.root, output, charts: input.charts });
    stackRender.catch(() => {}); // a failure surfaces where the rules await it
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { plan, files } = renderStack(input.components, input.stack);
  const ctx = createCheckContext({
    root: input.root,
    components: input.components,
    stack: input.stack,
    plan,
    output,
    rendered: files,
    ...(input.upstreamDir ? { upstreamDir: input.upstreamDir } : {}),
    ...(input.charts ? { charts: input.charts } : {}),
    ...(stackRender ? { stackRender } : {}),
  });
  const results = await runChecks(ctx, selected);
  const findings = results.flatMap((r) => r.findings);
  const errors = findings.filter((f) => f.severity === 'error').length;
  return {
    ok: errors === 0,
    errors,
    warnings: findings.length - errors,
    ms: Math.round(performance.now() - started),
    upstream: ctx.upstreamDir,
    notVerified: ctx.unverified(),
    rules: results,
    findings,
  };
}
