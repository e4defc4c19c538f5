export { compileSchema, describeErrors } from './ajv.js';
export { createCheckContext, defaultUpstreamDir, parseHelmOutput, parseObjects } from './context.js';
export {
  type ApplicationSource,
  applicationSources,
  type HelmParameter,
} from './render/applications.js';
export { BUILT_IN_API_VERSIONS, RENDER_KUBE_VERSION } from './render/capabilities.js';
export {
  type ApplicationRender,
  type ApplicationRenderInput,
  type ChartPackage,
  type RenderApplicationsOptions,
  type RenderMode,
  renderApplication,
  renderApplications,
  type StackRender,
} from './render/render.js';
export { formatReport, type RuleResult } from './report.js';
export { deterministic } from './rules/deterministic.js';
export { driftTraps } from './rules/drift-traps.js';
export { helmLint } from './rules/helm-lint.js';
export { imageProblem, imagesRule } from './rules/images.js';
export { inSync } from './rules/in-sync.js';
export { placeholders } from './rules/placeholders.js';
export { projectPermissions } from './rules/project-permissions.js';
export { resourceSchemas } from './rules/resource-schemas.js';
export { secretLikeKey, secrets } from './rules/secrets.js';
export { syncOrder } from './rules/sync-order.js';
export { upstreamValues } from './rules/upstream-values.js';
export { type CheckReport, checkStack, readOutput, rules, runChecks } from './run.js';
export { crdValidator, structuralToJsonSchema } from './structural.js';
export type { ChartDependency, CheckContext, Finding, K8sObject, OwnRender, Rule } from './types.js';
export { type CrdInfo, Upstream, type UpstreamChartData } from './upstream.js';
