import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Component } from '@idstack/core';
import { renderComponent } from '@idstack/core/testing';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ruleContext, runRule } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';
import { checkRendered } from '../testing.js';

const HOST = 'app.lab.example.org';
/** A tunnel: the only way into the cluster for the app host. */
const tunnel = throwawayComponent('tunnel', {}, { carries: () => [HOST] });
/** The app: a Certificate for its host (and one for a host nobody tunnels). */
const certificate = (host: string, name: string) =>
  [
    '---',
    'apiVersion: cert-manager.io/v1',
    'kind: Certificate',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    `  secretName: ${name}-tls`,
    '  dnsNames:',
    `    - ${host}`,
    '  issuerRef:',
    '    kind: ClusterIssuer',
    '    name: letsencrypt',
    '',
  ].join('\n');
const app = throwawayComponent(
  'app',
  { 'certificates.yaml': certificate(HOST, 'app') + certificate('direct.lab.example.org', 'direct') },
  { hosts: { app: { prefix: 'app', description: 'the app' } } },
);
const base = { domain: 'lab.example.org' };

describe('certificate-order', () => {
  it('fails when stack.yaml `needs` put the tunnel after an Application holding a tunnelled Certificate', async () => {
    const rendered = renderComponent(
      tunnel,
      { ...base, components: { tunnel: { needs: ['app'] } } },
      {
        with: [app],
      },
    );
    const findings = await checkRendered(rendered, ['certificate-order']);
    expect(findings.map((f) => [f.severity, f.chart, f.where])).toEqual([
      ['error', 'app', 'charts/app/templates/certificates.yaml: Certificate/app'],
    ]);
    expect(findings[0]?.message).toContain(
      `certificate for ${HOST}, which only tunnel carries into the cluster`,
    );
    expect(findings[0]?.message).toContain('held by app in wave 0, not after tunnel (wave 1)');
    expect(findings[0]?.fix).toContain('make app come after tunnel');
  });

  it('fails on the same wave too: Argo CD does not order Applications within one wave by need', async () => {
    const findings = await checkRendered(renderComponent(tunnel, base, { with: [app] }), [
      'certificate-order',
    ]);
    expect(findings.map((f) => f.where)).toEqual(['charts/app/templates/certificates.yaml: Certificate/app']);
  });

  it('passes when the holder comes after the tunnel', async () => {
    const rendered = renderComponent(
      tunnel,
      { ...base, components: { app: { needs: ['tunnel'] } } },
      {
        with: [app],
      },
    );
    expect(await checkRendered(rendered, ['certificate-order'])).toEqual([]);
  });

  it('reads the waves Argo CD will read: an Application edited on disk is caught', async () => {
    const rendered = renderComponent(
      tunnel,
      { ...base, components: { app: { needs: ['tunnel'] } } },
      {
        with: [app],
      },
    );
    const file = join(rendered.dir, 'cluster/apps/app.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('sync-wave: "1"', 'sync-wave: "0"'));
    const findings = await checkRendered(rendered, ['certificate-order']);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('held by app in wave 0')]);
  });
});

