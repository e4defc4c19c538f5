import { join } from 'node:path';
import { lintAndRenderOwnTemplates } from '@idstack/core';
import type { Finding, Rule } from './types.js';

/** Every chart passes `helm lint --strict`, and its own templates render with `helm template`. */
export const helmLint: Rule = {
  id: 'helm-lint',
  description:
    'helm lint --strict and helm template pass on every chart (own templates, dependencies stripped)',
  run: async ({ root, plan }) => {
    const results = await Promise.all(
      plan.components.map(async ({ component }) => {
        const { lint, template } = await lintAndRenderOwnTemplates(
          join(root, 'charts', component.name),
          component.name,
          component.namespace,
        );
        const found: Finding[] = [];
        if (lint.exitCode !== 0) {
          found.push({
            severity: 'error',
            rule: 'helm-lint',
            chart: component.name,
            where: `charts/${component.name}`,
            message: `helm lint --strict failed:\n${lint.stdout}${lint.stderr}`.trim(),
          });
        }
        if (template.exitCode !== 0) {
          found.push({
            severity: 'error',
            rule: 'helm-lint',
            chart: component.name,
            where: `charts/${component.name}/templates`,
            message: `helm template failed:\n${template.stderr}`.trim(),
          });
        }
        return found;
      }),
    );
    return results.flat();
  },
};
