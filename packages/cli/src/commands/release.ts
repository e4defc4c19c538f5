import { loadStackFile } from '@idstack/core';
import { releaseCommand as runRelease } from '@idstack/release';
import { components } from '../components.js';
import type { CommonOptions, Io } from '../main.js';

/** `idstack release`: package, push every chart version the registry lacks, optionally tag (`--tag`). Logic and tests: @idstack/release. */
export async function releaseCommand(options: CommonOptions, io: Io): Promise<number> {
  const stack = loadStackFile(options.config, components);
  return runRelease(
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
