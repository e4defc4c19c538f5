import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainObject, lintAndRenderOwnTemplates, type Values } from '@idstack/core';
import { parseAllDocuments } from 'yaml';
import { cachedChunks } from '../cache.js';
import type { K8sObject, OwnRender } from '../types.js';

/** `helm lint --strict` and `helm template` of a chart's own templates (dependencies stripped), parsed. */
export async function renderOwn(
  chartDir: string,
  chart: string,
  namespace: string,
  options: { readonly lintOnly?: boolean } = {},
): Promise<OwnRender> {
  if (!existsSync(join(chartDir, 'Chart.yaml'))) {
    const missing = { exitCode: 1, stdout: '', stderr: `${chartDir}/Chart.yaml is missing` };
    return { lint: missing, template: missing, objects: [] };
  }
  const { lint, template } = await lintAndRenderOwnTemplates(chartDir, chart, namespace, options);
  const objects = template.exitCode === 0 ? parseHelmOutput(String(template.stdout), chart) : [];
  return { lint, template, objects };
}

/**
 * Splits `helm template` output into objects, each with the template file it came from (`# Source:`). With a
 * `cacheScope` (one per Application), the objects parsed by the previous run under that scope are reused where the
 * text is the same: a warm check does not parse megabytes of unchanged CRDs again.
 */
export function parseHelmOutput(stdout: string, chart: string, cacheScope?: string): K8sObject[] {
  const chunks = stdout.split(/^---[ \t]*$/m);
  const values = cacheScope
    ? cachedChunks(cacheScope, chunks, documentValues)
    : chunks.map((chunk) => documentValues(chunk));
  const out: K8sObject[] = [];
  chunks.forEach((chunk, i) => {
    const source = /^# Source: [^/\n]+\/(.+)$/m.exec(chunk)?.[1];
    const file = `charts/${chart}/${source ?? 'templates'}`;
    for (const object of values[i] ?? []) out.push({ object, file, chart });
  });
  return out;
}

/** The objects of a (multi-document) YAML text; empty documents are skipped, unparsable ones too. */
export function parseObjects(text: string, file: string, chart: string): K8sObject[] {
  return documentValues(text).map((object) => ({ object, file, chart }));
}

/** The mappings among the documents of a YAML text (what Kubernetes would take as objects). */
function documentValues(text: string): Values[] {
  const out: Values[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) continue;
    const value = doc.toJS() as unknown;
    if (isPlainObject(value)) out.push(value as Values);
  }
  return out;
}

/** `kind/name` (and namespace) of an object, for messages. */
export function describeObject(o: Values): string {
  const meta = (o.metadata ?? {}) as Values;
  return `${String(o.kind)}/${String(meta.name ?? '?')}`;
}
