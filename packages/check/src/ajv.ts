import type { ErrorObject, ValidateFunction } from 'ajv';
import { cachedValidator } from './cache.js';

/**
 * A validator for an upstream values schema, in the draft it declares (`$schema` 2020-12 gets ajv's 2020 dialect,
 * anything else draft-07). Unknown keywords are tolerated, as Helm's validator does.
 */
export function compileSchema(schema: object): ValidateFunction {
  const { $schema, ...rest } = schema as { $schema?: unknown };
  return cachedValidator(rest, String($schema ?? '').includes('2020-12') ? '2020-12' : 'draft-07');
}

/** ajv's JSON pointer (`/service/spec/type`) as a dotted key path under `prefix`. */
export function errorPath(prefix: string, error: ErrorObject): string {
  const parts = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (error.keyword === 'additionalProperties')
    parts.push(String((error.params as { additionalProperty: string }).additionalProperty));
  return [prefix, ...parts].filter(Boolean).join('.');
}

/** One line per error: `path: message`, without ajv's duplicates (anyOf/oneOf branches collapse to one). */
export function describeErrors(
  prefix: string,
  errors: readonly ErrorObject[],
): { path: string; message: string }[] {
  const seen = new Set<string>();
  const out: { path: string; message: string }[] = [];
  for (const e of errors) {
    const path = errorPath(prefix, e);
    const message =
      e.keyword === 'additionalProperties'
        ? 'unknown key (the schema allows no such key here)'
        : e.keyword === 'enum'
          ? `must be one of ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`
          : (e.message ?? e.keyword);
    const id = `${path}\u0000${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ path, message });
  }
  return out;
}
