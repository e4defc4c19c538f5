import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deepMerge, isPlainObject, type Values } from '@idstack/core';
import { parse, parseAllDocuments } from 'yaml';

/** The pinned upstream data (values, schemas, CRDs) beside the repository: `IDSTACK_UPSTREAM` or `<repo>/../shared/upstream`. */
export const UPSTREAM_DIR =
  process.env.IDSTACK_UPSTREAM ?? fileURLToPath(new URL('../../../../../shared/upstream', import.meta.url));

export interface PinnedChart {
  readonly values: Values;
  readonly schema?: Values;
}

/** values.yaml and values.schema.json of a pinned chart. */
export function pinnedChart(name: string, version: string): PinnedChart {
  const dir = join(UPSTREAM_DIR, name, version);
  const values = (parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) ?? {}) as Values;
  const schemaFile = join(dir, 'values.schema.json');
  return {
    values,
    ...(existsSync(schemaFile) ? { schema: JSON.parse(readFileSync(schemaFile, 'utf8')) as Values } : {}),
  };
}

/** The openAPIV3Schema of a served CRD version from a pinned chart's crds/ file. */
export function pinnedCrdSchema(
  chart: string,
  version: string,
  file: string,
  apiVersion: string,
): { readonly schema: Values; readonly scope: string; readonly kind: string } {
  const [group, served] = apiVersion.split('/') as [string, string];
  for (const doc of parseAllDocuments(
    readFileSync(join(UPSTREAM_DIR, chart, version, 'crds', file), 'utf8'),
  )) {
    const crd = doc.toJS() as Values | null;
    const spec = (crd?.spec ?? {}) as Values;
    if (crd?.kind !== 'CustomResourceDefinition' || spec.group !== group) continue;
    for (const v of (spec.versions ?? []) as Values[]) {
      if (v.name === served && v.served !== false) {
        return {
          schema: (v.schema as Values).openAPIV3Schema as Values,
          scope: String(spec.scope),
          kind: String((spec.names as Values).kind),
        };
      }
    }
  }
  throw new Error(`${apiVersion} is not served by ${chart} ${version} crds/${file}`);
}

/**
 * Keys of `ours` that the upstream values.yaml does not have. Below an upstream `{}` or `[]` (free-form) or a
 * path listed in `freeForm`, anything goes; an object where upstream has a scalar/null cannot be verified and is
 * reported.
 */
export function unknownKeys(
  ours: Values,
  upstream: Values,
  freeForm: readonly string[] = [],
  prefix = '',
): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(ours)) {
    const path = `${prefix}${key}`;
    if (freeForm.includes(path)) continue;
    if (!(key in upstream)) {
      out.push(path);
      continue;
    }
    const theirs = upstream[key];
    if (Array.isArray(theirs) || !isPlainObject(value)) continue;
    if (!isPlainObject(theirs)) out.push(`${path} (object where upstream has ${JSON.stringify(theirs)})`);
    else if (Object.keys(theirs).length > 0) out.push(...unknownKeys(value, theirs, freeForm, `${path}.`));
  }
  return out;
}

/** What Helm validates against the chart's schema: upstream defaults with our values merged over them. */
export const coalesced = (upstream: Values, ours: Values): Values => deepMerge(upstream, ours);
