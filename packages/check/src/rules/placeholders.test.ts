import { renderComponent } from '@idstack/core/testing';
import { describe, expect, it } from 'vitest';
import { fixtureComponent } from '../test-support/fixture.js';
import { checkRendered } from '../testing.js';

describe('placeholders', () => {
  it("warns about the stack's example values and every placeholder a component declares", async () => {
    const component = {
      ...fixtureComponent(),
      placeholders: () => [{ path: 'components.issuer.replicas', message: 'is an example value' }],
    };
    const rendered = renderComponent(component, { domain: 'lab.example.org' });
    const findings = await checkRendered(rendered, ['placeholders']);
    expect(findings.map((f) => [f.severity, f.chart, f.where])).toEqual([
      ['warning', 'stack.yaml', 'domain'],
      ['warning', 'stack.yaml', 'acme.email'],
      ['warning', 'stack.yaml', 'source.repoURL'],
      ['warning', 'stack.yaml', 'components.issuer.replicas'],
    ]);
    expect(findings[3]?.message).toBe('is an example value');
  });
});
