import { describe, expect, it } from 'vitest';
import { fakeComponent } from '../test-support/fixtures.js';
import { validateStack } from './load.js';
import { stackSchema } from './schema.js';

// The per-stack part of the schema (component blocks and hosts); the global part is covered by the config corpora.

const base = fakeComponent('base', 'platform', [], {
  hosts: { ui: { prefix: 'console', description: 'The console' } },
});
const late = fakeComponent('late', 'security', ['base']);
const all = [base, late];

describe('stackSchema', () => {
  it('describes each component block, its common settings and each host, as editors show them', () => {
    const schema = stackSchema(all);
    const components = schema.shape.components;
    expect(components.description).toBe(
      'Per-component switches and options; an empty block (or none) means enabled with defaults.',
    );
    expect(schema.shape.hosts.description).toBe(
      "Public host names of the stack's UIs and APIs; each defaults to <prefix>.<domain>.",
    );
    const json = JSON.parse(
      JSON.stringify(stackSchema(all).toJSONSchema({ io: 'input', unrepresentable: 'any' })),
    );
    const block = json.properties.components.properties.late;
    expect(block.description).toBe('fake late (tier security, namespace late).');
    expect(block.properties.enabled).toMatchObject({
      type: 'boolean',
      default: true,
      description: 'Render this component (its chart and its Application). Default: true.',
    });
    expect(block.properties.needs).toMatchObject({
      type: 'array',
      default: [],
      description:
        'Extra components this one must wait for, beside the ones it declares itself. Default: none.',
    });
    expect(block.properties.values).toMatchObject({
      type: 'object',
      default: {},
      description:
        'Helm values deep-merged over what idstack renders for this chart (escape hatch; `idstack check` still checks every key against upstream). Default: {}.',
    });
    expect(json.properties.hosts.properties.ui.description).toBe('The console. Default: console.<domain>.');
  });

  it('gives every component block its defaults', () => {
    expect(validateStack({}, all).components).toEqual({
      base: { enabled: true, needs: [], values: {}, greeting: 'hello' },
      late: { enabled: true, needs: [], values: {}, greeting: 'hello' },
    });
  });

  it('takes a need on any known component and names them all when one is unknown', () => {
    expect(
      validateStack({ components: { late: { needs: ['base', 'late'] } } }, all).components.late?.needs,
    ).toEqual(['base', 'late']);
    const result = stackSchema(all).safeParse({ components: { base: { needs: ['ghost'] } } });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['components.base.needs.0', '"ghost" is not a component; known components: base, late'],
    ]);
  });
});
