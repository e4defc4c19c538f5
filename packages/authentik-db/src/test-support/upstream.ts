import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

/** The pinned upstream data (values, schemas, CRDs): `IDSTACK_UPSTREAM`, else `<repo>/../shared/upstream`. */
export const UPSTREAM =
  process.env.IDSTACK_UPSTREAM ?? fileURLToPath(new URL('../../../../../shared/upstream', import.meta.url));

type Json = { [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function upstreamValues(chart: string, version: string): Json {
  return parse(readFileSync(join(UPSTREAM, chart, version, 'values.yaml'), 'utf8')) as Json;
}

export function upstreamSchema(chart: string, version: string): Json {
  return JSON.parse(readFileSync(join(UPSTREAM, chart, version, 'values.schema.json'), 'utf8')) as Json;
}

/**
 * Key paths of `ours` that the pinned values.yaml does not have. Below an upstream free-form node (`{}` or a list)
 * or a path in `freeForm` anything goes.
 */
export function unknownValueKeys(
  ours: Json,
  upstream: Json,
  freeForm: readonly string[] = [],
  prefix = '',
): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(ours)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (freeForm.includes(path)) continue;
    if (!(key in upstream)) {
      out.push(path);
      continue;
    }
    const theirs = upstream[key];
    if (isObject(value) && isObject(theirs) && Object.keys(theirs).length > 0)
      out.push(...unknownValueKeys(value, theirs, freeForm, path));
  }
  return out;
}

/** Key paths of `ours` that a values.schema.json does not declare (objects without `properties` are free-form). */
export function keysMissingFromSchema(ours: Json, schema: Json, prefix = ''): string[] {
  const out: string[] = [];
  const properties = isObject(schema.properties) ? schema.properties : undefined;
  if (!properties) return out;
  for (const [key, value] of Object.entries(ours)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const sub = properties[key];
    if (!isObject(sub)) out.push(path);
    else if (isObject(value)) out.push(...keysMissingFromSchema(value, sub, path));
  }
  return out;
}

/** The openAPIV3Schema of each served version of a CRD file, keyed by `<group>/<version>`. */
export function crdSchemas(...relativePaths: string[]): Map<string, { kind: string; schema: Json }> {
  const out = new Map<string, { kind: string; schema: Json }>();
  for (const rel of relativePaths) {
    for (const doc of parseAllDocuments(readFileSync(join(UPSTREAM, rel), 'utf8'))) {
      const crd = doc.toJS() as Json | null;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      const spec = (crd as Json).spec as {
        group: string;
        names: { kind: string };
        versions: { name: string; served: boolean; schema: { openAPIV3Schema: Json } }[];
      };
      for (const v of spec.versions) {
        if (!v.served) continue;
        out.set(`${spec.group}/${v.name}|${spec.names.kind}`, {
          kind: spec.names.kind,
          schema: v.schema.openAPIV3Schema,
        });
      }
    }
  }
  return out;
}

const TYPE_CHECKS: Record<string, (v: unknown) => boolean> = {
  object: isObject,
  array: Array.isArray,
  string: (v) => typeof v === 'string',
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
};

/**
 * Structural validation of a value against a CRD's OpenAPI v3 schema, as the API server does it: types, required
 * fields, enums, minimums, patterns, and NO unknown fields (unless the schema preserves them). Returns the problems.
 */
export function validateStructural(value: unknown, schema: Json, path = ''): string[] {
  const at = path || '(root)';
  if (schema['x-kubernetes-int-or-string'] === true) {
    return typeof value === 'string' || Number.isInteger(value)
      ? []
      : [`${at}: must be an integer or a string`];
  }
  if (Array.isArray(schema.anyOf)) {
    const ok = (schema.anyOf as Json[]).some((s) => validateStructural(value, s, path).length === 0);
    if (!ok) return [`${at}: matches none of anyOf`];
  }
  const type = typeof schema.type === 'string' ? schema.type : undefined;
  if (type && !TYPE_CHECKS[type]?.(value))
    return [`${at}: must be of type ${type}, got ${JSON.stringify(value)}`];
  const problems: string[] = [];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    problems.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof schema.minimum === 'number' && typeof value === 'number' && value < schema.minimum)
    problems.push(`${at}: must be >= ${schema.minimum}`);
  if (
    typeof schema.pattern === 'string' &&
    typeof value === 'string' &&
    !new RegExp(schema.pattern).test(value)
  )
    problems.push(`${at}: does not match ${schema.pattern}`);
  if (isObject(value)) {
    for (const key of (schema.required as string[] | undefined) ?? [])
      if (!(key in value)) problems.push(`${at}: missing required field "${key}"`);
    const properties = isObject(schema.properties) ? schema.properties : undefined;
    const additional = schema.additionalProperties;
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    for (const [key, sub] of Object.entries(value)) {
      const child = path ? `${path}.${key}` : key;
      const subSchema = properties?.[key];
      if (isObject(subSchema)) problems.push(...validateStructural(sub, subSchema, child));
      else if (isObject(additional)) problems.push(...validateStructural(sub, additional, child));
      else if (!(additional === true || preserve)) problems.push(`${child}: unknown field`);
    }
  }
  if (Array.isArray(value) && isObject(schema.items))
    value.forEach((item, i) => {
      problems.push(...validateStructural(item, schema.items as Json, `${path}[${i}]`));
    });
  return problems;
}

/** Validates a rendered custom resource against the pinned CRD schemas (apiVersion + kind must be known). */
export function validateCustomResource(
  object: Json,
  schemas: Map<string, { kind: string; schema: Json }>,
): string[] {
  const entry = schemas.get(`${String(object.apiVersion)}|${String(object.kind)}`);
  if (!entry) return [`no pinned CRD serves ${String(object.apiVersion)} ${String(object.kind)}`];
  // metadata is validated by the API server itself, not the CRD schema.
  const { metadata: _metadata, ...rest } = object;
  const { metadata: _m, ...properties } = (entry.schema.properties ?? {}) as Json;
  const required = ((entry.schema.required ?? []) as string[]).filter((k) => k !== 'metadata');
  return validateStructural(rest, { ...entry.schema, properties, required }).map(
    (p) => `${String(object.kind)}/${String((_metadata as Json | undefined)?.name)}: ${p}`,
  );
}
