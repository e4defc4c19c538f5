import { describe, expect, it } from 'vitest';
import { type RuleContextInput, ruleContext, runRule } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';

const a = throwawayComponent('a', {});
const b = throwawayComponent('b', {});
async function check(input: Partial<RuleContextInput>) {
  const ctx = ruleContext({ components: [a, b], ...input });
  return { findings: await runRule('deterministic', ctx), unverified: ctx.unverified() };
}

describe('deterministic', () => {
  it('passes when both renders of every Application are identical', async () => {
    expect(await check({})).toEqual({ findings: [], unverified: [] });
    expect(await check({ applications: { a: { unstable: undefined } } })).toEqual({
      findings: [],
      unverified: [],
    });
  });

  it('fails on every object that renders differently, per Application', async () => {
    const { findings } = await check({
      applications: {
        a: { unstable: ['Secret/a-tls data.tls.key', 'ConfigMap/a stamp'] },
        b: { unstable: ['Job/b'] },
      },
    });
    const message =
      'renders differently each time (a random value, a generated certificate or key, a timestamp): Argo CD shows it OutOfSync forever and replaces it on every sync';
    const fix =
      'set the chart values that fix it (a cronJob/cert-manager certificate method, an existing Secret), or reference a Secret the operator creates';
    expect(findings).toEqual([
      {
        severity: 'error',
        rule: 'deterministic',
        chart: 'a',
        where: 'cluster/apps/a.yaml: Secret/a-tls data.tls.key',
        message,
        fix,
      },
      {
        severity: 'error',
        rule: 'deterministic',
        chart: 'a',
        where: 'cluster/apps/a.yaml: ConfigMap/a stamp',
        message,
        fix,
      },
      {
        severity: 'error',
        rule: 'deterministic',
        chart: 'b',
        where: 'cluster/apps/b.yaml: Job/b',
        message,
        fix,
      },
    ]);
  });

  it('offline, says it could not verify instead', async () => {
    expect(await check({ renderMode: 'own', applications: { a: { unstable: ['Job/a'] } } })).toEqual({
      findings: [],
      unverified: [
        'deterministic: that two renders with the upstream charts are identical (offline: only template sources were scanned for random functions)',
      ],
    });
  });
});
