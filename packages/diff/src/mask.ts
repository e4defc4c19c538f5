import { secretLikeKey } from '@idstack/check';
import { isPlainObject, type Values } from '@idstack/core';
import type { Segment } from './fields.js';

/** What a masked value is shown as. */
export const HIDDEN = '(hidden)';

/**
 * Whether a path holds a credential, by the rules `idstack check` uses for literal secrets: a Secret's `data` and
 * `stringData`, a key that names a credential (`password`, `token`, `clientSecret`, `privateKey`, ...), and the
 * `value` of an env var whose name does (`DB_PASSWORD`).
 */
export function isSensitive(path: readonly Segment[], inSecret: boolean): boolean {
  const first = path[0];
  // A Secret's values, not the map holding them (its keys are shown).
  if (
    inSecret &&
    path.length > 1 &&
    first &&
    'key' in first &&
    (first.key === 'data' || first.key === 'stringData')
  )
    return true;
  return path.some((s, i) => {
    if ('key' in s) return secretLikeKey(s.key) === 'literal';
    if ('id' in s) {
      const next = path[i + 1];
      return secretLikeKey(s.value) === 'literal' && (!next || ('key' in next && next.key === 'value'));
    }
    return false;
  });
}

/** A copy of `value` (found at `path`) with every credential below it replaced by {@link HIDDEN}. */
export function maskValue(value: unknown, path: readonly Segment[], inSecret: boolean): unknown {
  if (isSensitive(path, inSecret)) return HIDDEN;
  if (Array.isArray(value))
    return value.map((item, index) => maskValue(item, [...path, { index }], inSecret));
  if (!isPlainObject(value)) return value;
  const out: Values = {};
  // {name: DB_PASSWORD, value: ...}: an env var is found by its name.
  const named = typeof value.name === 'string' && secretLikeKey(value.name) === 'literal';
  for (const [key, child] of Object.entries(value)) {
    out[key] =
      named && key === 'value' && typeof child === 'string'
        ? HIDDEN
        : maskValue(child, [...path, { key }], inSecret);
  }
  return out;
}

/** A core `v1` Secret, whose `data`/`stringData` are never shown. */
export function isSecret(object: Values): boolean {
  return object.kind === 'Secret' && object.apiVersion === 'v1';
}
