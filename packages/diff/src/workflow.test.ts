import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MARKDOWN_MARKER } from './format/markdown.js';
import { tempDir } from './test-support/trees.js';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The pull-request workflow cannot run here (no GitHub); it stays thin, and this pins it to what the other tests
 * run: `idstack diff --format markdown` (packages/cli/src/commands/diff.test.ts) and the comment script keyed on
 * the marker the markdown starts with.
 */
describe('.github/workflows/diff.yml', () => {
  const workflow = parse(readFileSync(join(REPO_ROOT, '.github/workflows/diff.yml'), 'utf8'));
  const steps = workflow.jobs.diff.steps as {
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
  }[];
  const script = join(REPO_ROOT, 'scripts/diff-comment.sh');

  it('runs on pull requests with the right to comment, and sees the base commit', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    expect(workflow.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
    expect(steps[0]).toMatchObject({ uses: 'actions/checkout@v4', with: { 'fetch-depth': 2 } });
  });

  it('renders the markdown against the base the pull request merges into, then posts it through the comment script', () => {
    const runs = steps.map((s) => s.run ?? '');
    expect(runs).toContain(
      'pnpm --silent idstack diff --base HEAD^1 --format markdown > "$RUNNER_TEMP/diff.md"',
    );
    // The full render's upstream charts: the chart cache (its default folder) survives between runs.
    const cache = steps.findIndex((s) => s.uses === 'actions/cache@v4');
    expect(steps[cache]?.with?.path).toBe('~/.cache/idstack/charts');
    expect(cache).toBeLessThan(runs.findIndex((r) => r.includes('idstack diff')));
    expect(runs.some((r) => r.includes('idstack diff') && r.includes('--offline'))).toBe(false);
    const comment = steps.find((s) => s.run?.startsWith('bash scripts/diff-comment.sh'));
    expect(comment?.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
    expect(readFileSync(script, 'utf8')).toContain(`'${MARKDOWN_MARKER}'`);
  });

  it('has every step either a pinned action or a one-line command', () => {
    for (const step of steps) {
      if (step.uses) expect(step.uses).toMatch(/@v\d+$/);
      else expect(step.run?.trim().split('\n').length).toBe(1);
    }
  });

  it('the comment script refuses a file that is not idstack diff markdown, before calling GitHub', async () => {
    const file = join(tempDir(), 'diff.md');
    writeFileSync(file, '# something else\n');
    const result = await execa('bash', [script, '12', file], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('does not start with the idstack diff marker');
  });
});
