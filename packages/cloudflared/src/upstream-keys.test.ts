import { checkRendered, needsPinned, PINNED_UPSTREAM } from '@idstack/check/testing';
import { renderComponent } from '@idstack/core/testing';
import { describe, expect, it } from 'vitest';
import cloudflared from './index.js';

const configs = {
  local: { domain: 'lab.example.org' },
  remote: { domain: 'lab.example.org', components: { cloudflared: { mode: 'remote' } } },
};

describe.skipIf(!PINNED_UPSTREAM)(
  needsPinned('idstack check: every upstream key idstack sets exists in the pinned values.yaml'),
  () => {
    for (const [mode, config] of Object.entries(configs)) {
      it(`${mode} mode (and everything else the check proves: helm lint, sync order, drift traps, secrets)`, async () => {
        const rendered = renderComponent(cloudflared, config);
        for (const chart of cloudflared.charts) {
          const key = chart.alias ?? chart.name;
          expect(rendered.values[key], key).toBeDefined();
        }
        expect(await checkRendered(rendered)).toEqual([]);
      });
    }

    it('the check flags a key upstream lacks', async () => {
      const rendered = renderComponent(cloudflared, {
        ...configs.local,
        components: {
          cloudflared: {
            values: {
              'cloudflare-tunnel': { cloudflare: { tunnelName: 'x', secretNam: 'y' }, enabled: true },
              'cloudflare-tunnel-remote': { enabled: true },
            },
          },
        },
      });
      const caught = await checkRendered(rendered, ['upstream-values']);
      // Neither chart has an `enabled` value: that is why the dependency conditions read the umbrella's own knob.
      expect(caught.map((f) => f.where.replace('charts/cloudflared/values.yaml: ', '')).sort()).toEqual([
        'cloudflare-tunnel-remote.enabled',
        'cloudflare-tunnel.cloudflare.secretNam',
        'cloudflare-tunnel.enabled',
      ]);
    });
  },
);
