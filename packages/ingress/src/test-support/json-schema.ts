/**
 * A small, strict JSON Schema validator for tests: enough of draft-07 / 2020-12 and of Kubernetes' structural
 * OpenAPI v3 schemas to check values against the pinned upstream values.schema.json files and custom resources
 * against their CRDs. No ajv in the workspace (and no installs allowed here), so it lives beside the tests.
 * It refuses a schema keyword it does not know instead of silently passing it.
 */

type Schema = boolean | { readonly [keyword: string]: unknown };

export interface SchemaProblem {
  /** Dotted path of the offending value (`ports.web.http`). */
  readonly path: string;
  readonly message: string;
}

export interface ValidateOptions {
  /**
   * Kubernetes structural-schema semantics: an object schema without `additionalProperties` or
   * `x-kubernetes-preserve-unknown-fields` accepts only its listed properties (the API server prunes or, with
   * strict field validation, rejects anything else). Plain JSON Schema leaves such objects open.
   */
  readonly closedObjects?: boolean;
}

/** Keywords that only annotate (or that we deliberately do not evaluate: CEL rules, formats). */
const ANNOTATIONS = new Set([
  '$schema',
  '$id',
  '$comment',
  '$defs',
  'definitions',
  'title',
  'description',
  'default',
  'examples',
  'format',
  'deprecated',
  'readOnly',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
]);

const EVALUATED = new Set([
  '$ref',
  'type',
  'nullable',
  'properties',
  'additionalProperties',
  'required',
  'enum',
  'const',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'items',
  'anyOf',
  'oneOf',
  'allOf',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Validates `value` against `schema` (whose `$ref`s point into `root`); returns every problem found. */
export function validate(schema: Schema, value: unknown, options: ValidateOptions = {}): SchemaProblem[] {
  const root = schema;
  const problems: SchemaProblem[] = [];

  const resolve = (ref: string): Schema => {
    if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
    let node: unknown = root;
    for (const part of ref.slice(2).split('/')) {
      node = isObject(node) ? node[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
    }
    if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
    return node as Schema;
  };

  const check = (s: Schema, v: unknown, path: string, out: SchemaProblem[]): void => {
    const at = path || '(root)';
    if (s === true) return;
    if (s === false) {
      out.push({ path: at, message: 'is not allowed here' });
      return;
    }
    for (const keyword of Object.keys(s)) {
      if (!ANNOTATIONS.has(keyword) && !EVALUATED.has(keyword))
        throw new Error(`schema keyword "${keyword}" at ${at} is not supported by this validator`);
    }
    if (typeof s.$ref === 'string') check(resolve(s.$ref), v, path, out);

    if (v === null && s.nullable === true) return;
    if (s['x-kubernetes-int-or-string'] === true) {
      if (!(typeOf(v) === 'integer' || typeof v === 'string'))
        out.push({ path: at, message: `must be an integer or a string, got ${typeOf(v)}` });
      return;
    }
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => typeMatches(v, t))) {
        out.push({ path: at, message: `must be ${types.join(' or ')}, got ${typeOf(v)}` });
        return;
      }
    }
    if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v)))
      out.push({ path: at, message: `must be one of ${JSON.stringify(s.enum)}, got ${JSON.stringify(v)}` });
    if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(v))
      out.push({ path: at, message: `must be ${JSON.stringify(s.const)}` });
    if (typeof v === 'number') {
      if (typeof s.minimum === 'number' && v < s.minimum)
        out.push({ path: at, message: `must be >= ${s.minimum}` });
      if (typeof s.maximum === 'number' && v > s.maximum)
        out.push({ path: at, message: `must be <= ${s.maximum}` });
    }
    if (typeof v === 'string') {
      if (typeof s.minLength === 'number' && v.length < s.minLength)
        out.push({ path: at, message: `must be at least ${s.minLength} characters` });
      if (typeof s.maxLength === 'number' && v.length > s.maxLength)
        out.push({ path: at, message: `must be at most ${s.maxLength} characters` });
      if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v))
        out.push({ path: at, message: `must match ${s.pattern}` });
    }
    if (Array.isArray(v) && s.items !== undefined) {
      for (const [i, item] of v.entries()) check(s.items as Schema, item, `${path}[${i}]`, out);
    }
    if (isObject(v)) {
      const properties = isObject(s.properties) ? (s.properties as Record<string, Schema>) : {};
      for (const key of Array.isArray(s.required) ? (s.required as string[]) : []) {
        if (!(key in v)) out.push({ path: at, message: `misses required property "${key}"` });
      }
      const open =
        s['x-kubernetes-preserve-unknown-fields'] === true ||
        (s.additionalProperties === undefined && !options.closedObjects);
      for (const [key, item] of Object.entries(v)) {
        const sub = path ? `${path}.${key}` : key;
        if (key in properties) check(properties[key] as Schema, item, sub, out);
        else if (s.additionalProperties !== undefined && s.additionalProperties !== false)
          check(s.additionalProperties as Schema, item, sub, out);
        else if (!open) out.push({ path: sub, message: 'is not a known property' });
      }
    }
    const branches = (k: string) => (Array.isArray(s[k]) ? (s[k] as Schema[]) : undefined);
    const allOf = branches('allOf');
    if (allOf) for (const b of allOf) check(b, v, path, out);
    const anyOf = branches('anyOf');
    if (anyOf && !anyOf.some((b) => passes(b, v, path)))
      out.push({ path: at, message: 'matches none of the anyOf branches' });
    const oneOf = branches('oneOf');
    if (oneOf && oneOf.filter((b) => passes(b, v, path)).length !== 1)
      out.push({ path: at, message: 'must match exactly one oneOf branch' });
  };

  const passes = (s: Schema, v: unknown, path: string): boolean => {
    const out: SchemaProblem[] = [];
    check(s, v, path, out);
    return out.length === 0;
  };

  check(schema, value, '', problems);
  return problems;
}
