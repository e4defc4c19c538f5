import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/** The pinned upstream data kept beside the project (values, CRDs). */
export const UPSTREAM_DIR = process.env.IDSTACK_UPSTREAM ?? '/work/shared/upstream';

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function readUpstreamYaml(...path: string[]): Json {
  return parse(readFileSync(join(UPSTREAM_DIR, ...path), 'utf8'));
}

/**
 * Key paths of `ours` that do not exist in `upstream` (a chart's values.yaml). Anything below an upstream empty
 * map `{}` or a list is free-form; a scalar (or null) upstream leaf accepts any value.
 */
export function unknownKeys(ours: Json, upstream: Json, prefix = ''): string[] {
  if (!isObject(ours)) return [];
  if (Array.isArray(upstream)) return [];
  if (!isObject(upstream)) return []; // scalar/null leaf upstream: our value replaces it
  if (Object.keys(upstream).length === 0) return []; // `{}`: free-form map
  const out: string[] = [];
  for (const [key, value] of Object.entries(ours)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!(key in upstream)) out.push(path);
    else out.push(...unknownKeys(value, upstream[key], path));
  }
  return out;
}

/** The openAPIV3Schema of `kind` at `version` from a pinned CRD file. */
export function crdSchema(file: string[], version: string): Record<string, Json> {
  for (const doc of parseAllDocuments(readFileSync(join(UPSTREAM_DIR, ...file), 'utf8'))) {
    const crd = doc.toJS() as {
      spec?: { versions?: { name: string; schema?: { openAPIV3Schema?: Json } }[] };
    };
    const v = crd?.spec?.versions?.find((x) => x.name === version);
    if (v?.schema?.openAPIV3Schema && isObject(v.schema.openAPIV3Schema)) return v.schema.openAPIV3Schema;
  }
  throw new Error(`no ${version} schema in ${file.join('/')}`);
}

/**
 * A structural check of an object against an openAPIV3Schema, as the API server prunes/validates it: unknown fields
 * (where the schema does not preserve them), types, required fields, enums. `metadata` is the API server's business.
 */
export function schemaProblems(value: Json, schema: Record<string, Json>, path = ''): string[] {
  const here = path || '(root)';
  if (schema['x-kubernetes-int-or-string'] === true) {
    return typeof value === 'number' || typeof value === 'string'
      ? []
      : [`${here}: must be an integer or a string`];
  }
  if (Array.isArray(schema.anyOf) && schema.type === undefined) {
    const ok = (schema.anyOf as Record<string, Json>[]).some(
      (s) => schemaProblems(value, s, path).length === 0,
    );
    return ok ? [] : [`${here}: matches none of anyOf`];
  }
  const problems: string[] = [];
  switch (schema.type) {
    case 'object': {
      if (!isObject(value)) return [`${here}: must be an object`];
      const properties = isObject(schema.properties) ? schema.properties : undefined;
      for (const key of (schema.required as string[] | undefined) ?? [])
        if (!(key in value)) problems.push(`${path ? `${path}.` : ''}${key}: required`);
      for (const [key, sub] of Object.entries(value)) {
        const subPath = path ? `${path}.${key}` : key;
        if (!path && (key === 'apiVersion' || key === 'kind' || key === 'metadata')) continue;
        if (properties && key in properties)
          problems.push(...schemaProblems(sub, properties[key] as Record<string, Json>, subPath));
        else if (isObject(schema.additionalProperties))
          problems.push(...schemaProblems(sub, schema.additionalProperties, subPath));
        else if (
          schema['x-kubernetes-preserve-unknown-fields'] !== true &&
          schema.additionalProperties !== true
        )
          problems.push(`${subPath}: unknown field`);
      }
      return problems;
    }
    case 'array':
      if (!Array.isArray(value)) return [`${here}: must be an array`];
      return value.flatMap((item, i) =>
        isObject(schema.items) ? schemaProblems(item, schema.items, `${path}[${i}]`) : [],
      );
    case 'string':
      if (typeof value !== 'string') return [`${here}: must be a string`];
      break;
    case 'integer':
      if (!Number.isInteger(value)) return [`${here}: must be an integer`];
      break;
    case 'number':
      if (typeof value !== 'number') return [`${here}: must be a number`];
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return [`${here}: must be a boolean`];
      break;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    problems.push(`${here}: not one of ${schema.enum.join(', ')}`);
  return problems;
}
