import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RenderedComponent, renderComponent } from '@idstack/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureComponent } from './test-support/fixture.js';
import {
  checkRendered,
  needsPinned,
  PINNED_UPSTREAM,
  pinnedChart,
  pinnedCrd,
  renderedRules,
} from './testing.js';

const issuer = fixtureComponent();
const render = (values?: object): RenderedComponent =>
  renderComponent(issuer, values ? { components: { issuer: { values } } } : {});

describe('checkRendered', () => {
  let clean: RenderedComponent;
  beforeAll(() => {
    clean = render();
  });

  it('runs every rule but placeholders over a render, and finds nothing in a clean one', async () => {
    expect(renderedRules.map((r) => r.id)).toEqual([
      'in-sync',
      'helm-lint',
      'upstream-values',
      'resource-schemas',
      'sync-order',
      'project-permissions',
      'certificate-order',
      'network-flows',
      'drift-traps',
      'deterministic',
      'images',
      'secrets',
      'blueprints',
    ]);
    expect(await checkRendered(clean)).toEqual([]);
  });

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned('catches a values key upstream does not have, suggesting the right one'),
    async () => {
      const findings = await checkRendered(render({ 'cert-manager': { replicaCont: 2 } }), [
        'upstream-values',
      ]);
      expect(findings).toEqual([
        expect.objectContaining({
          rule: 'upstream-values',
          chart: 'issuer',
          where: 'charts/issuer/values.yaml: cert-manager.replicaCont',
          fix: 'did you mean cert-manager.replicaCount?',
        }),
      ]);
    },
  );

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned("catches a value of the wrong type through upstream's values schema"),
    async () => {
      const findings = await checkRendered(render({ 'cert-manager': { replicaCount: 'two' } }), [
        'upstream-values',
      ]);
      expect(findings.map((f) => f.where)).toEqual(['charts/issuer/values.yaml: cert-manager.replicaCount']);
      expect(findings[0]?.message).toContain('values.schema.json');
    },
  );

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned(
      'catches a custom resource field its pinned CRD lacks (and in-sync reports the file added by hand)',
    ),
    async () => {
      const mutated = render();
      writeFileSync(
        join(mutated.dir, 'charts/issuer/templates/zz-bad.yaml'),
        'apiVersion: cert-manager.io/v1\nkind: ClusterIssuer\nmetadata:\n  name: bad\n  annotations:\n    argocd.argoproj.io/sync-wave: "5"\n    argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true\nspec:\n  selfSigned: {}\n  selfsigned: {}\n',
      );
      const findings = await checkRendered(mutated);
      expect(findings.map((f) => [f.rule, f.where])).toEqual([
        ['in-sync', 'charts/issuer/templates/zz-bad.yaml'],
        ['resource-schemas', 'charts/issuer/templates/zz-bad.yaml: ClusterIssuer/bad'],
      ]);
      expect(findings[1]?.message).toMatch(/^spec\.selfsigned: unknown key/);
    },
  );

  it('selects rules by id, and refuses an unknown one', async () => {
    expect(await checkRendered(clean, ['sync-order', 'drift-traps'])).toEqual([]);
    await expect(checkRendered(clean, ['upstream-value'])).rejects.toThrow(/no check rule "upstream-value"/);
  });
});

describe.skipIf(!PINNED_UPSTREAM)(needsPinned('pinned upstream data'), () => {
  it('reads a pinned chart and CRD as the check does, and refuses what is not pinned', () => {
    expect(pinnedChart('cert-manager', 'v1.21.1').values.replicaCount).toBe(1);
    expect(pinnedCrd('cert-manager.io', 'ClusterIssuer')).toMatchObject({
      scope: 'Cluster',
      source: 'cert-manager v1.21.1',
    });
    expect(() => pinnedChart('cert-manager', 'v0.0.1')).toThrow(/not pinned/);
    expect(() => pinnedCrd('example.com', 'Widget')).toThrow(/no pinned CRD/);
  });
});
