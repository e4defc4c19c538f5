import { existsSync, realpathSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { readTree } from '@idstack/core';
import { execa } from 'execa';

/** A chart to check: its rendered folder and the package (and so the git tag) its version comes from. */
export interface VersionedChart {
  readonly name: string;
  /** npm package name; changesets tags a private package's release as `<packageName>@<version>`. */
  readonly packageName: string;
  readonly version: string;
  /** The rendered chart folder (`charts/<name>`), inside the git work tree. */
  readonly dir: string;
}

export interface UnbumpedChart {
  readonly name: string;
  readonly version: string;
  readonly tag: string;
  /** Files (relative to the chart folder) that differ from the tagged release. */
  readonly changed: readonly string[];
}

/** The git tag changesets creates for a private package's release (`privatePackages.tag: true`). */
export function releaseTag(packageName: string, version: string): string {
  return `${packageName}@${version}`;
}

/**
 * chart-testing's version check, against releases instead of a target branch: a chart whose version was released
 * (its tag `<package>@<version>` exists) must be byte-identical to what that tag holds. Any difference (a core
 * change that alters the rendered chart, a template edit, a dependency bump) needs a new version, i.e. a changeset
 * on that component; otherwise the registry would keep serving the old content under the same version.
 * Returns the offenders (empty when fine). Charts whose version has no tag yet are new releases and pass.
 */
export async function unbumpedCharts(
  gitRoot: string,
  charts: readonly VersionedChart[],
): Promise<UnbumpedChart[]> {
  const offenders: UnbumpedChart[] = [];
  // Exactly as git prints it (execa strips only the final newline): a folder name may start or end with a blank.
  const top = realpathSync((await git(gitRoot, ['rev-parse', '--show-toplevel'])).stdout || gitRoot);
  for (const chart of charts) {
    const tag = releaseTag(chart.packageName, chart.version);
    const exists = await git(top, ['rev-parse', '--quiet', '--verify', `refs/tags/${tag}`]);
    if (exists.exitCode !== 0) continue;
    // git names paths with '/' on every platform; a backslash in a Linux folder name is part of the name.
    const prefix = relative(top, existsSync(chart.dir) ? realpathSync(chart.dir) : chart.dir)
      .split(sep)
      .join('/');
    const listed = await git(top, ['ls-tree', '-r', '--name-only', '--full-tree', tag, '--', `${prefix}/`]);
    const tagged = new Set(
      `${listed.stdout}`
        .split('\n')
        .filter(Boolean)
        .map((p) => p.slice(prefix.length + 1)),
    );
    const current = readTree(chart.dir);
    const changed: string[] = [];
    for (const file of [...new Set([...tagged, ...current.keys()])].sort()) {
      if (!tagged.has(file) || !current.has(file)) {
        changed.push(file);
        continue;
      }
      const then = await git(top, ['show', `${tag}:${prefix}/${file}`], { stripFinalNewline: false });
      if (then.stdout !== current.get(file)) changed.push(file);
    }
    if (changed.length) offenders.push({ name: chart.name, version: chart.version, tag, changed });
  }
  return offenders;
}

/** One line per offender, for `idstack release` and `idstack check`. */
export function describeUnbumped(offenders: readonly UnbumpedChart[]): string[] {
  return offenders.map(
    (o) =>
      `charts/${o.name} differs from its release ${o.tag} (${o.changed.join(', ')}) but its version is still ${o.version}: add a changeset for ${o.tag.slice(0, o.tag.lastIndexOf('@'))} (pnpm changeset) and run \`pnpm changeset version && pnpm build\``,
  );
}

function git(cwd: string, args: readonly string[], options: { stripFinalNewline?: boolean } = {}) {
  return execa('git', args, { cwd, reject: false, stripFinalNewline: options.stripFinalNewline ?? true });
}
