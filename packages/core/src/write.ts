import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FileMap } from './chart.js';

/**
 * Replaces the managed outputs under `root` (e.g. `charts/`, `cluster/`, `stack.schema.json`) with exactly `files`:
 * everything is written to a staging folder beside them first, then each managed entry is swapped in by rename.
 * If anything fails the previous outputs are put back; a managed entry absent from `files` is removed.
 */
export function writeOutputs(root: string, files: FileMap, managed: readonly string[]): void {
  for (const path of files.keys()) {
    const top = path.split('/')[0] as string;
    // An absolute path has the top '' (no managed output), so only `..` needs its own check.
    if (!managed.includes(top) || path.includes('..')) {
      throw new Error(`refusing to write ${path}: outside the managed outputs (${managed.join(', ')})`);
    }
  }
  mkdirSync(root, { recursive: true });
  const staging = mkdtempSync(join(root, '.idstack-build-'));
  const previous = join(staging, '.previous');
  const swapped: string[] = [];
  try {
    for (const [path, content] of files) {
      const target = join(staging, 'next', path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
    mkdirSync(previous);
    for (const entry of managed) {
      const live = join(root, entry);
      const next = join(staging, 'next', entry);
      if (existsSync(live)) renameSync(live, join(previous, entry));
      swapped.push(entry);
      if (existsSync(next)) renameSync(next, live);
    }
  } catch (error) {
    for (const entry of swapped.reverse()) {
      const live = join(root, entry);
      rmSync(live, { recursive: true, force: true });
      if (existsSync(join(previous, entry))) renameSync(join(previous, entry), live);
    }
    throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
