import { describe, expect, it } from 'vitest';
import { ruleContext, runRule } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';

const app = throwawayComponent('app', {
  'config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n',
});
const check = (output: Record<string, string | undefined>) =>
  runRule('in-sync', ruleContext({ components: [app], output }));

describe('in-sync', () => {
  it('passes when the output on disk is exactly what the build renders', async () => {
    expect(await check({})).toEqual([]);
  });

  it('fails on a file edited by hand, naming its chart and the fix', async () => {
    const findings = await check({ 'charts/app/values.yaml': 'edited: true\n' });
    expect(findings).toEqual([
      {
        severity: 'error',
        rule: 'in-sync',
        chart: 'app',
        where: 'charts/app/values.yaml',
        message: 'differs from what the build renders (edited by hand, or stale)',
        fix: 'run `pnpm build` and commit the result',
      },
    ]);
  });

  it('fails on a rendered file missing from disk, and on a file the build does not render', async () => {
    const findings = await check({ 'cluster/apps/app.yaml': undefined, 'cluster/extra.yaml': 'kind: x\n' });
    expect(findings.map((f) => [f.chart, f.where, f.message])).toEqual([
      ['cluster', 'cluster/apps/app.yaml', 'missing (the build renders it)'],
      ['cluster', 'cluster/extra.yaml', 'not rendered by the build (left over or added by hand)'],
    ]);
  });

  it('ignores stack.schema.json, which the build writes beside stack.yaml, not into the output', async () => {
    const ctx = ruleContext({ components: [app] });
    (ctx.rendered as Map<string, string>).set('stack.schema.json', '{}');
    expect(await runRule('in-sync', ctx)).toEqual([]);
  });
});
