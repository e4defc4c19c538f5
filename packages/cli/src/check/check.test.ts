import { readFileSync } from 'node:fs';
import { createCheckContext, formatReport, readOutput, rules } from '@idstack/check';
import { needsPinned, PINNED_UPSTREAM } from '@idstack/check/testing';
import { loadStackFile, renderStack } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { components } from '../components.js';
import { checkJson, renderRoot, run } from '../test-support.js';

const fullExample = readFileSync(new URL('../../../../examples/full/stack.yaml', import.meta.url), 'utf8');

describe('idstack check on complete stacks', () => {
  // These render every component as it is now: while a component is mid-edit, they may fail for a while.
  it.skipIf(!PINNED_UPSTREAM).each([
    ['the default stack (no stack.yaml)', undefined],
    ['the fully enabled example (examples/full/stack.yaml)', fullExample],
  ])(needsPinned('passes on %s (offline, with the pinned upstream data)'), async (_name, config) => {
    const root = renderRoot(config);
    const { code, findings } = await checkJson(root);
    const errors = findings.filter((f) => f.severity === 'error');
    expect(errors, formatReport(errors, [], 0)).toEqual([]);
    expect(code).toBe(0);
  });

  it('prints a report grouped by chart with a summary line, and --json for machines', async () => {
    const root = renderRoot();
    const human = await run(['check', '--offline', '--root', root]);
    expect(human.out).toMatch(/^stack\.yaml: 0 error\(s\), \d+ warning\(s\)$/m);
    expect(human.out).toMatch(
      /^idstack check: (passed|FAILED): \d+ error\(s\), \d+ warning\(s\) from \d+ rules in \d+ ms$/m,
    );
    const machine = await run(['check', '--offline', '--root', root, '--json']);
    const report = JSON.parse(machine.out) as { ok: boolean; rules: { rule: string }[] };
    expect(report.rules.map((r) => r.rule)).toEqual(rules.map((r) => r.id));
    expect(machine.code).toBe(report.ok ? 0 : 1);
  });

  it('renders each chart once per check, shared by every rule', async () => {
    const root = renderRoot();
    const stack = loadStackFile(`${root}/stack.yaml`, components);
    const { plan, files } = renderStack(components, stack);
    const ctx = createCheckContext({
      root,
      components,
      stack,
      plan,
      output: readOutput(root),
      rendered: files,
    });
    const name = plan.components[0]?.component.name as string;
    expect(ctx.ownRender(name)).toBe(ctx.ownRender(name));
    expect((await ctx.ownRender(name)).template.exitCode).toBe(0);
  });
});
