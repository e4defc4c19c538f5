import type { Finding, Rule } from '../types.js';

/**
 * Argo CD re-renders every Application on each refresh: output that differs from one render to the next (random
 * values, generated certificates, timestamps) shows OutOfSync forever and is re-applied on every sync. The full
 * render renders each Application twice; any object that differs is reported.
 */
export const deterministic: Rule = {
  id: 'deterministic',
  description: 'two renders of every Application (with its upstream charts) are byte-identical',
  run: async (ctx) => {
    const render = await ctx.render();
    if (render.mode !== 'full') {
      ctx.notVerified(
        'deterministic: that two renders with the upstream charts are identical (offline: only template sources were scanned for random functions)',
      );
      return [];
    }
    const found: Finding[] = [];
    for (const app of render.applications)
      for (const what of app.unstable ?? [])
        found.push({
          severity: 'error',
          rule: 'deterministic',
          chart: app.application.chart,
          where: `${app.application.file}: ${what}`,
          message:
            'renders differently each time (a random value, a generated certificate or key, a timestamp): Argo CD shows it OutOfSync forever and replaces it on every sync',
          fix: 'set the chart values that fix it (a cronJob/cert-manager certificate method, an existing Secret), or reference a Secret the operator creates',
        });
    return found;
  },
};
