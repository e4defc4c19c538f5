import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './test-support/fixtures.js';

/**
 * The GitHub release workflow cannot run here; it stays thin (changesets/action calling repository scripts), and
 * this test pins it to the commands the other tests run: `changeset version` + render (changesets.test.ts),
 * `idstack release` against a real registry (release.test.ts).
 */
describe('.github/workflows/release.yml', () => {
  const workflow = parse(readFileSync(join(REPO_ROOT, '.github/workflows/release.yml'), 'utf8'));
  const steps = workflow.jobs.release.steps as {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
  }[];
  const rootScripts = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<
    string,
    string
  >;

  it('runs on main with the permissions to open the version PR, push tags and push charts', () => {
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(workflow.permissions).toEqual({ contents: 'write', 'pull-requests': 'write', packages: 'write' });
    expect(steps[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } });
  });

  it('lets changesets/action open the "Version packages" PR and then run `pnpm release`', () => {
    const changesets = steps.find((s) => s.uses?.startsWith('changesets/action@'));
    expect(changesets?.with).toMatchObject({ version: 'bash scripts/version.sh', publish: 'pnpm release' });
    const version = readFileSync(join(REPO_ROOT, 'scripts/version.sh'), 'utf8');
    expect(version).toMatch(/^pnpm changeset version$/m);
    expect(version).toMatch(/^pnpm build$/m);
  });

  it('`pnpm release` renders, then runs `idstack release --tag`; `pnpm package` runs `idstack package`', () => {
    expect(rootScripts.release).toBe('pnpm build && node packages/cli/dist/bin.js release --tag');
    expect(rootScripts.package).toBe('pnpm build && node packages/cli/dist/bin.js package');
    // pnpm build itself stays offline: rendering only, no helm dependency build.
    expect(rootScripts.build).not.toMatch(/package|release|helm/);
  });

  it('has every step either a pinned action or a one-line command', () => {
    for (const step of steps) {
      if (step.uses) expect(step.uses).toMatch(/@v\d+$/);
      else expect(step.run?.trim().split('\n').length).toBe(1);
    }
  });
});
