import { loadStackFile } from '@idstack/core';
import {
  type ReleaseCommandInput,
  mirrorCommand as runMirror,
  packageCommand as runPackage,
  releaseCommand as runRelease,
} from '@idstack/release';
import { components } from '../components.js';
import type { CommonOptions, Io } from '../main.js';

/** The release commands' input: the validated stack, every component, and the release flags. */
function releaseInput(options: CommonOptions): ReleaseCommandInput {
  return {
    root: options.root,
    stack: loadStackFile(options.config, components),
    components,
    ...(options.registry ? { registry: options.registry } : {}),
    ...(options.mirror ? { mirror: options.mirror } : {}),
    ...(options.dist ? { dist: options.dist } : {}),
    ...(options.url ? { url: options.url } : {}),
    plainHttp: options.plainHttp,
    tag: options.tag,
    ...(options.chartCache ? { chartCache: options.chartCache } : {}),
  };
}

/** `idstack package`: every rendered chart, in a copy with its dependencies from the chart cache, `helm package`d into dist/charts/ with an index.yaml. */
export const packageCommand = (options: CommonOptions, io: Io): Promise<number> =>
  runPackage(releaseInput(options), io);

/** `idstack mirror`: copy every pinned upstream chart (exact versions) into the mirror, skipping what is there. */
export const mirrorCommand = (options: CommonOptions, io: Io): Promise<number> =>
  runMirror(releaseInput(options), io);

/** `idstack release`: package, push every chart version the registry lacks, optionally tag (`--tag`). */
export const releaseCommand = (options: CommonOptions, io: Io): Promise<number> =>
  runRelease(releaseInput(options), io);
