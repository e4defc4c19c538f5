import { rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { parseHelmOutput } from '@idstack/check';
import { helm, ownTemplatesCopy, type Values } from '@idstack/core';
import { RenderError } from './errors.js';
import { chartTreeRenderer } from './render-tree.js';
import type { ApplicationInfo, TreeRenderer } from './types.js';

/**
 * The offline render: what this repository alone determines. Each umbrella chart renders its own templates
 * (`helm template` of a copy without its upstream dependencies, as `idstack check` lints them), with the release
 * name and namespace its Application gives it; see {@link chartTreeRenderer} for the rest of the tree.
 */
export function offlineRenderer(): TreeRenderer {
  return chartTreeRenderer({
    mode: 'offline',
    description:
      "the Applications in cluster/ and each umbrella chart's own templates; the upstream charts they depend on are not rendered",
    renderChart: renderOwnTemplates,
  });
}

/** `helm template` of the chart's own templates, with the release name and namespace Argo CD gives it. */
async function renderOwnTemplates(dir: string, app: ApplicationInfo, release: string): Promise<Values[]> {
  const chart = basename(dir);
  let copy: string;
  try {
    copy = ownTemplatesCopy(dir);
  } catch (error) {
    throw new RenderError(`charts/${chart}: cannot read the chart: ${(error as Error).message}`);
  }
  try {
    const args = ['template', release, copy, '--include-crds'];
    if (app.namespace) args.push('--namespace', app.namespace);
    const result = await helm(args);
    if (result.exitCode !== 0) {
      throw new RenderError(
        `charts/${chart} (Application ${app.name}): helm template failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`,
      );
    }
    return parseHelmOutput(result.stdout, chart).map((o) => o.object);
  } finally {
    rmSync(dirname(copy), { recursive: true, force: true });
  }
}
