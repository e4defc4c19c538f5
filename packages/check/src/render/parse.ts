import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainObject, lintAndRenderOwnTemplates, type Values } from '@idstack/core';
import { parseAllDocuments } from 'yaml';
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

/** Splits `helm template` output into objects, each with the template file it came from (`# Source:`). */
export function parseHelmOutput(stdout: string, chart: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const chunk of stdout.split(/^---[ \t]*$/m)) {
    const source = /^# Source: [^/\n]+\/(.+)$/m.exec(chunk)?.[1];
    const file = `charts/${chart}/${source ?? 'templates'}`;
    out.push(...parseObjects(chunk, file, chart));
  }
  return out;
}

/** The objects of a (multi-document) YAML text; empty documents are skipped, unparsable ones too. */
export function parseObjects(text: string, file: string, chart: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) continue;
    const value = doc.toJS() as unknown;
    if (isPlainObject(value)) out.push({ object: value as Values, file, chart });
  }
  return out;
}

/** `kind/name` (and namespace) of an object, for messages. */
export function describeObject(o: Values): string {
  const meta = (o.metadata ?? {}) as Values;
  return `${String(o.kind)}/${String(meta.name ?? '?')}`;
}
