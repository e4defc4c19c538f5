import { isPlainObject, type Values } from '@idstack/core';
import { groupOf, keyOf, record } from './tree.js';
import type { IgnoreRule } from './types.js';

/** Annotations Argo CD (or kubectl) writes itself: never part of what git asks for. */
const NOISE_ANNOTATIONS = [
  'argocd.argoproj.io/tracking-id',
  'argocd.argoproj.io/installation-id',
  'kubectl.kubernetes.io/last-applied-configuration',
];

/**
 * The object as Argo CD compares it: without the tracking annotations Argo CD writes itself, without `null`
 * fields (the API server drops them) and without empty `labels`/`annotations` maps, and without the fields the
 * Application's `ignoreDifferences` name. Key order never matters (the comparison is by key). Returns a copy.
 * Expressions it cannot evaluate are reported through `unsupported`.
 */
export function normalize(
  object: Values,
  ignores: readonly IgnoreRule[],
  defaultNamespace: string,
  unsupported: (expression: string) => void,
): Values {
  const out = dropNulls(object) as Values;
  const meta = record(out.metadata);
  if (isPlainObject(meta.annotations)) for (const key of NOISE_ANNOTATIONS) delete meta.annotations[key];
  for (const field of ['annotations', 'labels'] as const) {
    if (field in meta && Object.keys(record(meta[field])).length === 0) delete meta[field];
  }
  const key = keyOf(out);
  const namespace = key.namespace || defaultNamespace;
  for (const rule of ignores) {
    if (!glob(rule.group ?? '', groupOf(out)) || !glob(rule.kind, key.kind)) continue;
    if (rule.name && rule.name !== key.name) continue;
    if (rule.namespace && rule.namespace !== namespace) continue;
    for (const pointer of rule.jsonPointers ?? []) removePointer(out, pointer);
    for (const expression of rule.jqPathExpressions ?? []) {
      const path = parseJqPath(expression);
      if (path) removeJqPath(out, path);
      else unsupported(expression);
    }
  }
  return out;
}

/** Argo CD's group/kind match: exact, or a glob with `*`. */
function glob(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(value);
}

/** A deep copy without `null` values in mappings. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (!isPlainObject(value)) return value;
  const out: Values = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = dropNulls(v);
  return out;
}

/** Removes what an RFC 6901 JSON pointer (`/spec/replicas`, `/metadata/annotations/a~1b`) points at, if present. */
function removePointer(object: Values, pointer: string): void {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (parts.length === 0) return;
  let node: unknown = object;
  for (const part of parts.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(part)] : isPlainObject(node) ? node[part] : undefined;
    if (node === undefined) return;
  }
  const last = parts[parts.length - 1] as string;
  if (Array.isArray(node) && /^\d+$/.test(last)) node.splice(Number(last), 1);
  else if (isPlainObject(node)) delete node[last];
}

/** One step of a jq path: a key, an index, or every element (`[]`). */
type JqStep = { key: string } | { index: number } | { each: true };

/**
 * Parses the jq path expressions Argo CD users write in `ignoreDifferences`: `.a.b`, `."a.b"`, `.a["b"]`,
 * `.a[0]`, `.a[]`, `.a[]?`, `.a?`. Anything else (pipes, `select(...)`) returns undefined.
 */
export function parseJqPath(expression: string): JqStep[] | undefined {
  const steps: JqStep[] = [];
  const token =
    /\.([A-Za-z_][A-Za-z0-9_-]*)\??|\."((?:[^"\\]|\\.)*)"\??|\[\s*"((?:[^"\\]|\\.)*)"\s*\]\??|\[\s*(\d+)\s*\]\??|\[\s*\]\??/y;
  const text = expression.trim();
  if (!text.startsWith('.') || text === '.') return undefined;
  let at = 0;
  while (at < text.length) {
    token.lastIndex = at;
    const m = token.exec(text);
    if (!m) return undefined;
    at = token.lastIndex;
    if (m[1] !== undefined) steps.push({ key: m[1] });
    else if (m[2] !== undefined) steps.push({ key: JSON.parse(`"${m[2]}"`) as string });
    else if (m[3] !== undefined) steps.push({ key: JSON.parse(`"${m[3]}"`) as string });
    else if (m[4] !== undefined) steps.push({ index: Number(m[4]) });
    else steps.push({ each: true });
  }
  return steps;
}

/** `del(<path>)`: removes every field the path reaches; missing parts are skipped (like `?`). */
function removeJqPath(node: unknown, steps: readonly JqStep[]): void {
  const [step, ...rest] = steps;
  if (!step) return;
  if ('each' in step) {
    const children = Array.isArray(node) ? node : isPlainObject(node) ? Object.values(node) : [];
    if (rest.length === 0) {
      if (Array.isArray(node)) node.splice(0);
      else if (isPlainObject(node)) for (const k of Object.keys(node)) delete node[k];
    } else for (const child of children) removeJqPath(child, rest);
    return;
  }
  if ('index' in step) {
    if (!Array.isArray(node)) return;
    if (rest.length === 0) node.splice(step.index, 1);
    else removeJqPath(node[step.index], rest);
    return;
  }
  if (!isPlainObject(node)) return;
  if (rest.length === 0) delete node[step.key];
  else removeJqPath(node[step.key], rest);
}
