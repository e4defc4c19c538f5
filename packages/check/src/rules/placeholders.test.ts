import type { Component } from '@idstack/core';
import { renderComponent } from '@idstack/core/testing';
import { describe, expect, it } from 'vitest';
import { ruleContext, runRule } from '../test-support/context.js';
import { fixtureComponent, throwawayComponent } from '../test-support/fixture.js';
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

const app = throwawayComponent('app', {}, {
  placeholders: () => [
    { path: 'components.app.host', message: 'is an example host' },
    { path: 'components.app.owner', message: 'is nobody' },
  ],
} as Partial<Component>);
const REAL = {
  domain: 'home.mydomain.net',
  acme: { email: 'me@mydomain.net' },
  source: { repoURL: 'https://github.com/me/homelab.git' },
};
const placeholdersOf = async (config: object, components = [throwawayComponent('plain', {})]) =>
  runRule('placeholders', ruleContext({ components, config }));

describe('placeholders (each value)', () => {
  it('passes real values', async () => {
    expect(await placeholdersOf(REAL)).toEqual([]);
    expect(
      await placeholdersOf({
        ...REAL,
        source: { ...REAL.source, charts: 'oci', registry: 'oci://ghcr.io/me/charts' },
      }),
    ).toEqual([]);
  });

  it('warns about each example value with what to do', async () => {
    const findings = await placeholdersOf({ domain: 'example.com', source: { charts: 'oci' } });
    expect(findings).toEqual([
      {
        severity: 'warning',
        rule: 'placeholders',
        chart: 'stack.yaml',
        where: 'domain',
        message: `"example.com" is a placeholder: Let's Encrypt cannot issue for it`,
        fix: 'set domain to a public domain you own',
      },
      {
        severity: 'warning',
        rule: 'placeholders',
        chart: 'stack.yaml',
        where: 'acme.email',
        message: '"admin@example.com" is a placeholder',
        fix: "set acme.email to an address that receives Let's Encrypt notices",
      },
      {
        severity: 'warning',
        rule: 'placeholders',
        chart: 'stack.yaml',
        where: 'source.repoURL',
        message: '"https://github.com/example/homelab.git" is a placeholder: Argo CD would clone nothing',
        fix: 'set source.repoURL to this repository',
      },
      {
        severity: 'warning',
        rule: 'placeholders',
        chart: 'stack.yaml',
        where: 'source.registry',
        message: '"oci://ghcr.io/example/idstack-charts" is a placeholder',
        fix: 'set source.registry to where releases publish',
      },
    ]);
  });

  it.each([
    ['lab.example.net', true],
    ['example.org', true],
    ['myexample.org', false],
    ['example.org.uk', false],
    ['example.company.com', false],
  ])('domain %s is a placeholder: %s', async (domain, placeholder) => {
    const findings = await placeholdersOf({ ...REAL, domain });
    expect(findings.map((f) => f.where)).toEqual(placeholder ? ['domain'] : []);
  });

  it.each([
    ['admin@example.net', true],
    ['admin@lab.example.org', false],
    ['admin@example.org.uk', false],
  ])('e-mail %s is a placeholder: %s', async (email, placeholder) => {
    const findings = await placeholdersOf({ ...REAL, acme: { email } });
    expect(findings.map((f) => f.where)).toEqual(placeholder ? ['acme.email'] : []);
  });

  it.each([
    ['https://github.com/example/other.git', true],
    ['https://github.com/examples/homelab.git', false],
    ['https://gitlab.com/example/homelab.git', false],
  ])('repoURL %s is a placeholder: %s', async (repoURL, placeholder) => {
    const findings = await placeholdersOf({ ...REAL, source: { repoURL } });
    expect(findings.map((f) => f.where)).toEqual(placeholder ? ['source.repoURL'] : []);
  });

  it('warns about the example registry only when Applications read charts from it', async () => {
    const registry = 'oci://ghcr.io/example/charts';
    expect(await placeholdersOf({ ...REAL, source: { ...REAL.source, charts: 'git', registry } })).toEqual(
      [],
    );
    const findings = await placeholdersOf({ ...REAL, source: { ...REAL.source, charts: 'oci', registry } });
    expect(findings.map((f) => [f.where, f.message])).toEqual([
      ['source.registry', `"${registry}" is a placeholder`],
    ]);
  });

  it("warns about every placeholder a component declares, pointing at the chart's README", async () => {
    const findings = await placeholdersOf(REAL, [app]);
    expect(findings).toEqual([
      {
        severity: 'warning',
        rule: 'placeholders',
        chart: 'stack.yaml',
        where: 'components.app.host',
        message: 'is an example host',
        fix: 'set components.app.host to the real value (see charts/app/README.md)',
      },
      {
        severity: 'warning',
        rule: 'placeholders',
        chart: 'stack.yaml',
        where: 'components.app.owner',
        message: 'is nobody',
        fix: 'set components.app.owner to the real value (see charts/app/README.md)',
      },
    ]);
  });
});
