import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseObjects } from '@idstack/check';
import { isPlainObject, readTree, type Values, WAVE_ANNOTATION } from '@idstack/core';
import { RenderError } from './errors.js';
import type { ApplicationInfo, IgnoreRule, ObjectKey } from './types.js';

/**
 * The name under which the objects of `cluster/` that no Application applies are listed: `cluster/root.yaml`
 * (the root app-of-apps and its AppProject), applied once by `idstack bootstrap`.
 */
export const BOOTSTRAP = '(bootstrap)';

/** Every YAML document under `<root>/cluster`, with the file it is in. */
export function clusterDocuments(root: string): { file: string; object: Values }[] {
  const out: { file: string; object: Values }[] = [];
  for (const [path, text] of readTree(join(root, 'cluster'), 'cluster/')) {
    if (!/\.(ya?ml|json)$/.test(path)) continue;
    try {
      for (const o of parseObjects(text, path, 'cluster')) out.push({ file: path, object: o.object });
    } catch (error) {
      throw new RenderError(`${path} cannot be read: ${(error as Error).message}`);
    }
  }
  return out;
}

/** The Applications declared under `<root>/cluster`, by name. */
export function readApplications(root: string): Map<string, ApplicationInfo> {
  const apps = new Map<string, ApplicationInfo>();
  for (const { file, object } of clusterDocuments(root)) {
    if (object.kind !== 'Application' || groupOf(object) !== 'argoproj.io') continue;
    const meta = record(object.metadata);
    const spec = record(object.spec);
    const name = String(meta.name ?? '');
    if (!name) throw new RenderError(`${file}: an Application without metadata.name`);
    apps.set(name, {
      name,
      wave: String(record(meta.annotations)[WAVE_ANNOTATION] ?? '0'),
      namespace: String(record(spec.destination).namespace ?? ''),
      ignoreDifferences: Array.isArray(spec.ignoreDifferences)
        ? (spec.ignoreDifferences.filter(isPlainObject) as unknown as IgnoreRule[])
        : [],
      source: record(spec.source),
      file,
    });
  }
  return apps;
}

/**
 * The folder inside the tree an Application source reads: its `chart` (the released chart is `charts/<chart>` in
 * git), else its `path` with any repository prefix (`source.path` in stack.yaml) dropped until it exists in the
 * tree. Undefined when the source is not in this repository.
 */
export function sourceDir(root: string, source: Values): string | undefined {
  if (typeof source.chart === 'string') {
    const dir = join(root, 'charts', source.chart);
    return existsSync(dir) ? dir : undefined;
  }
  if (typeof source.path !== 'string') return undefined;
  const parts = source.path.split('/').filter((p) => p && p !== '.');
  for (let i = 0; i < parts.length; i++) {
    const dir = join(root, ...parts.slice(i));
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

/** The API group of an object (`apps/v1` -> `apps`, `v1` -> ""). */
export function groupOf(object: Values): string {
  const apiVersion = String(object.apiVersion ?? '');
  return apiVersion.includes('/') ? (apiVersion.split('/')[0] as string) : '';
}

/** What Argo CD identifies an object by. */
export function keyOf(object: Values): ObjectKey {
  const meta = record(object.metadata);
  return {
    group: groupOf(object),
    kind: String(object.kind ?? ''),
    namespace: typeof meta.namespace === 'string' ? meta.namespace : '',
    name: String(meta.name ?? ''),
  };
}

/** `group/kind/namespace/name` as one string (a map key). */
export function keyString(key: ObjectKey): string {
  return `${key.group}/${key.kind}/${key.namespace}/${key.name}`;
}

/** A mapping, or an empty one. */
export function record(value: unknown): Values {
  return isPlainObject(value) ? value : {};
}
