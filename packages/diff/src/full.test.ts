import { toYaml } from '@idstack/core';
import { packageUpstreamStandIn } from '@idstack/release/testing';
import { describe, expect, it } from 'vitest';
import { diffTrees } from './diff.js';
import { RenderError } from './errors.js';
import { fullRenderer, type PinnedChart, pinnedCharts } from './full.js';
import { tempDir, treeFiles, writeFiles } from './test-support/trees.js';

/** A tree of one Application `web` whose umbrella depends on the upstream `db` at `version`. */
function umbrellaTree(version: string): string {
  const files = treeFiles({ web: { templates: {} } });
  files.set(
    'charts/web/Chart.yaml',
    toYaml({
      apiVersion: 'v2',
      name: 'web',
      version: '1.0.0',
      dependencies: [{ name: 'db', version, repository: 'https://charts.example.com' }],
    }),
  );
  return writeFiles(tempDir(), files);
}

/** The upstream `db` stand-in at `version`: its Deployment runs the image of that version. */
const db = (version: string) =>
  packageUpstreamStandIn('db', version, {
    'db.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-db\nspec:\n  template:\n    spec:\n      containers:\n        - name: db\n          image: db:${version}\n`,
  });

describe('the full render (real helm, stand-in upstream packages)', () => {
  it("renders each side with the upstream versions it pins, asking for both sides' charts once", async () => {
    const packages = new Map([
      ['db@1.0.0', { file: await db('1.0.0') }],
      ['db@2.0.0', { file: await db('2.0.0') }],
    ]);
    const asked: PinnedChart[][] = [];
    const renderer = fullRenderer({
      resolveCharts: async (wanted) => {
        asked.push([...wanted]);
        return packages;
      },
    });
    const result = await diffTrees({
      baseRoot: umbrellaTree('1.0.0'),
      headRoot: umbrellaTree('2.0.0'),
      renderer,
      base: { revision: 'base', commit: 'a'.repeat(40) },
      head: 'head',
    });
    expect(asked).toEqual([
      [
        { name: 'db', version: '1.0.0', repository: 'https://charts.example.com' },
        { name: 'db', version: '2.0.0', repository: 'https://charts.example.com' },
      ],
    ]);
    expect(result.mode).toBe('full');
    const web = result.applications.find((a) => a.name === 'web');
    expect(web?.objects).toEqual([
      expect.objectContaining({
        kind: 'Deployment',
        name: 'web-db',
        change: 'changed',
        fields: [
          {
            path: 'spec.template.spec.containers[name=db].image',
            op: 'changed',
            old: 'db:1.0.0',
            new: 'db:2.0.0',
          },
        ],
      }),
    ]);
    // The stand-in's own ConfigMap is the same in both versions: not a difference.
    expect(web?.counts).toEqual({ added: 0, removed: 0, changed: 1, moved: 0 });
  });

  it('reads the pins of the charts the Applications use, and names the chart helm fails on', async () => {
    const root = umbrellaTree('3.0.0');
    expect(pinnedCharts(root)).toEqual([
      { name: 'db', version: '3.0.0', repository: 'https://charts.example.com' },
    ]);
    // A package missing from what resolveCharts returns: the render fails, naming the chart and the way out.
    const renderer = fullRenderer({ resolveCharts: async () => new Map() });
    await expect(
      diffTrees({
        baseRoot: root,
        headRoot: root,
        renderer,
        base: { revision: 'base', commit: 'a'.repeat(40) },
        head: 'head',
      }),
    ).rejects.toThrow(
      new RenderError(
        'charts/web (Application web): helm template failed: the chart cache lacks db 3.0.0 (run `idstack fetch`)',
      ),
    );
  });
});
