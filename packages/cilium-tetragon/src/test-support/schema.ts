import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The pinned upstream data (values, schemas, CRDs): `IDSTACK_UPSTREAM`, else `<repo>/../shared/upstream`. */
export const UPSTREAM =
  process.env.IDSTACK_UPSTREAM ?? fileURLToPath(new URL('../../../../../shared/upstream', import.meta.url));

type Json = unknown;
type Schema = Record<string, Json>;

const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function readYaml(path: string): Json {
  return parse(readFileSync(path, 'utf8'));
}

/**
 * Every key path of `ours` that the upstream values.yaml does not have. Below an upstream empty map `{}` or list
 * `[]` anything goes (free-form), and a list we set replaces upstream's list whole.
 */
export function unknownValueKeys(ours: Json, upstream: Json, path = ''): string[] {
  if (!isObject(ours)) return [];
  if (!isObject(upstream)) return path ? [] : ['(root): upstream is not a mapping'];
  if (Object.keys(upstream).length === 0) return [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(ours)) {
    const at = path ? `${path}.${key}` : key;
    if (!(key in upstream)) problems.push(at);
    else if (Array.isArray(upstream[key]) && (upstream[key] as Json[]).length === 0) continue;
    else if (isObject(value)) problems.push(...unknownValueKeys(value, upstream[key], at));
  }
  return problems;
}

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(v: Json, type: string): boolean {
  const t = typeOf(v);
  return t === type || (type === 'number' && t === 'integer');
}

/**
 * A small structural validator for the JSON Schema subset that CRD openAPIV3Schemas and Helm values schemas use:
 * type, enum, properties, required, additionalProperties, items, anyOf/oneOf, min/max, pattern, the Kubernetes
 * extensions. `strict`: an object with `properties` and no `additionalProperties` rejects unknown fields, as the API
 * server's structural pruning would silently drop them (what a CRD means); off, unknown keys pass (JSON Schema).
 */
export function validate(value: Json, schema: Schema, strict: boolean, path = '$'): string[] {
  const errors: string[] = [];
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (!['integer', 'string'].includes(typeOf(value)))
      errors.push(`${path}: must be an integer or a string`);
    return errors;
  }
  const type = schema.type as string | string[] | undefined;
  if (type !== undefined) {
    const types = Array.isArray(type) ? type : [type];
    if (!types.some((t) => typeMatches(value, t))) {
      return [`${path}: is ${typeOf(value)}, must be ${types.join(' or ')}`];
    }
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options)) {
      const passing = options.filter((s) => validate(value, s as Schema, strict, path).length === 0).length;
      if (key === 'anyOf' ? passing === 0 : passing !== 1)
        errors.push(
          `${path}: does not match ${key === 'anyOf' ? 'any' : 'exactly one'} of its ${key} schemas`,
        );
    }
  }
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value))
      errors.push(`${path}: "${value}" does not match ${schema.pattern}`);
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      errors.push(`${path}: longer than ${schema.maxLength}`);
  }
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum)
      errors.push(`${path}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum)
      errors.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      errors.push(`${path}: more than ${schema.maxItems} items`);
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (isObject(schema.items))
      value.forEach((item, i) => {
        errors.push(...validate(item, schema.items as Schema, strict, `${path}[${i}]`));
      });
  }
  if (isObject(value)) {
    for (const key of (schema.required as string[] | undefined) ?? [])
      if (!(key in value)) errors.push(`${path}: missing required field "${key}"`);
    const properties = isObject(schema.properties) ? schema.properties : undefined;
    const additional = schema.additionalProperties;
    const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
    for (const [key, sub] of Object.entries(value)) {
      const at = `${path}.${key}`;
      const known = properties?.[key];
      if (isObject(known)) errors.push(...validate(sub, known, strict, at));
      else if (isObject(additional)) errors.push(...validate(sub, additional, strict, at));
      else if (additional === false || (strict && properties && additional === undefined && !preserve))
        errors.push(`${at}: unknown field`);
    }
  }
  return errors;
}

/** The openAPIV3Schema of a CRD file's served version `version`. */
export function crdSchema(file: string, version: string): { kind: string; group: string; schema: Schema } {
  const crd = readYaml(file) as {
    spec: {
      group: string;
      names: { kind: string };
      versions: { name: string; served: boolean; schema: { openAPIV3Schema: Schema } }[];
    };
  };
  const served = crd.spec.versions.find((v) => v.name === version && v.served);
  if (!served) throw new Error(`${file} does not serve ${version}`);
  return { kind: crd.spec.names.kind, group: crd.spec.group, schema: served.schema.openAPIV3Schema };
}
