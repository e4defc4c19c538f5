import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Component,
  type FileMap,
  type Plan,
  renderStack,
  type Stack,
  validateStack,
} from '@idstack/core';
import { createCheckContext } from '../context.js';
import { applicationSources } from '../render/applications.js';
import { parseObjects } from '../render/parse.js';
import type { ApplicationRender, StackRender } from '../render/render.js';
import type { CheckContext, Finding, OwnRender } from '../types.js';
import { Upstream } from '../upstream.js';

/** What one chart's Application renders to in a {@link ruleContext}: template file → YAML text (one or more documents). */
export type SyntheticTemplates = Readonly<Record<string, string>>;

/** A synthetic check: the config and the objects every rule judges, with no helm run and nothing on disk. */
export interface RuleContextInput {
  /** The components of the stack (`throwawayComponent`s or real ones), in any order. */
  readonly components: readonly Component[];
  /** stack.yaml as an object, validated as the real file is. @default `{ domain: 'lab.example.org' }` */
  readonly config?: unknown;
  /**
   * Edits to the output as on disk (`charts/**`, `cluster/**`), applied over what the build renders: path → text,
   * `undefined` deletes the file. `rendered` (what the build would write) stays the build's. @default none
   */
  readonly output?: Readonly<Record<string, string | undefined>>;
  /**
   * The objects each Application renders to, by chart: template file (under `charts/<chart>/`, e.g.
   * `templates/x.yaml` or `charts/traefik/templates/y.yaml`) → YAML text. A chart left out renders nothing.
   * @default nothing rendered
   */
  readonly objects?: Readonly<Record<string, SyntheticTemplates>>;
  /** Per chart, overrides of its Application's render (a failed helm: `{ exitCode: 1, stderr }`; `unstable`). */
  readonly applications?: Readonly<
    Record<string, Partial<Omit<ApplicationRender, 'application' | 'objects'>>>
  >;
  /** `full` (the upstream charts rendered too) or `own` (offline). @default 'full' */
  readonly renderMode?: 'full' | 'own';
  /** Per chart, its own templates' lint and template results. @default lint and template pass, objects as rendered */
  readonly ownRender?: Readonly<Record<string, Partial<OwnRender>>>;
  /** Folder of the pinned upstream data. @default none: the rules record what they could not verify */
  readonly upstreamDir?: string;
  /** Repository root (only rule `secrets` reads from it: `dist/charts/*.tgz`). @default a fresh empty temp folder */
  readonly root?: string;
  /**
   * The config validated and built once ({@link stackBuild} of the same `components` and `config`), for many contexts
   * over one stack: the build is most of a context's cost. @default built anew
   */
  readonly built?: StackBuild;
}

/** The config validated and the stack built: what {@link ruleContext} judges the objects against. */
export interface StackBuild {
  readonly stack: Stack;
  readonly plan: Plan;
  readonly files: FileMap;
}

/** TEST SUPPORT: validates `config` (stack.yaml as an object) and builds the stack, as {@link ruleContext} does. */
export function stackBuild(
  components: readonly Component[],
  config: unknown = { domain: 'lab.example.org' },
): StackBuild {
  const stack = validateStack(config, components);
  return { stack, ...renderStack(components, stack) };
}

/**
 * TEST SUPPORT: a {@link CheckContext} built in memory from synthetic input: the real config validation and build
 * (`renderStack`), and the given objects as the stack's render, so a rule's branches run in milliseconds (no helm).
 */
export function ruleContext(input: RuleContextInput): CheckContext {
  const { stack, plan, files } = input.built ?? stackBuild(input.components, input.config);
  const output: FileMap = new Map(files);
  for (const [path, text] of Object.entries(input.output ?? {})) {
    if (text === undefined) output.delete(path);
    else output.set(path, text);
  }
  const objectsOf = (chart: string) =>
    Object.entries(input.objects?.[chart] ?? {}).flatMap(([file, text]) =>
      parseObjects(text, `charts/${chart}/${file}`, chart),
    );
  const mode = input.renderMode ?? 'full';
  const ownRender = async (chart: string): Promise<OwnRender> => {
    const ok = { exitCode: 0, stdout: '', stderr: '' };
    return { lint: ok, template: ok, objects: objectsOf(chart), ...input.ownRender?.[chart] };
  };
  const stackRender: StackRender = {
    mode,
    applications: applicationSources(output).map((application) => ({
      application,
      command: `helm template ${application.releaseName} charts/${application.chart}`,
      exitCode: 0,
      stderr: '',
      objects: objectsOf(application.chart),
      ...(mode === 'full' ? { unstable: [] } : {}),
      ...input.applications?.[application.chart],
    })),
  };
  const ctx = createCheckContext({
    root: input.root ?? mkdtempSync(join(tmpdir(), 'idstack-rule-')),
    components: plan.components.map((p) => p.component),
    stack,
    plan,
    output,
    // A shared build's files stay as built, whatever a test does to one context's.
    rendered: input.built ? new Map(files) : files,
    upstream: new Upstream(input.upstreamDir),
    stackRender: Promise.resolve(stackRender),
  });
  return { ...ctx, renderMode: mode, ownRender };
}

/** TEST SUPPORT: runs one check rule (by id) over a context; its findings, in the rule's order. */
export async function runRule(id: string, ctx: CheckContext): Promise<readonly Finding[]> {
  // Imported on first use: every rule's module loads in seconds, a test that imports one rule needs none of them.
  const { rules } = await import('../run.js');
  const rule = rules.find((r) => r.id === id);
  if (!rule) throw new Error(`no check rule "${id}" (rules: ${rules.map((r) => r.id).join(', ')})`);
  return rule.run(ctx);
}
