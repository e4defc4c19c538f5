import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Component, readPackageInfo } from '@idstack/core';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { allComponents, renderInto } from './test-support/fixtures.js';

/** The pinned upstream data (Argo CD's Application CRD): named by IDSTACK_UPSTREAM only; without it the suite skips. */
const UPSTREAM = process.env.IDSTACK_UPSTREAM;
const SKIPPED = ' [skipped: needs the pinned upstream data; set IDSTACK_UPSTREAM=<folder> to run it]';
let components: Component[];

beforeAll(async () => {
  components = await allComponents();
});

describe('chart versions', () => {
  it('Chart.yaml version is the package version, for every component, in both source modes', () => {
    for (const config of [
      {},
      { source: { charts: 'oci', registry: 'oci://registry.example.net/idstack' } },
    ]) {
      const { files } = renderInto(components, config);
      for (const c of components) {
        const chart = parse(files.get(`charts/${c.name}/Chart.yaml`) as string);
        expect(chart.version, c.name).toBe(readPackageInfo(c.packageDir).version);
        expect(chart.name).toBe(c.name);
      }
    }
  });

  it('no component ships a hand-written Chart.yaml that could carry another version', () => {
    for (const c of components)
      expect(existsSync(join(c.packageDir, 'chart', 'Chart.yaml')), c.name).toBe(false);
  });
});

/**
 * Applications in both modes against Argo CD's own Application CRD (v3.4.4), with unknown fields refused.
 * The oci shape is Argo CD's native OCI source (3.1+, user guide "OCI"): `repoURL: oci://<registry prefix>/<chart>`,
 * `targetRevision` the exact chart version (no range: OCI has no index to resolve one), `path: .` (a Helm chart
 * artifact always sits at the root). Unlike the older `<prefix>` + `chart:` form it needs no repository registered
 * with `enableOCI`.
 */
describe.skipIf(!UPSTREAM)(`Applications${UPSTREAM ? '' : SKIPPED}`, () => {
  for (const mode of ['git', 'oci'] as const) {
    it(`validate against the Application CRD in ${mode} mode`, () => {
      const validate = applicationValidator(UPSTREAM as string);
      const { files } = renderInto(components, {
        source: { charts: mode, registry: 'oci://ghcr.io/someone/idstack-charts' },
      });
      for (const c of components) {
        const app = parse(files.get(`cluster/apps/${c.name}.yaml`) as string);
        expect(validate(app), `${c.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
        // The strict schema does refuse what Argo CD would not know.
        expect(
          validate({ ...app, spec: { ...app.spec, source: { ...app.spec.source, chartt: c.name } } }),
        ).toBe(false);
        const { source } = app.spec;
        if (mode === 'oci') {
          expect(source).toEqual({
            repoURL: `oci://ghcr.io/someone/idstack-charts/${c.name}`,
            targetRevision: readPackageInfo(c.packageDir).version,
            path: '.',
            helm: { releaseName: c.name },
          });
          expect(source.chart).toBeUndefined();
        } else {
          expect(source).toMatchObject({ path: `charts/${c.name}`, targetRevision: 'main' });
          expect(source.chart).toBeUndefined();
        }
      }
    });
  }
});

/** The CRD's openAPIV3Schema, made strict (every object without preserve-unknown-fields refuses extra keys). */
function applicationValidator(upstream: string) {
  const crd = parse(
    readFileSync(join(upstream, 'argo-cd', '10.1.1', 'crds', 'application-crd.yaml'), 'utf8'),
  );
  const schema = crd.spec.versions.find((v: { name: string }) => v.name === 'v1alpha1').schema
    .openAPIV3Schema;
  const strict = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strict);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) if (!k.startsWith('x-kubernetes-')) out[k] = strict(v);
    const n = node as Record<string, unknown>;
    if (n.properties && !n['x-kubernetes-preserve-unknown-fields'] && n.additionalProperties === undefined)
      out.additionalProperties = false;
    return out;
  };
  return new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(
    strict(schema) as object,
  );
}
