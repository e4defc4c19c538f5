import { describe, expect, it } from 'vitest';
import { type RuleContextInput, ruleContext, runRule } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';

const a = throwawayComponent('a', {});
const b = throwawayComponent('b', {});
const check = (input: Partial<RuleContextInput>) =>
  runRule('helm-lint', ruleContext({ components: [a, b], ...input }));
const failed = (stdout: string, stderr: string, exitCode: number | undefined = 1) => ({
  exitCode,
  stdout,
  stderr,
});
const LINT_FIX = 'fix the chart so `helm lint --strict` passes (run it on a copy without dependencies)';

describe('helm-lint', () => {
  it('passes when every chart lints and renders', async () => {
    expect(await check({})).toEqual([]);
  });

  it('fails on a chart that `helm lint --strict` refuses, with what helm printed', async () => {
    const findings = await check({
      ownRender: {
        b: {
          lint: failed(
            '==> Linting\n[ERROR] Chart.yaml: version is required\n',
            'Error: 1 chart(s) failed\n',
          ),
        },
      },
    });
    expect(findings).toEqual([
      {
        severity: 'error',
        rule: 'helm-lint',
        chart: 'b',
        where: 'charts/b',
        message:
          'helm lint --strict failed:\n==> Linting\n[ERROR] Chart.yaml: version is required\nError: 1 chart(s) failed',
        fix: LINT_FIX,
      },
    ]);
  });

  it("fails on a chart whose own templates do not render, with helm's error", async () => {
    const findings = await check({
      ownRender: {
        a: { template: failed('ignored stdout', 'Error: parse error at (a/templates/x.yaml:3)\n') },
      },
    });
    expect(findings).toEqual([
      {
        severity: 'error',
        rule: 'helm-lint',
        chart: 'a',
        where: 'charts/a/templates',
        message: 'helm template failed:\nError: parse error at (a/templates/x.yaml:3)',
        fix: 'fix the template error helm names above',
      },
    ]);
  });

  it('counts a helm that ended without an exit code (killed) as failed, and reports lint before template', async () => {
    const findings = await check({
      ownRender: { a: { lint: failed('', 'killed', undefined), template: failed('', 'killed', undefined) } },
    });
    expect(findings.map((f) => [f.chart, f.where, f.message])).toEqual([
      ['a', 'charts/a', 'helm lint --strict failed:\nkilled'],
      ['a', 'charts/a/templates', 'helm template failed:\nkilled'],
    ]);
  });

  it('fails on an Application that does not render with its upstream charts (full render)', async () => {
    const findings = await check({
      applications: {
        b: { exitCode: 1, stderr: "Error: values don't meet the specifications of the schema(s)\n" },
      },
    });
    expect(findings).toEqual([
      {
        severity: 'error',
        rule: 'helm-lint',
        chart: 'b',
        where: 'cluster/apps/b.yaml: helm template b charts/b',
        message:
          "Argo CD could not render this Application with its upstream charts:\nError: values don't meet the specifications of the schema(s)",
        fix: 'fix what helm names above (values refused by an upstream schema, a missing dependency, a template error)',
      },
    ]);
  });

  it('reports own-template failures before Application failures, chart by chart', async () => {
    const findings = await check({
      ownRender: { b: { lint: failed('x', '') } },
      applications: { a: { exitCode: 2, stderr: 'y' } },
    });
    expect(findings.map((f) => f.where)).toEqual([
      'charts/b',
      'cluster/apps/a.yaml: helm template a charts/a',
    ]);
  });

  it('leaves the Application render alone offline (only own templates render there)', async () => {
    expect(await check({ renderMode: 'own', applications: { a: { exitCode: 1, stderr: 'y' } } })).toEqual([]);
  });
});
