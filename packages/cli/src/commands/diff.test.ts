import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiffResult } from '@idstack/diff';
import { execa } from 'execa';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderRoot, run, snapshot, tempRoot } from '../test-support.js';

/** git with a fixed identity, in `cwd`. */
const git = (cwd: string, ...args: string[]) =>
  execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd });

/** The sample stack built and committed, as a user's repository is: stack.yaml, charts/, cluster/. */
async function committedStack(): Promise<string> {
  const root = renderRoot('');
  await git(root, 'init', '--quiet');
  await git(root, 'add', '-A');
  await git(root, 'commit', '--quiet', '-m', 'stack');
  return root;
}

const diffJson = async (root: string, ...args: string[]) => {
  const { code, out, err } = await run(['diff', '--root', root, '--offline', '--format', 'json', ...args]);
  if (code !== 0) throw new Error(`idstack diff exited ${code}: ${err}`);
  return JSON.parse(out) as DiffResult;
};

describe('idstack diff --offline (real git, real helm, the real components)', () => {
  let root: string;
  beforeAll(async () => {
    root = await committedStack();
  });
  // Each case starts from the committed stack.yaml, whatever order the cases run in.
  beforeEach(async () => {
    await git(root, 'checkout', '--quiet', '--', 'stack.yaml');
  });

  it('prints that nothing differs when stack.yaml is unchanged, and exits 0 (also with --exit-code), naming its render', async () => {
    const text = await run(['diff', '--root', root, '--offline']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^idstack diff: HEAD \([0-9a-f]{7}\) → working tree\noffline render: /);
    expect(text.out).toContain(
      "No difference in the Applications and the umbrellas' own templates (the upstream charts were not rendered).",
    );
    const exitCode = await run(['diff', '--root', root, '--offline', '--exit-code']);
    expect([exitCode.code, exitCode.err]).toEqual([0, '']);
  });

  it('shows exactly the field a stack.yaml change changes, without touching the working tree', async () => {
    writeFileSync(join(root, 'stack.yaml'), 'components:\n  authentik-db:\n    instances: 3\n');
    const before = snapshot(root);
    const result = await diffJson(root);
    expect(result.mode).toBe('offline');
    expect(result.summary).toEqual({ applications: 1, added: 0, removed: 0, changed: 1, moved: 0 });
    const app = result.applications.find((a) => a.status !== 'unchanged');
    expect(app?.name).toBe('authentik-db');
    expect(app?.objects).toEqual([
      expect.objectContaining({
        group: 'postgresql.cnpg.io',
        kind: 'Cluster',
        namespace: 'authentik',
        change: 'changed',
        fields: [{ path: 'spec.instances', op: 'changed', old: 1, new: 3 }],
      }),
    ]);
    expect(snapshot(root)).toEqual(before);

    const markdown = await run(['diff', '--root', root, '--offline', '--format', 'markdown', '--exit-code']);
    expect(markdown.code).toBe(1);
    expect(markdown.out).toMatch(/^\| authentik-db +\| 4 +\| changed \| +0 \| +0 \| +1 \| +0 \|$/m);
    expect(markdown.out).toContain('```diff\n- spec.instances: 1\n+ spec.instances: 3\n```');
  });

  it("shows a disabled component's Application and objects removed", async () => {
    writeFileSync(join(root, 'stack.yaml'), 'components:\n  netbird:\n    enabled: false\n');
    const result = await diffJson(root);
    const netbird = result.applications.find((a) => a.name === 'netbird');
    expect(netbird?.status).toBe('removed');
    expect(netbird?.objects.length).toBeGreaterThan(0);
    expect(netbird?.objects.every((o) => o.change === 'removed')).toBe(true);
    expect(netbird?.objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(['Certificate', 'IngressRoute', 'Service']),
    );
    const rootApp = result.applications.find((a) => a.name === 'idstack');
    expect(rootApp?.objects).toContainEqual(
      expect.objectContaining({ kind: 'Application', name: 'netbird', change: 'removed' }),
    );
  });

  it('refuses bad usage with exit 2: an unknown format, an unknown revision, no git repository, an invalid stack.yaml', async () => {
    writeFileSync(join(root, 'stack.yaml'), '');
    const format = await run(['diff', '--root', root, '--format', 'html']);
    expect([format.code, format.err]).toEqual([
      2,
      expect.stringContaining('--format html: not a format (use text, markdown, json)'),
    ]);
    const base = await run(['diff', '--root', root, '--offline', '--base', 'nope']);
    expect([base.code, base.err]).toEqual([2, expect.stringContaining('--base nope: no such commit')]);
    const outside = await run(['diff', '--root', tempRoot(''), '--offline']);
    expect([outside.code, outside.err]).toEqual([
      2,
      expect.stringContaining('is not inside a git repository'),
    ]);
    writeFileSync(join(root, 'stack.yaml'), 'components:\n  authentik-db:\n    instances: zero\n');
    const invalid = await run(['diff', '--root', root, '--offline']);
    expect([invalid.code, invalid.err]).toEqual([
      2,
      expect.stringContaining('components.authentik-db.instances'),
    ]);
  });

  it('exits 1 naming the chart when the base does not render', async () => {
    const broken = await committedStack();
    appendFileSync(
      join(broken, 'charts/ingress/templates/clusterissuers.yaml'),
      '\n{{ fail "broken on purpose" }}\n',
    );
    await git(broken, 'commit', '--quiet', '-am', 'break');
    writeFileSync(join(broken, 'charts/ingress/templates/clusterissuers.yaml'), 'fixed on disk only\n');
    const { code, out, err } = await run(['diff', '--root', broken, '--offline']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(
      /^idstack diff: cannot render: charts\/ingress \(Application ingress\): helm template failed: .*broken on purpose/,
    );
  });
});
