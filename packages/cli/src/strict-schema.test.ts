import { renderJsonSchema } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { components } from './components.js';

/**
 * The documented free-form maps of stack.yaml (README, "The config file"): keys the user names, so no key can be a
 * typo. Every other object of the schema must be closed (`additionalProperties: false`), at every depth, so that an
 * unknown key is refused with a "did you mean" instead of silently dropped.
 */
const FREE_FORM_MAPS: readonly { readonly path: RegExp; readonly why: string }[] = [
  {
    path: /^components\.[^.]+\.values$/,
    why: 'Helm values overrides (idstack check checks them against upstream)',
  },
  { path: /\.matchLabels$/, why: 'Kubernetes label selectors: the keys are label names' },
  { path: /\.annotations$/, why: 'Kubernetes annotations: the keys are annotation names' },
];

type JsonSchema = { readonly [key: string]: unknown };

/** Every object schema in a JSON Schema, by the stack.yaml key path it describes (`[]` for a list entry). */
function objectsOf(schema: JsonSchema): { path: string; node: JsonSchema }[] {
  const found: { path: string; node: JsonSchema }[] = [];
  const visit = (node: unknown, path: string): void => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
    const n = node as JsonSchema;
    if (n.type === 'object' || n.properties || n.additionalProperties !== undefined)
      found.push({ path, node: n });
    for (const [key, child] of Object.entries((n.properties ?? {}) as JsonSchema))
      visit(child, path ? `${path}.${key}` : key);
    visit(n.items, `${path}[]`);
    if (typeof n.additionalProperties === 'object') visit(n.additionalProperties, `${path}.*`);
    for (const key of ['anyOf', 'oneOf', 'allOf'])
      for (const child of (n[key] ?? []) as unknown[]) visit(child, path);
    for (const [name, child] of Object.entries((n.definitions ?? n.$defs ?? {}) as JsonSchema))
      visit(child, `#${name}`);
  };
  visit(schema, '');
  return found;
}

describe('stack.schema.json is strict at every depth', () => {
  const schema = JSON.parse(renderJsonSchema(components)) as JsonSchema;
  const objects = objectsOf(schema);

  it('closes every object that is not a documented free-form map', () => {
    const open = objects
      .filter(({ node }) => node.additionalProperties !== false)
      .filter(({ path }) => !FREE_FORM_MAPS.some((f) => f.path.test(path)))
      .map(({ path }) => path || '(root)');
    expect(open).toEqual([]);
  });

  it('finds the nested option objects it guards (the walk reaches them)', () => {
    const paths = objects.map((o) => o.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '',
        'components.cilium-tetragon.shellPolicy',
        'components.spire.extraIdentities[].podSelector',
        'components.spire.extraIdentities[].podSelector.matchExpressions[]',
        'components.netbird.dataPlane',
        'components.authentik-db.backup',
      ]),
    );
    expect(objects.length).toBeGreaterThan(25);
  });

  it('lists only free-form maps that exist', () => {
    for (const f of FREE_FORM_MAPS)
      expect(
        objects.some((o) => f.path.test(o.path)),
        f.why,
      ).toBe(true);
  });
});
