import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

/** The pinned upstream data (values, CRDs): `IDSTACK_UPSTREAM`, else `<repo>/../shared/upstream`. */
export const UPSTREAM =
  process.env.IDSTACK_UPSTREAM ?? fileURLToPath(new URL('../../../../../shared/upstream', import.meta.url));
export const SPIRE_DIR = join(UPSTREAM, 'spire', '0.30.0');
export const SPIRE_CRDS_DIR = join(UPSTREAM, 'spire-crds', '0.6.0');

type Json = { [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readYaml(path: string): Json {
  return (parse(readFileSync(path, 'utf8')) ?? {}) as Json;
}

/** The spire umbrella's subcharts whose values are pinned beside it (umbrella key -> subchart values file). */
const SUBCHARTS = ['spire-server', 'spire-agent', 'spiffe-csi-driver', 'spiffe-oidc-discovery-provider'];

/** Every leaf key path of a values tree (arrays and empty maps count as leaves). */
export function leafPaths(tree: Json, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [key, value] of Object.entries(tree)) {
    const path = [...prefix, key];
    if (isObject(value) && Object.keys(value).length > 0) out.push(...leafPaths(value, path));
    else out.push(path);
  }
  return out;
}

/**
 * Does `path` exist in a pinned values tree? A pinned free-form map (`{}`) or list accepts anything below it.
 */
export function existsIn(tree: unknown, path: readonly string[]): boolean {
  let node: unknown = tree;
  for (const key of path) {
    if (Array.isArray(node)) return true;
    if (!isObject(node)) return false;
    if (Object.keys(node).length === 0) return true;
    if (!(key in node)) return false;
    node = node[key];
  }
  return true;
}

/**
 * The keys of the umbrella's `spire` / `spire-crds` values that exist in none of the pinned values files they
 * could belong to: `spire.<subchart>.*` is looked up in the umbrella's values.yaml (aliases, enable switches)
 * and in subcharts/<subchart>.values.yaml; everything else under `spire.*` in the umbrella's values.yaml.
 */
export function unknownUpstreamKeys(values: Json): string[] {
  const spire = readYaml(join(SPIRE_DIR, 'values.yaml'));
  const crds = readYaml(join(SPIRE_CRDS_DIR, 'values.yaml'));
  const subcharts = Object.fromEntries(
    SUBCHARTS.map((name) => [name, readYaml(join(SPIRE_DIR, 'subcharts', `${name}.values.yaml`))]),
  );
  const unknown: string[] = [];
  for (const path of leafPaths(isObject(values.spire) ? values.spire : {})) {
    const [head, ...rest] = path as [string, ...string[]];
    const ok = existsIn(spire, path) || (head in subcharts && existsIn(subcharts[head], rest));
    if (!ok) unknown.push(['spire', ...path].join('.'));
  }
  for (const path of leafPaths(isObject(values['spire-crds']) ? values['spire-crds'] : {}))
    if (!existsIn(crds, path)) unknown.push(['spire-crds', ...path].join('.'));
  return unknown;
}

/** The pinned CRD's openAPIV3Schema for a kind/version. */
export function crdSchema(file: string, version: string): Json {
  const docs = parseAllDocuments(readFileSync(join(SPIRE_CRDS_DIR, 'crds', file), 'utf8'))
    .map((d) => d.toJS() as Json | null)
    .filter((d): d is Json => d !== null);
  for (const crd of docs) {
    const versions = ((crd.spec as Json).versions ?? []) as Json[];
    const v = versions.find((x) => x.name === version);
    if (v) return (v.schema as Json).openAPIV3Schema as Json;
  }
  throw new Error(`no version ${version} in ${file}`);
}

/** The pinned CRD documents themselves. */
export function crdDocuments(file: string): Json[] {
  return parseAllDocuments(readFileSync(join(SPIRE_CRDS_DIR, 'crds', file), 'utf8'))
    .map((d) => d.toJS() as Json | null)
    .filter((d): d is Json => d !== null);
}

/**
 * Structural validation against a CRD's OpenAPI v3 schema, as the API server prunes/rejects: types, enums,
 * required fields, and no field the schema does not declare (unless the schema preserves unknown fields).
 * `metadata` is left to the API server, as for every CRD.
 */
export function validateStructural(schema: Json, value: unknown, path = ''): string[] {
  const at = path || '(root)';
  const errors: string[] = [];
  const type = schema.type as string | undefined;
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    errors.push(`${at}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  switch (type) {
    case 'object': {
      if (!isObject(value)) return [`${at}: expected an object`];
      const props = (schema.properties ?? {}) as Record<string, Json>;
      for (const key of (schema.required ?? []) as string[])
        if (!(key in value)) errors.push(`${at}: missing required field "${key}"`);
      const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
      for (const [key, sub] of Object.entries(value)) {
        const child = path ? `${path}.${key}` : key;
        if (key in props) {
          if (child === 'metadata') continue;
          errors.push(...validateStructural(props[key] as Json, sub, child));
        } else if (isObject(schema.additionalProperties)) {
          errors.push(...validateStructural(schema.additionalProperties, sub, child));
        } else if (!preserve && schema.additionalProperties !== true) {
          errors.push(`${child}: unknown field`);
        }
      }
      break;
    }
    case 'array':
      if (!Array.isArray(value)) return [`${at}: expected an array`];
      value.forEach((item, i) => {
        errors.push(...validateStructural((schema.items ?? {}) as Json, item, `${path}[${i}]`));
      });
      break;
    case 'string':
      if (typeof value !== 'string') errors.push(`${at}: expected a string`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${at}: expected a boolean`);
      break;
    case 'integer':
      if (!Number.isInteger(value)) errors.push(`${at}: expected an integer`);
      break;
    case 'number':
      if (typeof value !== 'number') errors.push(`${at}: expected a number`);
      break;
    default:
      break;
  }
  return errors;
}
