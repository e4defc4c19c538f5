import type { RenderedComponent } from '@idstack/core/testing';
import { createCheckContext, defaultUpstreamDir } from './context.js';
import { readOutput, rules, runChecks } from './run.js';
import type { Finding, Rule } from './types.js';
import { type CrdInfo, crdKey, Upstream, type UpstreamChartData } from './upstream.js';

/**
 * The rules {@link checkRendered} runs unless told otherwise: every rule of `idstack check` but `placeholders`,
 * which only warns that stack.yaml still holds example values (test configs use example domains on purpose).
 * `in-sync` compares the files on disk with the files just rendered: it passes unless a test edits the output on
 * disk (then it reports that edit, as it would in a repository).
 */
export const renderedRules: readonly Rule[] = rules.filter((r) => r.id !== 'placeholders');

/**
 * The pinned upstream data folder the tests use: `IDSTACK_UPSTREAM`, never a guess. A plain clone has none: tests
 * that need it skip (see {@link PINNED_UPSTREAM_SKIP}).
 */
export const PINNED_UPSTREAM: string | undefined = defaultUpstreamDir();

/**
 * Why a test that needs the pinned upstream data is skipped. Use it as `describe.skipIf(!PINNED_UPSTREAM)` with
 * {@link needsPinned}`(title)`, so the skip names its reason in the test report.
 */
export const PINNED_UPSTREAM_SKIP =
  'skipped: needs the pinned upstream data (values, schemas, CRDs); set IDSTACK_UPSTREAM=<folder> to run it';

/** A test title that says, when the pinned data is absent, that and why the test is skipped. */
export const needsPinned = (title: string): string =>
  PINNED_UPSTREAM ? title : `${title} [${PINNED_UPSTREAM_SKIP}]`;

/** The pinned upstream data, read once per test file (every check of the file shares it). */
let shared: Upstream | undefined;
const upstream = (): Upstream => {
  shared ??= new Upstream(PINNED_UPSTREAM);
  return shared;
};
const noPinned = () => new Error(`no pinned upstream data: set IDSTACK_UPSTREAM (${PINNED_UPSTREAM_SKIP})`);

/**
 * Test entry point: runs the real `idstack check` rules over a rendered component (`renderComponent` from
 * `@idstack/core/testing`: its output root on disk, its plan, its files) and returns the findings, errors and
 * warnings, in rule order. Everything in the render is checked: the component and the components it needs.
 *
 * `selected` picks rules by object or id (`['upstream-values']` for a quick values-only pass over an option
 * variant); default {@link renderedRules}.
 */
export async function checkRendered(
  rendered: Pick<RenderedComponent, 'dir' | 'plan' | 'files'>,
  selected: readonly (Rule | string)[] = renderedRules,
): Promise<Finding[]> {
  const chosen = selected.map((r) => {
    if (typeof r !== 'string') return r;
    const rule = rules.find((x) => x.id === r);
    if (!rule) throw new Error(`no check rule "${r}" (rules: ${rules.map((x) => x.id).join(', ')})`);
    return rule;
  });
  const { plan } = rendered;
  const ctx = createCheckContext({
    root: rendered.dir,
    components: plan.components.map((p) => p.component),
    stack: plan.stack,
    plan,
    output: readOutput(rendered.dir),
    rendered: rendered.files,
    upstream: upstream(),
  });
  const results = await runChecks(ctx, chosen);
  return results.flatMap((r) => r.findings);
}

/** A pinned upstream chart as the check reads it (values with subcharts folded in, schema, CRDs); throws if absent. */
export function pinnedChart(name: string, version: string): UpstreamChartData {
  if (!PINNED_UPSTREAM) throw noPinned();
  const data = upstream().chart(name, version);
  if (!data) throw new Error(`${name} ${version} is not pinned in ${upstream().dir}`);
  return data;
}

/** A pinned CustomResourceDefinition by API group and kind (served versions, scope, source); throws if absent. */
export function pinnedCrd(group: string, kind: string): CrdInfo {
  if (!PINNED_UPSTREAM) throw noPinned();
  const crd = upstream().crds().get(crdKey(group, kind));
  if (!crd) throw new Error(`no pinned CRD defines ${group}/${kind} in ${upstream().dir}`);
  return crd;
}

export type { Finding, Rule } from './types.js';
