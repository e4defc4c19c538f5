import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Component, ComponentContext } from './component.js';
import { validateStack } from './config/load.js';
import type { Problem } from './errors.js';
import { mirrored, planStack } from './plan.js';
import { configErrorOf, fakeComponent } from './test-support/fixtures.js';

/** The problems planStack refuses a stack with, and the source it names. */
function refusal(
  all: readonly Component[],
  raw: unknown = {},
): { source?: string; problems: readonly Problem[] } {
  const stack = validateStack(raw, all);
  const { source, problems } = configErrorOf(() => planStack(all, stack));
  return { source, problems };
}

const base = fakeComponent('base', 'platform');

describe('planStack', () => {
  it('gives a component that declares nothing optional the documented defaults', () => {
    const all = [base];
    const [planned] = planStack(all, validateStack({}, all)).components;
    expect(planned).toEqual({
      component: base,
      package: { packageName: '@test/base', version: '1.2.3', changes: [] },
      wave: 0,
      needs: [],
      charts: [{ name: 'upstream', repository: 'https://charts.example.org', version: '1.0.0' }],
      values: { upstream: { replicas: 1 }, greeting: 'hello' },
      argocd: {
        syncOptions: [],
        serverSideApply: false,
        ignoreDifferences: [],
        retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
        prune: true,
        selfHeal: true,
      },
      otherNamespaces: [],
      externalNamespaces: [],
      carries: [],
      forwards: [],
      network: [],
      secrets: [],
      identity: {},
      notes: '',
      placeholders: [],
      manualSteps: [],
    });
    expect(Object.hasOwn(planned?.argocd ?? {}, 'namespaceMetadata')).toBe(false);
  });

  it("takes every declaration from the component's functions, given its context", () => {
    const contexts: ComponentContext<Record<string, unknown>>[] = [];
    const seen =
      <T>(value: T) =>
      (ctx: ComponentContext<Record<string, unknown>>) => {
        contexts.push(ctx);
        return value;
      };
    const retry = { limit: 1, backoff: { duration: '1s', factor: 3, maxDuration: '9s' } };
    const full = fakeComponent('full', 'infra', ['base'], {
      argocd: seen({
        syncOptions: ['Replace=true'],
        serverSideApply: true,
        ignoreDifferences: [{ kind: 'Secret', jsonPointers: ['/data'] }],
        retry,
        prune: false,
        selfHeal: false,
        namespaceMetadata: { labels: { a: 'b' } },
      }),
      otherNamespaces: seen(['extra']),
      externalNamespaces: seen(['theirs']),
      carries: seen(['a.example.org']),
      forwards: seen([{ protocol: 'UDP', port: 1, hosts: [], purpose: 'p' }]),
      network: seen([{ name: 'w', description: 'w', selector: { a: 'w' } }]),
      secrets: seen([{ name: 's', purpose: 'p', keys: [] }]),
      identity: seen({ groups: [{ name: 'g' }] }),
      notes: seen('How it works.'),
      placeholders: seen([{ path: 'components.full.x', message: 'placeholder' }]),
      manualSteps: seen(['do this']),
    } as unknown as Partial<Component>);
    writeFileSync(
      join(full.packageDir, 'CHANGELOG.md'),
      '# @test/full\n\n## 1.2.3\n\n### Patch Changes\n\n- fixed a thing\n',
    );
    const all = [base, full];
    const stack = validateStack({ components: { full: { greeting: 'hi' } } }, all);
    const planned = planStack(all, stack).components.find((p) => p.component === full);
    expect(planned).toEqual({
      component: full,
      package: {
        packageName: '@test/full',
        version: '1.2.3',
        changes: [{ kind: 'fixed', description: 'fixed a thing' }],
      },
      wave: 1,
      needs: ['base'],
      charts: [{ name: 'upstream', repository: 'https://charts.example.org', version: '1.0.0' }],
      values: { upstream: { replicas: 1 }, greeting: 'hi' },
      argocd: {
        syncOptions: ['Replace=true'],
        serverSideApply: true,
        ignoreDifferences: [{ kind: 'Secret', jsonPointers: ['/data'] }],
        retry,
        prune: false,
        selfHeal: false,
        namespaceMetadata: { labels: { a: 'b' } },
      },
      otherNamespaces: ['extra'],
      externalNamespaces: ['theirs'],
      carries: ['a.example.org'],
      forwards: [{ protocol: 'UDP', port: 1, hosts: [], purpose: 'p' }],
      network: [{ name: 'w', description: 'w', selector: { a: 'w' } }],
      secrets: [{ name: 's', purpose: 'p', keys: [] }],
      identity: { groups: [{ name: 'g' }] },
      notes: 'How it works.',
      placeholders: [{ path: 'components.full.x', message: 'placeholder' }],
      manualSteps: ['do this'],
    });
    expect(contexts.length).toBeGreaterThan(0);
    for (const ctx of contexts) {
      expect(ctx.stack).toBe(stack);
      expect(ctx.options).toBe(stack.components.full);
    }
  });

  it('takes plain (non-function) argocd options and otherNamespaces as they are', () => {
    const plain = fakeComponent('plain', 'infra', ['base'], {
      argocd: { serverSideApply: true },
      otherNamespaces: ['kube-system'],
    });
    const all = [base, plain];
    const planned = planStack(all, validateStack({}, all)).components[1];
    expect(planned?.argocd).toEqual({
      syncOptions: [],
      serverSideApply: true,
      ignoreDifferences: [],
      retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } },
      prune: true,
      selfHeal: true,
    });
    expect(planned?.otherNamespaces).toEqual(['kube-system']);
  });

  it('answers enabled() and namespaceOf() from the stack, and refuses an unknown name', () => {
    const answers: unknown[] = [];
    const asker = fakeComponent('asker', 'infra', ['base'], {
      namespace: 'asker-ns',
      notes: (ctx: ComponentContext<unknown>) => {
        answers.push(ctx.enabled('base'), ctx.enabled('off'), ctx.enabled('nothing'));
        answers.push(ctx.namespaceOf('off'), ctx.namespaceOf('asker'));
        try {
          ctx.namespaceOf('ghost');
        } catch (error) {
          answers.push((error as Error).message);
        }
        return '';
      },
    } as Partial<Component>);
    const off = fakeComponent('off', 'infra', [], { namespace: 'off-ns' });
    const all = [base, asker, off];
    planStack(all, validateStack({ components: { off: { enabled: false } } }, all));
    expect(answers).toEqual([
      true,
      false,
      false,
      'off-ns',
      'asker-ns',
      'asker asks for the namespace of unknown component "ghost"',
    ]);
  });

  it('gives the identity provider every enabled identity in sync order, computed once', () => {
    let calls = 0;
    const declaring = (group: string) => () => {
      calls++;
      return { groups: [{ name: group }] };
    };
    let seen: unknown;
    const idp = fakeComponent('idp', 'security', ['late'], {
      identity: declaring('idp-admins'),
      notes: (ctx: ComponentContext<unknown>) => {
        seen = ctx.identities();
        expect(ctx.identities()).toBe(seen);
        return '';
      },
    } as Partial<Component>);
    const late = fakeComponent('late', 'infra', ['base'], { identity: declaring('late-users') });
    const all = [idp, late, base];
    const plan = planStack(all, validateStack({}, all));
    expect(seen).toEqual([
      { component: 'base', namespace: 'base', identity: {} },
      { component: 'late', namespace: 'late', identity: { groups: [{ name: 'late-users' }] } },
      { component: 'idp', namespace: 'idp', identity: { groups: [{ name: 'idp-admins' }] } },
    ]);
    expect(calls).toBe(2);
    expect(plan.components.map((p) => [p.component.name, p.identity])).toEqual([
      ['base', {}],
      ['late', { groups: [{ name: 'late-users' }] }],
      ['idp', { groups: [{ name: 'idp-admins' }] }],
    ]);
  });

  it('drops disabled components and adds the extra needs from stack.yaml', () => {
    const a = fakeComponent('a', 'infra', ['base']);
    const b = fakeComponent('b', 'infra', ['base']);
    const c = fakeComponent('c', 'infra', ['base']);
    const all = [base, a, b, c];
    const plan = planStack(
      all,
      validateStack({ components: { a: { needs: ['b'] }, c: { enabled: false } } }, all),
    );
    expect(plan.components.map((p) => [p.component.name, p.wave, p.needs])).toEqual([
      ['base', 0, []],
      ['b', 1, ['base']],
      ['a', 2, ['base', 'b']],
    ]);
  });

  it('plans a component the stack has no block for with its defaults (enabled, no options)', () => {
    const late = fakeComponent('late', 'infra', ['base'], {
      values: (ctx: ComponentContext<Record<string, unknown>>) => ({ options: ctx.options }),
      knobs: z.object({ options: z.record(z.string(), z.unknown()) }),
    } as Partial<Component>);
    const plan = planStack([base, late], validateStack({}, [base]));
    expect(plan.components.map((p) => [p.component.name, p.values])).toEqual([
      ['base', { upstream: { replicas: 1 }, greeting: 'hello' }],
      ['late', { options: {} }],
    ]);
  });

  it('refuses a declared need that names no component, naming the declarations', () => {
    expect(refusal([base, fakeComponent('a', 'infra', ['ghost'])])).toEqual({
      source: 'the component declarations',
      problems: [
        {
          path: 'component a (packages/a)',
          message: 'needs "ghost", which is not a component; known components: a, base',
        },
      ],
    });
  });

  it('refuses an enabled component whose required component is disabled, and only then', () => {
    const needy = fakeComponent('needy', 'security', ['other'], { required: ['base'] });
    const other = fakeComponent('other', 'infra', ['base']);
    const all = [base, other, needy];
    expect(refusal(all, { components: { base: { enabled: false } } })).toEqual({
      source: undefined,
      problems: [
        {
          path: 'components.base.enabled',
          message: 'needy cannot work without base: enable base, or disable needy too',
        },
      ],
    });
    expect(
      planStack(
        all,
        validateStack({ components: { base: { enabled: false }, needy: { enabled: false } } }, all),
      ).components.map((p) => p.component.name),
    ).toEqual(['other']);
    expect(planStack(all, validateStack({}, all)).components).toHaveLength(3);
    expect(
      planStack(all, validateStack({ components: { other: { enabled: false } } }, all)).components.map(
        (p) => p.component.name,
      ),
    ).toEqual(['base', 'needy']);
  });

  it('checks the umbrella knobs, skipping global and every dependency by alias or name', () => {
    const aliased = fakeComponent('aliased', 'infra', ['base'], {
      knobs: z.object({ greeting: z.string(), size: z.number().optional() }),
      charts: [
        { name: 'upstream', repository: 'https://charts.example.org', version: '1.0.0' },
        { name: 'other', alias: 'second', repository: 'https://charts.example.org', version: '1.0.0' },
      ],
    });
    const all = [base, aliased];
    const ok = planStack(
      all,
      validateStack(
        { components: { aliased: { values: { global: { x: 1 }, second: { y: 2 }, upstream: { z: 3 } } } } },
        all,
      ),
    );
    expect(ok.components[1]?.values).toEqual({
      upstream: { replicas: 1, z: 3 },
      greeting: 'hello',
      global: { x: 1 },
      second: { y: 2 },
    });
    expect(refusal(all, { components: { aliased: { values: { other: {}, colour: 'red' } } } })).toEqual({
      source: undefined,
      problems: [
        {
          path: 'components.aliased.values',
          message: "unknown chart value(s) other, colour; the chart's own values are: greeting, size",
        },
      ],
    });
    expect(refusal(all, { components: { aliased: { values: { greeting: 7 } } } })).toEqual({
      source: undefined,
      problems: [{ path: 'components.aliased.values.greeting', message: 'must be text, not the number 7' }],
    });
  });

  it('does not check the values of a component without knobs', () => {
    const loose = fakeComponent('loose', 'infra', ['base'], { knobs: undefined });
    const all = [base, loose];
    const plan = planStack(all, validateStack({ components: { loose: { values: { colour: 'red' } } } }, all));
    expect(plan.components[1]?.values).toMatchObject({ colour: 'red' });
  });

  it('points every dependency at the mirror', () => {
    const all = [base];
    const plan = planStack(all, validateStack({ mirror: 'oci://mirror.example.org/charts/' }, all));
    expect(plan.components[0]?.charts).toEqual([
      { name: 'upstream', repository: 'oci://mirror.example.org/charts', version: '1.0.0' },
    ]);
  });
});

describe('mirrored', () => {
  const chart = { name: 'c', repository: 'https://charts.example.org', version: '1' };
  it.each([
    [undefined, 'https://charts.example.org'],
    ['', 'https://charts.example.org'],
    ['oci://mirror.example.org/charts', 'oci://mirror.example.org/charts'],
    ['oci://mirror.example.org/charts//', 'oci://mirror.example.org/charts'],
    ['https://mirror.example.org/', 'https://mirror.example.org'],
  ])('with mirror %j fetches from %j', (mirror, repository) => {
    expect(mirrored(chart, mirror)).toBe(repository);
  });
});
