import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FileMap, writeOutputs } from '@idstack/core';
import { compareSides } from './compare.js';
import { checkoutOutput } from './git.js';
import { readApplications } from './tree.js';
import type { DiffResult, TreeRenderer } from './types.js';

/** What Argo CD reads from the repository: the rest of a build's output plays no part in the diff. */
const APPLIED = ['charts', 'cluster'] as const;

/**
 * Compares two output trees (folders holding `charts/` and `cluster/`), both rendered by `renderer` at once
 * (after its `prepare`).
 * `about` names the two sides for the reader.
 */
export async function diffTrees(options: {
  readonly baseRoot: string;
  readonly headRoot: string;
  readonly renderer: TreeRenderer;
  readonly base: DiffResult['base'];
  readonly head: string;
}): Promise<DiffResult> {
  const { renderer } = options;
  await renderer.prepare?.([options.baseRoot, options.headRoot]);
  const [baseObjects, headObjects] = await Promise.all([
    renderer.render(options.baseRoot),
    renderer.render(options.headRoot),
  ]);
  return compareSides(
    { applications: readApplications(options.baseRoot), objects: baseObjects },
    { applications: readApplications(options.headRoot), objects: headObjects },
    { mode: renderer.mode, description: renderer.description, base: options.base, head: options.head },
  );
}

/**
 * `idstack diff`: the output committed at `base` (read through git, the working tree untouched) against `files`,
 * the output the working tree's stack.yaml renders now (`renderStack`), both through `renderer`.
 */
export async function diffWorkingTree(options: {
  /** The folder holding charts/ and cluster/ (the repository root, or `source.path` below it). */
  readonly root: string;
  /** A git revision. @default HEAD */
  readonly base?: string;
  /** The output rendered from the working tree. */
  readonly files: FileMap;
  readonly renderer: TreeRenderer;
}): Promise<DiffResult> {
  const revision = options.base ?? 'HEAD';
  const base = await checkoutOutput(options.root, revision);
  const headRoot = mkdtempSync(join(tmpdir(), 'idstack-diff-head-'));
  try {
    const applied = new Map(
      [...options.files].filter(([path]) => APPLIED.some((d) => path.startsWith(`${d}/`))),
    );
    writeOutputs(headRoot, applied, APPLIED);
    return await diffTrees({
      baseRoot: base.root,
      headRoot,
      renderer: options.renderer,
      base: { revision, commit: base.commit },
      head: 'working tree',
    });
  } finally {
    rmSync(headRoot, { recursive: true, force: true });
    rmSync(base.tempDir, { recursive: true, force: true });
  }
}
