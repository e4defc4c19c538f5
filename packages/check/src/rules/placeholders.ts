import type { Finding, Rule } from '../types.js';

/**
 * Built-in defaults render a complete stack, but these values cannot work in a real cluster: the stack's example
 * domain, e-mail and source, and every placeholder a component declares (`placeholders` in its declaration).
 */
export const placeholders: Rule = {
  id: 'placeholders',
  description: 'warns about example values that cannot work in a real cluster',
  run: ({ stack, plan }) => {
    const found: Finding[] = [];
    const warn = (where: string, message: string, fix: string) =>
      found.push({ severity: 'warning', rule: 'placeholders', chart: 'stack.yaml', where, message, fix });
    if (/(^|\.)example\.(com|org|net)$/.test(stack.domain)) {
      warn(
        'domain',
        `"${stack.domain}" is a placeholder: Let's Encrypt cannot issue for it`,
        'set domain to a public domain you own',
      );
    }
    if (/@example\.(com|org|net)$/.test(stack.acme.email)) {
      warn(
        'acme.email',
        `"${stack.acme.email}" is a placeholder`,
        "set acme.email to an address that receives Let's Encrypt notices",
      );
    }
    if (/\/\/github\.com\/example\//.test(stack.source.repoURL)) {
      warn(
        'source.repoURL',
        `"${stack.source.repoURL}" is a placeholder: Argo CD would clone nothing`,
        'set source.repoURL to this repository',
      );
    }
    if (stack.source.charts === 'oci' && stack.source.registry.includes('/example/')) {
      warn(
        'source.registry',
        `"${stack.source.registry}" is a placeholder`,
        'set source.registry to where releases publish',
      );
    }
    for (const { component, placeholders: declared } of plan.components)
      for (const p of declared)
        warn(p.path, p.message, `set ${p.path} to the real value (see charts/${component.name}/README.md)`);
    return found;
  },
};
