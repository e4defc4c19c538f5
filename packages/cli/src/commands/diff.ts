import { loadStackFile, renderStack } from '@idstack/core';
import {
  DiffUsageError,
  diffWorkingTree,
  formatDiff,
  fullRenderer,
  offlineRenderer,
  RenderError,
  type TreeRenderer,
} from '@idstack/diff';
import { ChartsUnavailableError, requireCharts } from '@idstack/release';
import { components } from '../components.js';
import type { CommonOptions, Io } from '../main.js';
import { chartSource } from './chart-source.js';

/**
 * `idstack diff`: what Argo CD would apply for the working tree's stack.yaml against what it applies at `--base`
 * (default HEAD), object by object per Application. Both sides go through the full render of `idstack check` (the
 * upstream charts each side pins, from the chart cache or the mirror) unless `--offline` (the umbrellas' own output).
 * Exit 0 (1 with `--exit-code` when something differs), 1 when a side fails to render or its charts cannot be had,
 * 2 on bad usage (no git repository, no such revision).
 */
export async function diffCommand(options: CommonOptions, io: Io): Promise<number> {
  const stack = loadStackFile(options.config, components);
  const { files } = renderStack(components, stack);
  const renderer: TreeRenderer = options.offline
    ? offlineRenderer()
    : // Both sides' pins at once: a chart bump needs the base's version and the working tree's.
      fullRenderer({ resolveCharts: (wanted) => requireCharts(wanted, chartSource(options, stack, io)) });
  try {
    const result = await diffWorkingTree({
      root: options.root,
      base: options.base,
      files,
      renderer,
    });
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
    if (error instanceof ChartsUnavailableError) {
      io.err.write(
        `idstack diff: ${error.message}\n  - or compare without the upstream charts: \`idstack diff --offline\` (the umbrellas' own output; it says so).\n`,
      );
      return 1;
    }
    throw error;
  }
}
