import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Values } from '@idstack/core';
import { stringify } from 'yaml';

/** One chart of a {@link pinnedUpstream} folder, in the layout `Upstream` (src/upstream.ts) reads. */
export interface PinnedChart {
  /** values.yaml: an object (written as YAML) or the file's text. @default `{}` */
  readonly values?: Values | string;
  /** values.schema.json. @default none */
  readonly schema?: Values;
  /** Chart.yaml (its `dependencies` give subcharts their aliases). @default `{ name, version }` */
  readonly chartYaml?: Values;
  /** `subcharts/<name>.values.yaml` (and `.values.schema.json`). @default none */
  readonly subcharts?: Readonly<Record<string, { readonly values: Values; readonly schema?: Values }>>;
  /** `crds/<file>`: file → YAML text. @default none */
  readonly crds?: Readonly<Record<string, string>>;
}

/**
 * TEST SUPPORT: a fresh folder of pinned upstream data (what IDSTACK_UPSTREAM names) holding exactly the given charts,
 * keyed `<name>/<version>`: each test states the upstream data its branch needs.
 */
export function pinnedUpstream(charts: Readonly<Record<string, PinnedChart>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'idstack-upstream-'));
  for (const [key, chart] of Object.entries(charts)) {
    const [name, version] = key.split('/') as [string, string];
    const chartDir = join(dir, name, version);
    mkdirSync(chartDir, { recursive: true });
    const values = chart.values ?? {};
    writeFileSync(join(chartDir, 'values.yaml'), typeof values === 'string' ? values : stringify(values));
    writeFileSync(join(chartDir, 'Chart.yaml'), stringify(chart.chartYaml ?? { name, version }));
    if (chart.schema) writeFileSync(join(chartDir, 'values.schema.json'), JSON.stringify(chart.schema));
    if (chart.subcharts) {
      mkdirSync(join(chartDir, 'subcharts'));
      for (const [sub, { values: subValues, schema }] of Object.entries(chart.subcharts)) {
        writeFileSync(join(chartDir, 'subcharts', `${sub}.values.yaml`), stringify(subValues));
        if (schema)
          writeFileSync(join(chartDir, 'subcharts', `${sub}.values.schema.json`), JSON.stringify(schema));
      }
    }
    if (chart.crds) {
      mkdirSync(join(chartDir, 'crds'));
      for (const [file, text] of Object.entries(chart.crds))
        writeFileSync(join(chartDir, 'crds', file), text);
    }
  }
  return dir;
}
