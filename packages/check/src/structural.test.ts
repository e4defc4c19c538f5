import { describe, expect, it } from 'vitest';
import { structuralToJsonSchema } from './structural.js';

describe('structuralToJsonSchema', () => {
  it('treats CRD objects as closed unless they preserve unknown fields, honouring int-or-string', () => {
    const schema = structuralToJsonSchema({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            port: { 'x-kubernetes-int-or-string': true },
            free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          },
        },
      },
    }) as {
      properties: {
        spec: { additionalProperties: unknown; properties: Record<string, Record<string, unknown>> };
      };
    };
    expect(schema.properties.spec.additionalProperties).toBe(false);
    expect(schema.properties.spec.properties.port?.anyOf).toEqual([{ type: 'integer' }, { type: 'string' }]);
    expect(schema.properties.spec.properties.free?.additionalProperties).toBeUndefined();
  });
});
