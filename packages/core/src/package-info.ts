import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a component package's own files say about its chart. */
export interface PackageInfo {
  /** npm package name, e.g. `@idstack/ingress`. */
  readonly packageName: string;
  /** Package version = chart version (changesets bumps it). */
  readonly version: string;
  /** The package's CHANGELOG.md entries for `version`, as Artifact Hub changes. */
  readonly changes: readonly { readonly kind: 'added' | 'changed' | 'fixed'; readonly description: string }[];
}

export function readPackageInfo(packageDir: string): PackageInfo {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  let changelog = '';
  try {
    changelog = readFileSync(join(packageDir, 'CHANGELOG.md'), 'utf8');
  } catch {
    // no release yet
  }
  return { packageName: pkg.name, version: pkg.version, changes: changesFor(changelog, pkg.version) };
}

/**
 * Reads the section `## <version>` of a changesets CHANGELOG.md: `### Major|Minor Changes` become `added`/`changed`,
 * `### Patch Changes` become `fixed`; dependency bumps are kept as `changed`.
 */
export function changesFor(changelog: string, version: string): PackageInfo['changes'] {
  const lines = changelog.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === `## ${version}`);
  if (start < 0) return [];
  const changes: { kind: 'added' | 'changed' | 'fixed'; description: string }[] = [];
  let kind: 'added' | 'changed' | 'fixed' = 'changed';
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    const heading = /^### (Major|Minor|Patch) Changes/.exec(line);
    if (heading) kind = heading[1] === 'Minor' ? 'added' : heading[1] === 'Patch' ? 'fixed' : 'changed';
    const item = /^- (?:[0-9a-f]{7,40}: )?(.+)$/.exec(line);
    if (item?.[1]) changes.push({ kind, description: item[1].trim() });
  }
  return changes;
}
