import { describe, expect, it } from 'vitest';
import type { Problem } from './errors.js';
import { configErrorOf, fakeComponent } from './test-support/fixtures.js';
import { compareNames, computeWaves } from './waves.js';

// Each branch of the wave computation with the smallest graph that takes it (waves.test.ts has the realistic stack).

const problems = (fn: () => unknown): readonly Problem[] => configErrorOf(fn).problems;
const layout = (placements: ReturnType<typeof computeWaves>) =>
  placements.map((p) => [p.component.name, p.wave, p.needs]);

const base = fakeComponent('base', 'platform');

describe('computeWaves', () => {
  it('reports every component that needs itself, declared or from stack.yaml, at its needs', () => {
    const a = fakeComponent('a', 'infra', ['a', 'base']);
    const b = fakeComponent('b', 'infra', ['base']);
    expect(problems(() => computeWaves([base, a, b], { b: ['b'] }))).toEqual([
      { path: 'components.a.needs', message: 'a cannot need itself' },
      { path: 'components.b.needs', message: 'b cannot need itself' },
    ]);
  });

  it('reports a component needing itself alone, before any tier order it breaks', () => {
    expect(problems(() => computeWaves([base, fakeComponent('a', 'infra', ['a'])]))).toEqual([
      { path: 'components.a.needs', message: 'a cannot need itself' },
    ]);
  });

  it('names only the members of a cycle, not the component that leads into it', () => {
    const a = fakeComponent('a', 'infra', ['b', 'base']);
    const b = fakeComponent('b', 'infra', ['c']);
    const c = fakeComponent('c', 'infra', ['b']);
    expect(problems(() => computeWaves([base, a, b, c]))).toEqual([
      { path: 'components.b.needs', message: 'needs form a cycle: b -> c -> b; remove one of these needs' },
    ]);
  });

  it('stops at a cycle among disabled components, taking what they stand for once', () => {
    const x = fakeComponent('x', 'infra', ['y', 'base']);
    const y = fakeComponent('y', 'infra', ['x', 'base']);
    const a = fakeComponent('a', 'infra', ['x', 'y']);
    expect(layout(computeWaves([base, a], {}, [x, y]))).toEqual([
      ['base', 0, []],
      ['a', 1, ['base']],
    ]);
  });

  it('does not let a disabled component make its needer wait for itself', () => {
    const off = fakeComponent('off', 'infra', ['a', 'base']);
    const a = fakeComponent('a', 'infra', ['off']);
    expect(layout(computeWaves([base, a], {}, [off]))).toEqual([
      ['base', 0, []],
      ['a', 1, ['base']],
    ]);
  });

  it('drops a need on a component that is neither enabled nor disabled', () => {
    const a = fakeComponent('a', 'infra', ['base', 'ghost']);
    expect(layout(computeWaves([base, a]))).toEqual([
      ['base', 0, []],
      ['a', 1, ['base']],
    ]);
  });

  it('reports a cycle at the stack.yaml need that closes it, by its index', () => {
    const a = fakeComponent('a', 'infra', ['b', 'base']);
    const b = fakeComponent('b', 'infra', ['base']);
    const c = fakeComponent('c', 'infra', ['base']);
    expect(problems(() => computeWaves([base, a, b, c], { b: ['c', 'a'] }))).toEqual([
      {
        path: 'components.b.needs[1]',
        message: 'needs form a cycle: a -> b -> a; remove one of these needs',
      },
    ]);
  });

  it('finds the closing stack.yaml need through a disabled component', () => {
    const a = fakeComponent('a', 'infra', ['b', 'base']);
    const b = fakeComponent('b', 'infra', ['base']);
    const off = fakeComponent('off', 'infra', ['a']);
    expect(problems(() => computeWaves([base, a, b], { b: ['off'] }, [off]))).toEqual([
      {
        path: 'components.b.needs[0]',
        message: 'needs form a cycle: a -> b -> a; remove one of these needs',
      },
    ]);
  });

  it('reports a cycle of declared needs at its first member', () => {
    const a = fakeComponent('a', 'infra', ['b', 'base']);
    const b = fakeComponent('b', 'infra', ['a']);
    expect(problems(() => computeWaves([base, b, a]))).toEqual([
      { path: 'components.a.needs', message: 'needs form a cycle: a -> b -> a; remove one of these needs' },
    ]);
  });

  it('reuses a wave already computed and places a component by its latest need', () => {
    const a = fakeComponent('a', 'infra', ['base']);
    const b = fakeComponent('b', 'infra', ['a']);
    const c = fakeComponent('c', 'infra', ['a', 'b', 'base']);
    expect(layout(computeWaves([c, b, a, base]))).toEqual([
      ['base', 0, []],
      ['a', 1, ['base']],
      ['b', 2, ['a']],
      ['c', 3, ['a', 'b', 'base']],
    ]);
  });

  it('checks the tier order for every pair, reporting each late component against each early one', () => {
    const infra = fakeComponent('infra', 'infra', []);
    const sec = fakeComponent('sec', 'security', []);
    expect(problems(() => computeWaves([base, infra, sec]))).toEqual([
      {
        path: 'components.infra.needs',
        message:
          'infra (infra, wave 0) would not land after base (platform, wave 0); every platform component must be healthy before any infra one: make infra need base (directly or through another need)',
      },
      {
        path: 'components.sec.needs',
        message:
          'sec (security, wave 0) would not land after base (platform, wave 0); every platform component must be healthy before any security one: make sec need base (directly or through another need)',
      },
      {
        path: 'components.sec.needs',
        message:
          'sec (security, wave 0) would not land after infra (infra, wave 0); every infra component must be healthy before any security one: make sec need infra (directly or through another need)',
      },
    ]);
  });

  it('refuses a late tier placed before an early one', () => {
    const infra = fakeComponent('infra', 'infra', ['sec']);
    const sec = fakeComponent('sec', 'security', ['base']);
    expect(problems(() => computeWaves([base, infra, sec])).map((p) => p.message)).toEqual([
      'sec (security, wave 1) would not land after infra (infra, wave 2); every infra component must be healthy before any security one: make sec need infra (directly or through another need)',
    ]);
  });

  it('orders one wave by name in code-point order', () => {
    const upper = fakeComponent('Zed', 'infra', ['base']);
    const lower = fakeComponent('alpha', 'infra', ['base']);
    expect(layout(computeWaves([lower, upper, base])).map(([name]) => name)).toEqual([
      'base',
      'Zed',
      'alpha',
    ]);
  });
});

describe('compareNames', () => {
  it.each([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['a', 'a', 0],
    ['Z', 'a', -1],
    ['a', 'ab', -1],
  ])('compares %j with %j as %i', (a, b, order) => {
    expect(compareNames(a, b)).toBe(order);
  });
});
