import type { Stack } from '@idstack/core';
import type { ChartSource } from '@idstack/release';
import type { CommonOptions, Io } from '../main.js';

/**
 * Where this run takes the upstream charts from: `--chart-cache`, `--mirror` (else stack.yaml `mirror`), and one
 * progress line per chart on stderr when it is a terminal (scripts and CI logs stay quiet).
 */
export function chartSource(options: CommonOptions, stack: Stack, io: Io): ChartSource {
  const mirror = options.mirror ?? stack.mirror;
  const tty = (io.err as { isTTY?: boolean }).isTTY === true;
  return {
    ...(options.chartCache ? { chartCache: options.chartCache } : {}),
    ...(mirror ? { mirror } : {}),
    ...(tty ? { progress: (line: string) => io.err.write(`${line}\n`) } : {}),
  };
}
