import { readFileSync } from 'node:fs';
import { renderComponent } from '@idstack/core/testing';
import netbird from '@idstack/netbird';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import cloudflared from './index.js';

const UPSTREAM = '/work/shared/upstream';

/** Pinned values.yaml of an upstream chart. */
const pinned = (chart: string, version: string): unknown =>
  parse(readFileSync(`${UPSTREAM}/${chart}/${version}/values.yaml`, 'utf8'));

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every key path of `ours` that the upstream values do not have. Below an upstream `{}` or `[]` anything goes
 * (free-form maps and lists); a key whose upstream default is null or a scalar takes any value.
 */
function unknownKeys(ours: unknown, upstream: unknown, path: string): string[] {
  if (!isMap(ours)) return [];
  if (Array.isArray(upstream) || (isMap(upstream) && Object.keys(upstream).length === 0)) return [];
  if (!isMap(upstream)) return [`${path} (upstream is not a map)`];
  return Object.entries(ours).flatMap(([key, value]) =>
    key in upstream ? unknownKeys(value, upstream[key], `${path}.${key}`) : [`${path}.${key}`],
  );
}

describe('every upstream key idstack sets exists in the pinned values.yaml', () => {
  const charts = cloudflared.charts;
  const configs = {
    local: { domain: 'lab.example.org' },
    remote: { domain: 'lab.example.org', components: { cloudflared: { mode: 'remote' } } },
  };
  for (const [mode, config] of Object.entries(configs)) {
    it(`${mode} mode`, () => {
      const { values } = renderComponent(cloudflared, config, { with: [netbird] });
      for (const chart of charts) {
        const key = chart.alias ?? chart.name;
        expect(values[key], key).toBeDefined();
        expect(unknownKeys(values[key], pinned(chart.name, chart.version), key)).toEqual([]);
      }
    });
  }

  it('the walker itself flags a key upstream lacks', () => {
    expect(
      unknownKeys(
        { cloudflare: { tunnelName: 'x', secretNam: 'y' } },
        pinned('cloudflare-tunnel', '0.3.2'),
        'c',
      ),
    ).toEqual(['c.cloudflare.secretNam']);
    // Neither chart has an `enabled` value: that is why the dependency conditions read the umbrella's own knob.
    expect(unknownKeys({ enabled: true }, pinned('cloudflare-tunnel', '0.3.2'), 'c')).toEqual(['c.enabled']);
    expect(unknownKeys({ enabled: true }, pinned('cloudflare-tunnel-remote', '0.1.2'), 'r')).toEqual([
      'r.enabled',
    ]);
  });
});
