import type { Component, Stack } from '@idstack/core';
import { planStack, readPackageInfo } from '@idstack/core';
import { requireCharts } from './chart-cache.js';
import { ReleaseError } from './errors.js';
import { mirrorCharts } from './mirror.js';
import { packageCharts } from './package.js';
import { release } from './release.js';
import { pinnedCharts } from './upstream.js';

/** What the CLI passes down: the validated stack, the components, and the command-line flags. */
export interface ReleaseCommandInput {
  readonly root: string;
  readonly stack: Stack;
  readonly components: readonly Component[];
  /** `--registry` (else stack.yaml `source.registry`). */
  readonly registry?: string;
  /** `--mirror` (else stack.yaml `mirror`). */
  readonly mirror?: string;
  /** `--dist`: output folder. */
  readonly dist?: string;
  /** `--url`: base URL for dist/charts/index.yaml. */
  readonly url?: string;
  /** `--plain-http`: force plain HTTP to OCI registries (automatic on loopback). */
  readonly plainHttp?: boolean;
  /** `--tag`: `changeset tag` after a successful release. */
  readonly tag?: boolean;
  /** `--chart-cache`: the chart cache folder. @default {@link chartCacheDir} */
  readonly chartCache?: string;
}

interface Io {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

/** Exit codes as the CLI's: 0 ok, 1 the operation failed, 2 bad usage or config. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The schema's placeholder registry: pushing there can only fail, so say what to set instead. */
const PLACEHOLDER_REGISTRY = 'oci://ghcr.io/example/idstack-charts';

export async function packageCommand(input: ReleaseCommandInput, io: Io): Promise<number> {
  return report('package', io, async () => {
    const charts = await cachedUpstreamCharts(input, io);
    const packaged = await packageCharts({
      charts,
      chartsDir: `${input.root}/charts`,
      outDir: input.dist ?? `${input.root}/dist/charts`,
      ...(input.url ? { indexUrl: input.url } : {}),
      log: (line) => io.out.write(`${line}\n`),
    });
    io.out.write(
      `idstack package: ${packaged.length} charts and index.yaml in ${input.dist ?? `${input.root}/dist/charts`}\n`,
    );
  });
}

export async function mirrorCommand(input: ReleaseCommandInput, io: Io): Promise<number> {
  const mirror = input.mirror ?? input.stack.mirror;
  if (!mirror) {
    io.err.write(
      'idstack mirror: no mirror configured: set `mirror:` in stack.yaml or pass --mirror oci://host/path\n',
    );
    return EXIT.usage;
  }
  return report('mirror', io, async () => {
    const charts = pinnedCharts(input.components);
    const result = await mirrorCharts(charts, mirror, {
      ...(input.plainHttp ? { plainHttp: true } : {}),
      outDir: input.dist ?? `${input.root}/dist/mirror`,
      log: (line) => io.out.write(`${line}\n`),
    });
    io.out.write(
      `idstack mirror: ${result.copied.length} copied, ${result.present.length} already in ${mirror}${
        result.outDir && result.copied.length ? `; upload ${result.outDir}/* to ${mirror}/` : ''
      }\n`,
    );
  });
}

export async function releaseCommand(input: ReleaseCommandInput, io: Io): Promise<number> {
  const registry = input.registry ?? input.stack.source.registry;
  if (registry === PLACEHOLDER_REGISTRY) {
    io.err.write(
      `idstack release: ${registry} is the placeholder registry: set source.registry in stack.yaml or pass --registry oci://host/path\n`,
    );
    return EXIT.usage;
  }
  return report('release', io, async () => {
    const packageNames = Object.fromEntries(
      input.components.map((c) => [c.name, readPackageInfo(c.packageDir).packageName]),
    );
    // The same dependencies as `idstack package`: from the chart cache, pulling what it lacks (mirror when set).
    const charts = await cachedUpstreamCharts(input, io);
    const result = await release({
      root: input.root,
      charts,
      registry,
      packageNames,
      ...(input.dist ? { distDir: input.dist } : {}),
      ...(input.url ? { indexUrl: input.url } : {}),
      ...(input.plainHttp ? { plainHttp: true } : {}),
      tag: input.tag ?? false,
      log: (line) => io.out.write(`${line}\n`),
    });
    io.out.write(
      `idstack release: published ${result.published.length} (${result.published.map((c) => `${c.name} ${c.version}`).join(', ') || 'none'}), ${result.skipped.length} already in ${registry}\n`,
    );
  });
}

/**
 * Every pinned upstream chart of the enabled components from the chart cache, pulling what it lacks (from the
 * mirror when set); throws {@link ChartsUnavailableError} listing what cannot be had.
 */
async function cachedUpstreamCharts(input: ReleaseCommandInput, io: Io) {
  const mirror = input.mirror ?? input.stack.mirror;
  const wanted = planStack(input.components, input.stack).components.flatMap((p) => p.component.charts);
  return requireCharts(wanted, {
    ...(input.chartCache ? { chartCache: input.chartCache } : {}),
    ...(mirror ? { mirror } : {}),
    ...(input.plainHttp ? { plainHttp: true } : {}),
    ...((io.err as { isTTY?: boolean }).isTTY === true
      ? { progress: (line: string) => io.err.write(`${line}\n`) }
      : {}),
  });
}

async function report(command: string, io: Io, run: () => Promise<void>): Promise<number> {
  try {
    await run();
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof ReleaseError)) throw error;
    io.err.write(`idstack ${command}: ${error.message}\n`);
    return EXIT.failed;
  }
}
