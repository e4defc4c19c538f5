import { loadStackFile } from '@idstack/core';
import { packageCommand as runPackage } from '@idstack/release';
import { components } from '../components.js';
import type { CommonOptions, Io } from '../main.js';

/** `idstack package`: `helm dependency build` + `helm package` every rendered chart into dist/charts/ with an index.yaml. Logic and tests: @idstack/release. */
export async function packageCommand(options: CommonOptions, io: Io): Promise<number> {
  const stack = loadStackFile(options.config, components);
  return runPackage(
    {
      root: options.root,
      stack,
      components,
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.mirror ? { mirror: options.mirror } : {}),
      ...(options.dist ? { dist: options.dist } : {}),
      ...(options.url ? { url: options.url } : {}),
      plainHttp: options.plainHttp,
      tag: options.tag,
    },
    io,
  );
}
