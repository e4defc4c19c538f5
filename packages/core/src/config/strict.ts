import { z } from 'zod';

type Def = Record<string, unknown> & { readonly type: string; readonly catchall?: unknown };

const isSchema = (value: unknown): value is z.ZodType =>
  typeof value === 'object' && value !== null && '_zod' in value;

/**
 * The same schema with every object closed: an object that says nothing about unknown keys (`z.object`) refuses
 * them, at every depth (inside defaults, optionals, arrays, unions, pipes). So a typo in any nested option is an
 * error with a "did you mean", whichever zod object flavour a component package wrote. Maps keyed by the user's own
 * names (`z.record`, e.g. `values`, `annotations`) and objects that deliberately take any key (`z.looseObject`) stay
 * as they are. Descriptions, defaults and refinements are kept.
 */
export function closeObjects<T extends z.ZodType>(schema: T): T {
  const def = schema._zod.def as unknown as Def;
  const changes: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(def)) {
    if (key === 'checks' || key === 'catchall') continue;
    if (isSchema(value)) {
      const closed = closeObjects(value);
      if (closed !== value) changes[key] = closed;
    } else if (Array.isArray(value) && value.every(isSchema)) {
      const closed = value.map((v) => closeObjects(v));
      if (closed.some((c, i) => c !== value[i])) changes[key] = closed;
    } else if (key === 'shape' && typeof value === 'object' && value !== null) {
      const entries = Object.entries(value as Record<string, z.ZodType>);
      const closed = entries.map(([k, v]) => [k, closeObjects(v)] as const);
      if (closed.some(([k, c]) => c !== (value as Record<string, z.ZodType>)[k]))
        changes[key] = Object.fromEntries(closed);
    }
  }
  if (def.type === 'object' && def.catchall === undefined) changes.catchall = z.never();
  if (Object.keys(changes).length === 0) return schema;
  const copy = (schema as unknown as z.ZodType).clone({ ...def, ...changes } as never) as unknown as T;
  const meta = z.globalRegistry.get(schema);
  if (meta) z.globalRegistry.add(copy, meta);
  return copy;
}
