import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderComponent } from '@idstack/core/testing';
import { describe, expect, it } from 'vitest';
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
