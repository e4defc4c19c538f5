/** A plain JSON-like object. */
export type Values = { [key: string]: unknown };

export function isPlainObject(value: unknown): value is Values {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep-merges `override` into `base` (neither is modified): objects merge key by key, anything else
 * (arrays included) is replaced, and `null` deletes the key, as Helm does with values.
 */
export function deepMerge(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else if (isPlainObject(value) && isPlainObject(out[key])) out[key] = deepMerge(out[key] as Values, value);
    else out[key] = value;
  }
  return out;
}
