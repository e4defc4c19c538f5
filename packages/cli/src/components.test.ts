import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { components } from './components.js';

const PACKAGES = fileURLToPath(new URL('../../', import.meta.url));

describe('the registered components', () => {
  it('are exactly the seven workspace packages that hold a chart (no test over components passes on an empty list)', () => {
    const withChart = readdirSync(PACKAGES)
      .filter((dir) => existsSync(join(PACKAGES, dir, 'chart')))
      .sort();
    expect(withChart).toEqual([
      'argocd',
      'authentik-db',
      'cilium-tetragon',
      'cloudflared',
      'ingress',
      'netbird',
      'spire',
    ]);
    expect(components.map((c) => basename(c.packageDir)).sort()).toEqual(withChart);
    expect(new Set(components.map((c) => c.name)).size).toBe(7);
  });
});