describe('certificate-order (each branch, in memory)', () => {
  const TUNNELLED = 'app.lab.example.org';
  const cert = (name: string, spec: Record<string, unknown>, apiVersion = 'cert-manager.io/v1') =>
    stringify({ apiVersion, kind: 'Certificate', metadata: { name }, spec });
  const carrier = (name: string, hosts: string[], extra: Partial<Component> = {}) =>
    throwawayComponent(name, {}, { carries: () => hosts, ...extra } as Partial<Component>);
  const holder = (extra: Partial<Component> = {}) => throwawayComponent('holder', {}, extra);
  const run = (
    components: Component[],
    templates: Record<string, string>,
    output?: Record<string, string | undefined>,
  ) =>
    runRule(
      'certificate-order',
      ruleContext({ components, objects: { holder: templates }, ...(output ? { output } : {}) }),
    );

  it('names every tunnelled host of a Certificate in the same wave as the tunnel, and the way out', async () => {
    const findings = await run([carrier('tunnel', ['App.Lab.Example.Org', 'b.lab.example.org']), holder()], {
      'templates/c.yaml': cert('c', {
        dnsNames: ['APP.lab.example.org', 'app.lab.example.org', 'other.example.org'],
        commonName: 'b.lab.example.org',
      }),
    });
    const hosts = `app.lab.example.org, b.lab.example.org`;
    expect(findings).toEqual([
      {
        severity: 'error',
        rule: 'certificate-order',
        chart: 'holder',
        where: 'charts/holder/templates/c.yaml: Certificate/c',
        message: `certificate for ${hosts}, which only tunnel carries into the cluster (its HTTP-01 challenge passes only once tunnel runs), is held by holder in wave 0, not after tunnel (wave 0): Argo CD would wait on it forever and never start the later waves`,
        fix: `make holder come after tunnel (\`after\` in its declaration or \`components.holder.needs: [tunnel]\`) and remove whatever makes tunnel wait for holder, or stop routing ${hosts} through tunnel (components.tunnel.routes)`,
      },
    ]);
  });

  it('passes a stack without a tunnel, whatever Certificates it holds', async () => {
    expect(
      await run([throwawayComponent('plain', {}), holder()], {
        'templates/c.yaml': cert('c', { dnsNames: [TUNNELLED] }),
      }),
    ).toEqual([]);
  });

  it('passes a holder in a later wave, and a Certificate for hosts no tunnel carries', async () => {
    expect(
      await run([carrier('tunnel', [TUNNELLED]), holder({ needs: ['tunnel'] })], {
        'templates/c.yaml': cert('c', { dnsNames: [TUNNELLED] }),
      }),
    ).toEqual([]);
    expect(
      await run([carrier('tunnel', [TUNNELLED]), holder()], {
        'templates/c.yaml': cert('c', {
          dnsNames: ['direct.lab.example.org'],
          commonName: 'x.lab.example.org',
        }),
      }),
    ).toEqual([]);
  });

  it('fails on a holder in an earlier wave than the tunnel', async () => {
    const findings = await run([carrier('tunnel', [TUNNELLED], { needs: ['holder'] }), holder()], {
      'templates/c.yaml': cert('c', { commonName: TUNNELLED }),
    });
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining('is held by holder in wave 0, not after tunnel (wave 1)'),
    ]);
  });

  it('counts only cert-manager Certificates', async () => {
    const tunnel = carrier('tunnel', [TUNNELLED]);
    expect(
      await run([tunnel, holder()], {
        'templates/c.yaml': [
          cert('other-group', { dnsNames: [TUNNELLED] }, 'example.org/v1'),
          cert('no-group', { dnsNames: [TUNNELLED] }, ''),
          stringify({
            apiVersion: 'cert-manager.io/v1',
            kind: 'Issuer',
            metadata: { name: 'i' },
            spec: { dnsNames: [TUNNELLED] },
          }),
          cert('no-spec', {}),
          stringify({
            apiVersion: 'cert-manager.io/v1',
            kind: 'Certificate',
            metadata: { name: 'odd' },
            spec: 'x',
          }),
          cert('odd-names', { dnsNames: TUNNELLED, commonName: 5 }),
        ].join('---\n'),
      }),
    ).toEqual([]);
  });

  it("does not judge a tunnel's own Certificates against itself", async () => {
    const findings = await runRule(
      'certificate-order',
      ruleContext({
        components: [carrier('holder', [TUNNELLED])],
        objects: { holder: { 'templates/c.yaml': cert('c', { dnsNames: [TUNNELLED] }) } },
      }),
    );
    expect(findings).toEqual([]);
  });

  it('reads the waves of cluster/apps on disk, and the planned wave of an Application missing there', async () => {
    const tunnel = carrier('tunnel', [TUNNELLED]);
    const components = [tunnel, holder({ needs: ['tunnel'] })];
    const templates = { 'templates/c.yaml': cert('c', { dnsNames: [TUNNELLED] }) };
    // Planned: holder wave 1 after tunnel wave 0. Without holder's Application, its planned wave counts: passes.
    expect(await run(components, templates, { 'cluster/apps/holder.yaml': undefined })).toEqual([]);
    // The tunnel's Application edited to wave 5 (no AppProject or other objects count as Applications).
    const { output } = ruleContext({ components });
    const edited = (output.get('cluster/apps/tunnel.yaml') as string).replace(
      'sync-wave: "0"',
      'sync-wave: "5"',
    );
    const findings = await run(components, templates, { 'cluster/apps/tunnel.yaml': edited });
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining('held by holder in wave 1, not after tunnel (wave 5)'),
    ]);
    // Without the tunnel's Application, its planned wave (0) counts: holder (1) passes.
    expect(await run(components, templates, { 'cluster/apps/tunnel.yaml': undefined })).toEqual([]);
    // An Application without a wave is in wave 0.
    const noWave = (output.get('cluster/apps/holder.yaml') as string).replace(
      'argocd.argoproj.io/sync-wave: "1"',
      'x: y',
    );
    expect(
      (await run(components, templates, { 'cluster/apps/holder.yaml': noWave })).map((f) => f.message),
    ).toEqual([expect.stringContaining('held by holder in wave 0, not after tunnel (wave 0)')]);
  });

  it('ignores objects under cluster/ that are not Applications', async () => {
    const tunnel = carrier('tunnel', [TUNNELLED]);
    const components = [tunnel, holder({ needs: ['tunnel'] })];
    const extra = stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'holder', annotations: { 'argocd.argoproj.io/sync-wave': '-9' } },
    });
    expect(
      await run(
        components,
        { 'templates/c.yaml': cert('c', { dnsNames: [TUNNELLED] }) },
        { 'cluster/extra.yaml': extra },
      ),
    ).toEqual([]);
  });
});
