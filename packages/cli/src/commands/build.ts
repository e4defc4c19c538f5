import { statSync } from 'node:fs';
import { ConfigError, loadStackFile, MANAGED_OUTPUTS, renderStack, writeOutputs } from '@idstack/core';
import { components } from '../components.js';
import type { CommonOptions } from '../main.js';

/** `idstack build`: validate stack.yaml, render everything in memory, then swap the outputs in atomically. */
export async function buildCommand(
  options: CommonOptions,
  io: { out: NodeJS.WritableStream },
): Promise<number> {
  const out = statSync(options.out, { throwIfNoEntry: false });
  if (out && !out.isDirectory()) {
    throw new ConfigError(
      [
        {
          path: '--out',
          message: `${options.out} is a file, not a directory; give a directory (created if missing)`,
        },
      ],
      'the command line',
    );
  }
  const stack = loadStackFile(options.config, components);
  const { plan, files } = renderStack(components, stack);
  writeOutputs(options.out, files, MANAGED_OUTPUTS);
  const summary = plan.components
    .map((p) => `${p.component.name}@${p.package.version} (wave ${p.wave})`)
    .join(', ');
  io.out.write(`idstack build: ${files.size} files in charts/, cluster/ and stack.schema.json: ${summary}\n`);
  return 0;
}
