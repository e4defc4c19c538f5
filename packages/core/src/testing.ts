import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { MANAGED_OUTPUTS, renderStack } from './build.js';
import type { FileMap } from './chart.js';
import { type Component, withRequirements } from './component.js';
import { validateStack } from './config/load.js';
import { lintAndRenderOwnTemplates } from './helm.js';
import type { Values } from './merge.js';
import type { Plan, PlannedComponent } from './plan.js';
import { writeOutputs } from './write.js';

/** Parsed YAML as tests navigate it (assertions check the shape; the type would only get in the way). */
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML in tests is navigated freely and asserted on.
export type Parsed = any;

/** A component rendered (with everything it needs) into a fresh temp folder, as `idstack build` would. */
export interface RenderedComponent {
  /** Output root holding charts/ and cluster/. */
  readonly dir: string;
  readonly plan: Plan;
  readonly files: FileMap;
  readonly planned: PlannedComponent;
  /** The umbrella's values.yaml, parsed. */
  readonly values: Parsed;
  /** cluster/apps/<name>.yaml, parsed. */
  readonly application: Parsed;
  /** charts/<name>/Chart.yaml, parsed. */
  readonly chart: Parsed;
}

/**
 * Test helper: renders `component` and its transitive needs from a stack.yaml object (validated like the real file)
 * (plus `options.with`, e.g. a component whose host it routes to) and writes the output to a temp folder.
 */
export function renderComponent(
  component: Component,
  config: unknown = {},
  options: { readonly with?: readonly Component[] } = {},
): RenderedComponent {
  const components = [...withRequirements(component)];
  for (const extra of options.with ?? []) {
    for (const c of withRequirements(extra))
      if (!components.some((o) => o.name === c.name)) components.push(c);
  }
  const stack = validateStack(config, components);
  const { plan, files } = renderStack(components, stack);
  const dir = mkdtempSync(join(tmpdir(), `idstack-${component.name}-`));
  writeOutputs(dir, files, MANAGED_OUTPUTS);
  const planned = plan.components.find((p) => p.component.name === component.name);
  if (!planned) throw new Error(`${component.name} is not enabled in this config`);
  const read = (path: string): Parsed => parse(files.get(path) ?? 'null');
  return {
    dir,
    plan,
    files,
    planned,
    values: read(`charts/${component.name}/values.yaml`),
    application: read(`cluster/apps/${component.name}.yaml`),
    chart: read(`charts/${component.name}/Chart.yaml`),
  };
}

/**
 * Test helper: `helm lint --strict` and `helm template` of the component's own templates (dependencies stripped),
 * with the real helm. Throws with helm's output if either fails; returns the rendered objects.
 */
export async function renderOwnTemplates(rendered: RenderedComponent): Promise<Values[]> {
  const { component } = rendered.planned;
  const { lint, template } = await lintAndRenderOwnTemplates(
    join(rendered.dir, 'charts', component.name),
    component.name,
    component.namespace,
  );
  if (lint.exitCode !== 0)
    throw new Error(`helm lint --strict failed for ${component.name}:\n${lint.stdout}\n${lint.stderr}`);
  if (template.exitCode !== 0)
    throw new Error(`helm template failed for ${component.name}:\n${template.stderr}`);
  return parseAllDocuments(template.stdout)
    .map((d) => d.toJS() as Values | null)
    .filter((o): o is Values => o !== null);
}
