import type { Finding, Rule } from '../types.js';

/** Every chart passes `helm lint --strict`, and its own templates render with `helm template`. */
export const helmLint: Rule = {
  id: 'helm-lint',
  description:
    'helm lint --strict and helm template pass on every chart (own templates), and every Application renders with its upstream charts',
  run: async (ctx) => {
    const results = await Promise.all(
      ctx.plan.components.map(async ({ component }) => {
        // Shared with the other rules: each chart is rendered once per check.
        const { lint, template } = await ctx.ownRender(component.name);
        const found: Finding[] = [];
        if (lint.exitCode !== 0) {
          found.push({
            severity: 'error',
            rule: 'helm-lint',
            chart: component.name,
            where: `charts/${component.name}`,
            message: `helm lint --strict failed:\n${lint.stdout}${lint.stderr}`.trim(),
            fix: 'fix the chart so `helm lint --strict` passes (run it on a copy without dependencies)',
          });
        }
        if (template.exitCode !== 0) {
          found.push({
            severity: 'error',
            rule: 'helm-lint',
            chart: component.name,
            where: `charts/${component.name}/templates`,
            message: `helm template failed:\n${template.stderr}`.trim(),
            fix: 'fix the template error helm names above',
          });
        }
        return found;
      }),
    );
    const found = results.flat();
    const render = await ctx.render();
    if (render.mode === 'full')
      for (const app of render.applications)
        if (app.exitCode !== 0)
          found.push({
            severity: 'error',
            rule: 'helm-lint',
            chart: app.application.chart,
            where: `${app.application.file}: ${app.command}`,
            message:
              `Argo CD could not render this Application with its upstream charts:\n${app.stderr}`.trim(),
            fix: 'fix what helm names above (values refused by an upstream schema, a missing dependency, a template error)',
          });
    return found;
  },
};
