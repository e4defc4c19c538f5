import { loadStackFile } from '@idstack/core';
import { mirrorCommand as runMirror } from '@idstack/release';
import { components } from '../components.js';
import type { CommonOptions, Io } from '../main.js';

/** `idstack mirror`: copy every pinned upstream chart (all components, exact versions) into the mirror, skipping what is there. Logic and tests: @idstack/release. */
export async function mirrorCommand(options: CommonOptions, io: Io): Promise<number> {
  const stack = loadStackFile(options.config, components);
  return runMirror(
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
