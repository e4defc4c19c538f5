import { loadStackFile, renderStack } from '@idstack/core';
import {
  DiffUsageError,
  diffWorkingTree,
  formatDiff,
  offlineRenderer,
  RenderError,
  type TreeRenderer,
} from '@idstack/diff';
import { components } from '../components.js';
import type { CommonOptions } from '../main.js';

/**
 * `idstack diff`: what Argo CD would apply for the working tree's stack.yaml against what it applies at `--base`
 * (default HEAD), object by object per Application. Exit 0 (1 with `--exit-code` when something differs), 1 when a
 * side fails to render, 2 on bad usage (no git repository, no such revision).
 */
export async function diffCommand(
  options: CommonOptions,
  io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream },
): Promise<number> {
  const stack = loadStackFile(options.config, components);
  const { files } = renderStack(components, stack);
  // The render both sides go through. `--offline` asks for the umbrellas' own output; the full render (upstream
  // charts from the cache or mirror) is not part of this build yet, so every diff is offline for now and says so.
  const renderer: TreeRenderer = offlineRenderer();
  try {
    const result = await diffWorkingTree({
      root: options.root,
      base: options.base,
      files,
      renderer,
    });
    if (!options.offline && renderer.mode === 'offline') {
      io.err.write(
        'idstack diff: the full render (upstream charts) is not available yet: comparing offline\n',
      );
    }
    // Colours only on a terminal that takes them (Node's hasColors honours NO_COLOR, FORCE_COLOR and TERM).
    const color = (io.out as { hasColors?: () => boolean }).hasColors?.() === true;
    io.out.write(formatDiff(result, options.format, { color }));
    return options.exitCode && !result.identical ? 1 : 0;
  } catch (error) {
    if (error instanceof DiffUsageError) {
      io.err.write(`idstack diff: ${error.message}\n`);
      return 2;
    }
    if (error instanceof RenderError) {
      io.err.write(`idstack diff: cannot render: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
