import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { helm } from '@idstack/core';
import { helmOutput, ReleaseError } from './errors.js';

/**
 * A private Helm repository config (its own repositories.yaml and index cache under `dir`): `helm dependency build`
 * only fetches from https repositories that were `helm repo add`ed, and a private config keeps one run's (or one
 * test's) repositories from leaking into another.
 */
export function repoConfigFlags(dir: string): string[] {
  return [
    '--repository-config',
    join(dir, 'repositories.yaml'),
    '--repository-cache',
    join(dir, 'repository-cache'),
  ];
}

/** `helm repo add` for every http(s) repository among `urls` (OCI needs none). */
export async function addRepositories(urls: Iterable<string>, configDir: string): Promise<void> {
  for (const url of new Set(urls)) {
    if (!/^https?:\/\//.test(url)) continue;
    const name = `idstack-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
    const result = await helm(['repo', 'add', '--force-update', name, url, ...repoConfigFlags(configDir)]);
    if (result.exitCode !== 0)
      throw new ReleaseError(`cannot use the chart repository ${url}: ${helmOutput(result)}`);
  }
}
