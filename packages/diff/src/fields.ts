import { isPlainObject } from '@idstack/core';

/** One step into an object: a key, a list index, or a list item found by its identifying field (`name`). */
export type Segment = { key: string } | { index: number } | { id: string; value: string };

/** A difference at a path, before masking. */
export interface RawChange {
  readonly path: readonly Segment[];
  readonly op: 'changed' | 'added' | 'removed';
  readonly old?: unknown;
  readonly new?: unknown;
}

/** Fields that identify the items of a list (dyff matches `containers`, `env`, `ports`, `volumes` by name). */
const ID_FIELDS = ['name', 'id'] as const;

/** Every difference between two values, field by field (maps by key, named lists by name, other lists by index). */
export function diffValues(a: unknown, b: unknown, path: readonly Segment[] = []): RawChange[] {
  if (deepEqual(a, b)) return [];
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: RawChange[] = [];
    for (const key of sortedUnion(Object.keys(a), Object.keys(b))) {
      const here = [...path, { key }];
      if (!(key in b)) out.push({ path: here, op: 'removed', old: a[key] });
      else if (!(key in a)) out.push({ path: here, op: 'added', new: b[key] });
      else out.push(...diffValues(a[key], b[key], here));
    }
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const id = identifyingField(a, b);
    if (id) return diffNamedLists(a as Record<string, unknown>[], b as Record<string, unknown>[], id, path);
    if (a.length === b.length && a.some((x) => typeof x === 'object' && x !== null)) {
      return a.flatMap((x, i) => diffValues(x, b[i], [...path, { index: i }]));
    }
    return diffUnnamedLists(a, b, path);
  }
  return [{ path, op: 'changed', old: a, new: b }];
}

function diffNamedLists(
  a: readonly Record<string, unknown>[],
  b: readonly Record<string, unknown>[],
  id: string,
  path: readonly Segment[],
): RawChange[] {
  const byId = (list: readonly Record<string, unknown>[]) =>
    new Map(list.map((item) => [String(item[id]), item]));
  const before = byId(a);
  const after = byId(b);
  const out: RawChange[] = [];
  for (const name of sortedUnion([...before.keys()], [...after.keys()])) {
    const here = [...path, { id, value: name }];
    const x = before.get(name);
    const y = after.get(name);
    if (y === undefined) out.push({ path: here, op: 'removed', old: x });
    else if (x === undefined) out.push({ path: here, op: 'added', new: y });
    else out.push(...diffValues(x, y, here));
  }
  // The same items in another order is a change too (Argo CD compares lists in order).
  const common = (list: Map<string, unknown>, other: Map<string, unknown>) =>
    [...list.keys()].filter((k) => other.has(k));
  const orderBefore = common(before, after);
  const orderAfter = common(after, before);
  if (orderBefore.join('\0') !== orderAfter.join('\0')) {
    out.push({ path: [...path, { key: '(order)' }], op: 'changed', old: orderBefore, new: orderAfter });
  }
  return out;
}

/** Lists without names: the items only one side has (by longest common subsequence), at their own index. */
function diffUnnamedLists(
  a: readonly unknown[],
  b: readonly unknown[],
  path: readonly Segment[],
): RawChange[] {
  if (a.length * b.length > 250_000) return [{ path, op: 'changed', old: a, new: b }];
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  const at = (i: number, j: number) => (common[i] as number[])[j] as number;
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      (common[i] as number[])[j] = deepEqual(a[i], b[j])
        ? at(i + 1, j + 1) + 1
        : Math.max(at(i + 1, j), at(i, j + 1));
  const out: RawChange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && deepEqual(a[i], b[j])) {
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || at(i, j + 1) > at(i + 1, j))) {
      out.push({ path: [...path, { index: j }], op: 'added', new: b[j] });
      j++;
    } else {
      out.push({ path: [...path, { index: i }], op: 'removed', old: a[i] });
      i++;
    }
  }
  return out;
}

/** The field every item of both lists has, as a unique string: the lists are then compared item by item. */
function identifyingField(a: readonly unknown[], b: readonly unknown[]): string | undefined {
  const items = [...a, ...b];
  if (items.length === 0 || !items.every(isPlainObject)) return undefined;
  return ID_FIELDS.find((field) =>
    [a, b].every((list) => {
      const ids = list.map((item) => (item as Record<string, unknown>)[field]);
      return ids.every((v) => typeof v === 'string') && new Set(ids).size === ids.length;
    }),
  );
}

/** Structural equality: mappings by key (order never matters), lists in order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** A path the way dyff and kubectl users read it: `spec.template.spec.containers[name=app].env[0]`. */
export function formatPath(path: readonly Segment[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((s, i) => {
      if ('index' in s) return `[${s.index}]`;
      if ('id' in s) return `[${s.id}=${s.value}]`;
      if (/^[A-Za-z_(][A-Za-z0-9_-]*\)?$/.test(s.key)) return i === 0 ? s.key : `.${s.key}`;
      return `[${JSON.stringify(s.key)}]`;
    })
    .join('');
}

function sortedUnion(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}
