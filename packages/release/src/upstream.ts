import type { Component, UpstreamChart } from '@idstack/core';

/** One pinned upstream chart, as the component packages declare it (before any mirror rewrite). */
export interface PinnedChart {
  readonly name: string;
  readonly repository: string;
  readonly version: string;
  /** Components that depend on it. */
  readonly usedBy: readonly string[];
}

/**
 * Every upstream chart the components pin, once per repository/name/version, sorted: the list `idstack mirror`
 * copies and Renovate keeps current. Disabled components count too: a mirror serves any stack.yaml.
 */
export function pinnedCharts(components: readonly Component[]): PinnedChart[] {
  const byKey = new Map<string, { chart: UpstreamChart; usedBy: string[] }>();
  for (const component of components) {
    for (const chart of component.charts) {
      const key = `${chart.repository.replace(/\/+$/, '')} ${chart.name} ${chart.version}`;
      const entry = byKey.get(key) ?? { chart, usedBy: [] };
      entry.usedBy.push(component.name);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()]
    .map(({ chart, usedBy }) => ({
      name: chart.name,
      repository: chart.repository.replace(/\/+$/, ''),
      version: chart.version,
      usedBy: [...usedBy].sort(),
    }))
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
}
