import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { DiffUsageError, RenderError } from './errors.js';

/** The folders of the output Argo CD reads from git. */
const OUTPUT_DIRS = ['charts', 'cluster'] as const;

/** A revision's committed output, copied out of git into a temp folder. */
export interface RevisionTree {
  /** The folder holding that revision's `charts/` and `cluster/` (inside {@link RevisionTree.tempDir}). */
  readonly root: string;
  /** The full commit id the revision resolved to. */
  readonly commit: string;
  /** Remove this when done. */
  readonly tempDir: string;
}

/**
 * Copies `charts/` and `cluster/` as committed at `revision` out of git (`git archive`), never touching the working
 * tree or the index. `root` is the folder holding the output, possibly below the repository's top (`source.path`).
 * The committed output is exactly what Argo CD applies at that revision, made by that revision's own stack.yaml
 * and component code (CI refuses a commit whose output differs from its build), so nothing old is rebuilt.
 */
export async function checkoutOutput(root: string, revision: string): Promise<RevisionTree> {
  const top = await git(root, ['rev-parse', '--show-toplevel']).catch(() => {
    throw new DiffUsageError(
      `${root} is not inside a git repository: idstack diff compares the working tree with a git revision (--base)`,
    );
  });
  const prefix = await git(root, ['rev-parse', '--show-prefix']);
  const commit = await git(top, ['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]).catch(() => {
    throw new DiffUsageError(
      `--base ${revision}: no such commit in this repository (give a branch, tag or commit id, e.g. --base origin/main)`,
    );
  });
  // Paths from the repository's top, whatever folder `root` is.
  const wanted = OUTPUT_DIRS.map((d) => `${prefix}${d}`);
  const present = (await git(top, ['ls-tree', '--name-only', commit, '--', ...wanted]))
    .split('\n')
    .filter(Boolean);
  const tempDir = mkdtempSync(join(tmpdir(), 'idstack-diff-base-'));
  try {
    mkdirSync(join(tempDir, 'tree'));
    if (present.length) {
      const archive = await execa('git', ['archive', '--format=tar', commit, '--', ...present], {
        cwd: top,
        encoding: 'buffer',
        reject: false,
      });
      if (archive.exitCode !== 0) {
        throw new RenderError(`git archive ${revision}: ${Buffer.from(archive.stderr).toString().trim()}`);
      }
      const tar = await execa('tar', ['-x', '-C', join(tempDir, 'tree')], {
        input: archive.stdout,
        reject: false,
      });
      if (tar.exitCode !== 0) throw new RenderError(`unpacking ${revision}: ${tar.stderr.trim()}`);
    }
  } catch (error) {
    rmSync(tempDir, { recursive: true, force: true });
    throw error;
  }
  return { root: join(tempDir, 'tree', prefix), commit, tempDir };
}

/** Runs git in `cwd`; rejects with its message on a non-zero exit. */
async function git(cwd: string, args: readonly string[]): Promise<string> {
  const result = await execa('git', args, { cwd, reject: false });
  if (result.exitCode !== 0) throw new Error(result.stderr.trim() || `git ${args[0]} failed`);
  return result.stdout.trim();
}
