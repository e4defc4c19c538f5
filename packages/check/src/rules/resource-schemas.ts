import { isPlainObject, type Values } from '@idstack/core';
import { describeErrors } from '../ajv.js';
import { describeObject } from '../context.js';
import { isBuiltInGroup, knownCrds, renderedObjects, splitApiVersion } from '../crds.js';
import { crdValidator } from '../structural.js';
import type { Finding, K8sObject, Rule } from '../types.js';
import { crdKey } from '../upstream.js';

/**
 * Every rendered object (own templates, Applications, AppProjects, root) validates against a schema: custom
 * resources against their pinned CRD's structural schema (unknown fields rejected), built-in kinds with
 * kubernetes-models. A kind with no schema is an error, never a silent pass.
 */
export const resourceSchemas: Rule = {
  id: 'resource-schemas',
  description:
    'every rendered object validates: custom resources against the pinned CRD schema, built-in kinds with kubernetes-models',
  run: async (ctx) => {
    const crds = await knownCrds(ctx);
    const objects = [...(await renderedObjects(ctx)), ...ctx.clusterObjects()];
    const found: Finding[] = [];
    const unchecked: string[] = [];
    for (const o of objects) {
      const findings = await validateObject(o, crds);
      // Without pinned data a custom resource whose CRD only the pinned data knows cannot be judged either way.
      if (ctx.upstreamDir === undefined && findings.some((f) => f.message.startsWith('no schema for ')))
        unchecked.push(`${o.file}: ${describeObject(o.object)}`);
      else found.push(...findings);
    }
    if (unchecked.length)
      ctx.notVerified(
        `resource-schemas: ${unchecked.length} custom resource(s) whose CRD the render does not contain (no pinned upstream data: set IDSTACK_UPSTREAM): ${unchecked.join(', ')}`,
      );
    return found;
  },
};

async function validateObject(o: K8sObject, crds: Awaited<ReturnType<typeof knownCrds>>): Promise<Finding[]> {
  const where = `${o.file}: ${describeObject(o.object)}`;
  const finding = (message: string, fix: string): Finding => ({
    severity: 'error',
    rule: 'resource-schemas',
    chart: o.chart,
    where,
    message,
    fix,
  });
  const { apiVersion, kind } = o.object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind)
    return [finding('has no apiVersion or kind', 'every object needs apiVersion and kind')];
  const meta = o.object.metadata;
  if (!isPlainObject(meta) || typeof meta.name !== 'string' || !meta.name)
    return [finding('has no metadata.name', 'give the object a name')];
  const { group, version } = splitApiVersion(apiVersion);

  const crd = crds.get(crdKey(group, kind));
  if (crd) {
    if (!crd.versions.has(version)) {
      return [
        finding(
          `${apiVersion} is not a served version of ${kind} (${crd.source} serves ${[...crd.versions.keys()].map((v) => `${group}/${v}`).join(', ')})`,
          `use apiVersion ${group}/${[...crd.versions.keys()][0]}`,
        ),
      ];
    }
    const validate = crdValidator(crd, version);
    if (!validate)
      return [
        finding(`the CRD of ${kind} (${crd.source}) has no schema for ${version}`, 'pin a CRD with a schema'),
      ];
    if (validate(o.object)) return [];
    return describeErrors('', validate.errors ?? []).map((e) =>
      finding(
        `${e.path || '(object)'}: ${e.message} (CRD ${group}/${kind} ${version} from ${crd.source})`,
        e.message.startsWith('unknown key')
          ? `remove ${e.path}, or check the field name in the CRD (${crd.source})`
          : 'make the object match the CRD schema',
      ),
    );
  }

  if (isBuiltInGroup(group)) {
    if (/(alpha|beta)/.test(version))
      return [
        finding(
          `${apiVersion} is an alpha/beta API: removed from current Kubernetes or off by default`,
          `use the stable apiVersion of ${kind}`,
        ),
      ];
    const model = await builtInModel(apiVersion, kind);
    if (!model)
      return [
        finding(
          `no schema for built-in ${apiVersion} ${kind} (not a kind kubernetes-models knows)`,
          'check apiVersion and kind spelling',
        ),
      ];
    try {
      new model(o.object).validate();
      return [];
    } catch (error) {
      const errors = (
        error as {
          errors?: {
            instancePath: string;
            message?: string;
            keyword: string;
            params: object;
            schemaPath: string;
          }[];
        }
      ).errors;
      const lines = errors?.length
        ? describeErrors('', errors as never).map((e) => `${e.path || '(object)'}: ${e.message}`)
        : [(error as Error).message];
      return lines.map((line) =>
        finding(
          `${line} (Kubernetes ${apiVersion} ${kind})`,
          'make the object match the Kubernetes API schema',
        ),
      );
    }
  }
  return [
    finding(
      `no schema for ${apiVersion} ${kind}: no pinned CRD defines it and it is not a built-in kind`,
      'render the CRD from a chart of the stack (or pin it in the IDSTACK_UPSTREAM folder), or fix apiVersion/kind',
    ),
  ];
}

type ModelClass = { new (data: Values): { validate(): void }; kind?: string };
const models = new Map<string, Promise<ModelClass | undefined>>();

/** The kubernetes-models class of a built-in kind, if the library has one. */
function builtInModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const key = `${apiVersion}/${kind}`;
  let model = models.get(key);
  if (!model) {
    model = (async () => {
      if (!/^[A-Za-z0-9.]+(\/[A-Za-z0-9]+)?$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind))
        return undefined;
      try {
        const module = (await import(/* @vite-ignore */ `kubernetes-models/${apiVersion}/${kind}`)) as Record<
          string,
          ModelClass
        >;
        const cls = module[kind];
        // Guard against importing a sub-type (e.g. "DeploymentSpec" is a file too, but not a kind).
        return cls && cls.kind === kind ? cls : undefined;
      } catch {
        return undefined;
      }
    })();
    models.set(key, model);
  }
  return model;
}
