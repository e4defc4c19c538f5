import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Component } from '@idstack/core';
import { renderComponent } from '@idstack/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkRendered } from '../testing.js';

/** A throwaway component package: a package.json and the given own templates. */
function fixture(name: string, templates: Record<string, string>, extra: Partial<Component>): Component {
  const packageDir = mkdtempSync(join(tmpdir(), `idstack-check-${name}-`));
  writeFileSync(
    join(packageDir, 'package.json'),
    JSON.stringify({ name: `@test/${name}`, version: '1.0.0' }),
  );
  mkdirSync(join(packageDir, 'chart', 'templates'), { recursive: true });
  for (const [file, text] of Object.entries(templates))
    writeFileSync(join(packageDir, 'chart', 'templates', file), text);
  return {
    name,
    description: `TEST FIXTURE ${name}`,
    tier: 'platform',
    namespace: name,
    needs: [],
    charts: [],
    options: z.object({}),
    values: () => ({}),
    packageDir,
    ...extra,
  } as Component;
}

const HOST = 'app.lab.example.org';
/** A tunnel: the only way into the cluster for the app host. */
const tunnel = fixture('tunnel', {}, { carries: () => [HOST] });
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
const app = fixture(
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
