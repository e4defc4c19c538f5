import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { helmOutput, ReleaseError } from './errors.js';

/**
 * Git tags per released version, the changesets way: `changeset tag` tags every workspace package whose
 * `<name>@<version>` tag does not exist yet (private packages too, as `.changeset/config.json` sets
 * `privatePackages.tag`). It prints `New tag: ...` lines, which changesets/action reads to push the tags and
 * create GitHub releases. Returns the new tags.
 */
export async function tagReleases(root: string): Promise<string[]> {
  const result = await execa(process.execPath, [changesetBin(), 'tag'], {
    cwd: root,
    reject: false,
    all: true,
  });
  if (result.exitCode !== 0) throw new ReleaseError(`changeset tag failed: ${helmOutput(result)}`);
  return [...`${result.all}`.matchAll(/New tag:\s+(\S+)/g)].map((m) => m[1] as string);
}

/** The `changeset` CLI's entry point (its package exports no package.json; bin.js sits beside dist/). */
export function changesetBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@changesets/cli')), '..', 'bin.js');
}
