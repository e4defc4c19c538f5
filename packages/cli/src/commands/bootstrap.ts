import { join } from 'node:path';
import { loadStackFile, planStack, toolBinary } from '@idstack/core';
import { execa } from 'execa';
import { components } from '../components.js';
import type { CommonOptions, Io } from '../main.js';

/** One command of the bootstrap sequence. */
export interface BootstrapStep {
  readonly tool: 'helm' | 'kubectl';
  readonly args: readonly string[];
  /** Why this step, for the log. */
  readonly why: string;
}

/**
 * The bootstrap sequence: every component that must exist before Argo CD (the CNI first, then Argo CD itself), in
 * their declared bootstrap order (not the wave order: Argo CD's pods need the CNI), installed with helm from its committed chart under the release name its Application adopts; then the root
 * app-of-apps. Everything after that is Argo CD's.
 */
export function bootstrapSteps(options: Pick<CommonOptions, 'root' | 'config'>): BootstrapStep[] {
  const plan = planStack(components, loadStackFile(options.config, components));
  const steps: BootstrapStep[] = [];
  const bootstrapped = plan.components
    .map(({ component }) => component)
    .filter((c) => c.bootstrap)
    .sort((a, b) => (a.bootstrap?.order ?? 0) - (b.bootstrap?.order ?? 0));
  for (const component of bootstrapped) {
    const chart = join(options.root, 'charts', component.name);
    const set = Object.entries(component.bootstrap?.set ?? {}).flatMap(([key, value]) => [
      '--set',
      `${key}=${value}`,
    ]);
    steps.push(
      {
        tool: 'helm',
        args: ['dependency', 'build', chart],
        why: `fetch ${component.name}'s upstream charts`,
      },
      {
        tool: 'helm',
        args: [
          'upgrade',
          '--install',
          component.name,
          chart,
          '--namespace',
          component.namespace,
          '--create-namespace',
          ...set,
          '--wait',
          '--timeout',
          '10m',
        ],
        why: `install ${component.name} before Argo CD (its Application adopts the release)`,
      },
    );
  }
  steps.push({
    tool: 'kubectl',
    args: ['apply', '--server-side', '-f', join(options.root, 'cluster', 'root.yaml')],
    why: 'hand the stack to Argo CD: the root app-of-apps and its project',
  });
  return steps;
}

/**
 * `idstack bootstrap`: runs the sequence against the current kube context (`--dry-run` prints it). Create the
 * Secrets first (`idstack secrets --create`).
 */
export async function bootstrapCommand(options: CommonOptions, io: Io): Promise<number> {
  const steps = bootstrapSteps(options);
  for (const step of steps) {
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
  if (!options.dryRun)
    io.out.write('idstack bootstrap: done; watch the waves with `kubectl -n argocd get applications -w`\n');
  return 0;
}
