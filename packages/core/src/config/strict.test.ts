import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeObjects } from './strict.js';

describe('closeObjects', () => {
  const open = z.object({
    mode: z.enum(['a', 'b']).default('a').describe('The mode.'),
    nested: z
      .object({ items: z.array(z.object({ name: z.string() })).default([]) })
      .prefault({})
      .describe('Nested.'),
    either: z.union([z.object({ x: z.number() }), z.string()]).optional(),
    labels: z.record(z.string(), z.string()).default({}),
    loose: z.looseObject({ known: z.string().optional() }).optional(),
    checked: z
      .object({ low: z.number(), high: z.number() })
      .refine((v) => v.low <= v.high, 'low must not exceed high')
      .optional(),
  });
  const closed = closeObjects(open);
  const keysRefused = (input: unknown) =>
    (closed.safeParse(input).error?.issues ?? [])
      .filter((i) => i.code === 'unrecognized_keys')
      .map((i) => [...i.path, ...(i as { keys: string[] }).keys].join('.'));

  it('refuses unknown keys at every depth: objects, list entries, union members', () => {
    expect(keysRefused({ mdoe: 'a' })).toEqual(['mdoe']);
    expect(keysRefused({ nested: { itmes: [] } })).toEqual(['nested.itmes']);
    expect(keysRefused({ nested: { items: [{ name: 'x', nmae: 'y' }] } })).toEqual(['nested.items.0.nmae']);
    expect(closed.safeParse({ either: { x: 1, y: 2 } }).success).toBe(false);
    expect(open.safeParse({ mdoe: 'a', nested: { items: [{ name: 'x', nmae: 'y' }] } }).success).toBe(true);
  });

  it('keeps records and loose objects open, and keeps defaults, refinements and descriptions', () => {
    const parsed = closed.parse({ labels: { anything: 'goes' }, loose: { extra: 1 } });
    expect(parsed).toMatchObject({ mode: 'a', nested: { items: [] }, labels: { anything: 'goes' } });
    expect(parsed.loose).toEqual({ extra: 1 });
    expect(closed.safeParse({ checked: { low: 2, high: 1 } }).error?.issues[0]?.message).toBe(
      'low must not exceed high',
    );
    const json = z.toJSONSchema(closed, { io: 'input' }) as {
      properties: Record<string, { description?: string; additionalProperties?: unknown }>;
      additionalProperties?: unknown;
    };
    expect(json.additionalProperties).toBe(false);
    expect(json.properties.mode?.description).toBe('The mode.');
    expect(json.properties.nested).toMatchObject({ description: 'Nested.', additionalProperties: false });
  });

  it('returns a schema without objects unchanged', () => {
    const plain = z.array(z.string());
    expect(closeObjects(plain)).toBe(plain);
  });
});
