import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Component } from '@idstack/core';
import { z } from 'zod';

/**
 * TEST FIXTURE: a throwaway component for the engine's own tests (the engine knows no real component): the pinned
 * cert-manager chart as its one dependency, and one own template, a ClusterIssuer synced after cert-manager's CRDs.
 */
export function fixtureComponent(): Component {
  const packageDir = mkdtempSync(join(tmpdir(), 'idstack-check-fixture-'));
  writeFileSync(join(packageDir, 'package.json'), JSON.stringify({ name: '@test/issuer', version: '1.0.0' }));
  mkdirSync(join(packageDir, 'chart', 'templates'), { recursive: true });
  writeFileSync(
    join(packageDir, 'chart', 'templates', 'issuer.yaml'),
    [
      'apiVersion: cert-manager.io/v1',
      'kind: ClusterIssuer',
      'metadata:',
      '  name: self-signed',
      '  annotations:',
      '    # After cert-manager (its CRDs and webhook) in the same Application.',
      '    argocd.argoproj.io/sync-wave: "5"',
      '    argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true',
      'spec:',
      '  selfSigned: {}',
      '',
    ].join('\n'),
  );
  return {
    name: 'issuer',
    description: 'TEST FIXTURE: cert-manager and a self-signed ClusterIssuer',
    tier: 'platform',
    namespace: 'issuer',
    needs: [],
    charts: [{ name: 'cert-manager', repository: 'https://charts.jetstack.io', version: 'v1.21.1' }],
    options: z.object({
      replicas: z.number().int().default(1).describe('cert-manager controller replicas. Default: 1.'),
    }),
    values: (ctx) => ({
      'cert-manager': {
        crds: { enabled: true, keep: true },
        replicaCount: ctx.options.replicas,
        startupapicheck: { enabled: false },
      },
    }),
    argocd: { serverSideApply: true },
    packageDir,
  } as Component;
}

/**
 * TEST FIXTURE: a throwaway component package named `name` with the given own templates (file -> text) and no
 * upstream chart; `extra` overrides any field of the contract (hosts, carries, network...).
 */
export function throwawayComponent(
  name: string,
  templates: Readonly<Record<string, string>>,
  extra: Partial<Component> = {},
): Component {
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
