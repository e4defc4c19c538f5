import type { Component } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { pinnedCharts } from './upstream.js';

/** Only `name` and `charts` matter to pinnedCharts. */
const component = (name: string, charts: { name: string; repository: string; version: string }[]) =>
  ({ name, charts }) as unknown as Component;

describe('pinnedCharts', () => {
  it('lists each repository/name/version once, with every component using it, sorted by name then version', () => {
    const charts = pinnedCharts([
      component('alpha', [
        { name: 'redis', repository: 'https://charts.example//', version: '2.0.0' },
        { name: 'redis', repository: 'https://charts.example', version: '10.0.0' },
      ]),
      component('zeta', [
        { name: 'redis', repository: 'https://charts.example/', version: '2.0.0' },
        { name: 'app', repository: 'oci://r.example/charts', version: '1.0.0' },
      ]),
      component('mid', [{ name: 'redis', repository: 'https://charts.example', version: '2.0.0' }]),
    ]);
    expect(charts).toEqual([
      { name: 'app', repository: 'oci://r.example/charts', version: '1.0.0', usedBy: ['zeta'] },
      { name: 'redis', repository: 'https://charts.example', version: '10.0.0', usedBy: ['alpha'] },
      {
        name: 'redis',
        repository: 'https://charts.example',
        version: '2.0.0',
        usedBy: ['alpha', 'mid', 'zeta'],
      },
    ]);
  });

  it('keeps the same chart and version from two repositories apart', () => {
    const charts = pinnedCharts([
      component('a', [{ name: 'x', repository: 'https://one.example', version: '1.0.0' }]),
      component('b', [{ name: 'x', repository: 'https://two.example', version: '1.0.0' }]),
    ]);
    expect(charts.map((c) => `${c.repository} ${c.usedBy}`)).toEqual([
      'https://one.example a',
      'https://two.example b',
    ]);
  });

  it('is empty without components', () => {
    expect(pinnedCharts([])).toEqual([]);
  });
});
