import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Component,
  chartCopyWithDependencies,
  loadStackFile,
  type Plan,
  planStack,
  toolBinary,
} from '@idstack/core';
import { type CachedChart, ChartsUnavailableError, chartCacheDir, requireCharts } from '@idstack/release';
import { execa } from 'execa';
import { components } from '../components.js';
import type { CommonOptions, Io } from '../main.js';
import { chartSource } from './chart-source.js';

/** One command of the bootstrap sequence. */
export interface BootstrapStep {
  readonly tool: 'helm' | 'kubectl';
  readonly args: readonly string[];
  /** Why this step, for the log. */
  readonly why: string;
}

/** The components installed before Argo CD, in their declared bootstrap order (the CNI before Argo CD's pods). */
export function bootstrapComponents(plan: Plan): Component[] {
  return plan.components
    .map(({ component }) => component)
    .filter((c) => c.bootstrap)
    .sort((a, b) => (a.bootstrap?.order ?? 0) - (b.bootstrap?.order ?? 0));
}

/**
 * The bootstrap sequence: every component that must exist before Argo CD, in bootstrap order, installed with helm
 * from `<copies>/<name>` (a copy of its committed chart with its dependencies from the chart cache: the
 * repository's `charts/` is never written) under the release name its Application adopts; then the root
 * app-of-apps. Everything after that is Argo CD's.
 */
export function bootstrapSteps(plan: Plan, root: string, copies: string): BootstrapStep[] {
  const steps: BootstrapStep[] = [];
  for (const component of bootstrapComponents(plan)) {
    const set = Object.entries(component.bootstrap?.set ?? {}).flatMap(([key, value]) => [
      '--set',
      `${key}=${value}`,
    ]);
    steps.push({
      tool: 'helm',
      args: [
        'upgrade',
        '--install',
        component.name,
        join(copies, component.name),
        '--namespace',
        component.namespace,
        '--create-namespace',
        ...set,
        '--wait',
        '--timeout',
        '10m',
      ],
      why: `install ${component.name} before Argo CD (its Application adopts the release)`,
    });
  }
  steps.push({
    tool: 'kubectl',
    args: ['apply', '--server-side', '-f', join(root, 'cluster', 'root.yaml')],
    why: 'hand the stack to Argo CD: the root app-of-apps and its project',
  });
  return steps;
}

/**
 * `idstack bootstrap`: the bootstrapped components' upstream charts from the chart cache (pulled when missing),
 * copies of their charts with those dependencies in a temporary folder, then the sequence against the current kube
 * context (`--dry-run` prints it and keeps the copies for the printed commands). Create the Secrets first
 * (`idstack secrets --create`).
 */
export async function bootstrapCommand(options: CommonOptions, io: Io): Promise<number> {
  const stack = loadStackFile(options.config, components);
  const plan = planStack(components, stack);
  let charts: ReadonlyMap<string, CachedChart>;
  try {
    charts = await requireCharts(
      bootstrapComponents(plan).flatMap((c) => c.charts),
      chartSource(options, stack, io),
    );
  } catch (error) {
    if (!(error instanceof ChartsUnavailableError)) throw error;
    io.err.write(`idstack bootstrap: ${error.message}\n`);
    return 1;
  }
  const copies = mkdtempSync(join(tmpdir(), 'idstack-bootstrap-'));
  try {
    for (const component of bootstrapComponents(plan))
      chartCopyWithDependencies(
        join(options.root, 'charts', component.name),
        join(copies, component.name),
        charts,
      );
    if (options.dryRun)
      io.out.write(
        `# chart copies with their dependencies from ${chartCacheDir(options.chartCache)}: ${copies} (left for these commands)\n`,
      );
    for (const step of bootstrapSteps(plan, options.root, copies)) {
      io.out.write(`# ${step.why}\n${step.tool} ${step.args.join(' ')}\n`);
      if (options.dryRun) continue;
      const result = await execa(await toolBinary(step.tool), step.args, { reject: false, all: true });
      io.out.write(result.all ? `${result.all}\n` : '');
      if (result.exitCode !== 0) {
        io.err.write(
          `idstack bootstrap: \`${step.tool} ${step.args.join(' ')}\` failed (exit ${result.exitCode}); nothing after it ran\n`,
        );
        return 1;
      }
    }
  } finally {
    if (!options.dryRun) rmSync(copies, { recursive: true, force: true });
  }
  if (!options.dryRun)
    io.out.write('idstack bootstrap: done; watch the waves with `kubectl -n argocd get applications -w`\n');
  return 0;
}
