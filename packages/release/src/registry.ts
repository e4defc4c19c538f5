import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helm, helmBinary } from '@idstack/core';
import { execa } from 'execa';
import { helmOutput, ReleaseError } from './errors.js';

/**
 * An OCI registry prefix such as `oci://ghcr.io/you/charts`: charts live at `<prefix>/<name>:<version>`.
 * Helm 4 speaks HTTPS to registries unless told `--plain-http`; a registry on loopback (a local mirror, the tests'
 * docker-registry) is plain HTTP, so it gets the flag automatically; `plainHttp: true` forces it for any host.
 */
export interface OciTarget {
  /** `oci://host[:port]/path`, without a trailing slash. */
  readonly prefix: string;
  readonly host: string;
  readonly plainHttp: boolean;
}

export function ociTarget(prefix: string, options: { readonly plainHttp?: boolean } = {}): OciTarget {
  const match = /^oci:\/\/([^/]+)(\/[^\s]*)?$/.exec(prefix.trim());
  if (!match?.[1])
    throw new ReleaseError(`"${prefix}" is not an OCI registry prefix (oci://host[:port]/path)`);
  const clean = prefix.trim().replace(/\/+$/, '');
  return { prefix: clean, host: match[1], plainHttp: options.plainHttp ?? isLoopback(match[1]) };
}

/** 127.0.0.0/8, ::1 and localhost: registries there are the operator's own, spoken to over plain HTTP. */
export function isLoopback(hostPort: string): boolean {
  const host = hostPort.startsWith('[') ? hostPort.slice(1, hostPort.indexOf(']')) : hostPort.split(':')[0];
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host ?? '');
}

export function plainHttpFlag(target: OciTarget): string[] {
  return target.plainHttp ? ['--plain-http'] : [];
}

/**
 * Is `<prefix>/<name>:<version>` in the registry? `helm show chart` resolves the tag; "not found" means absent,
 * anything else (connection refused, TLS, auth) is an error: an unreachable registry must never read as "absent",
 * or a mirror/release would try to push into it and report nonsense.
 */
export async function chartInRegistry(target: OciTarget, name: string, version: string): Promise<boolean> {
  const result = await helm([
    'show',
    'chart',
    `${target.prefix}/${name}`,
    '--version',
    version,
    ...plainHttpFlag(target),
  ]);
  if (result.exitCode === 0) return true;
  const output = helmOutput(result);
  if (/: not found\s*$|manifest unknown|name unknown|repository name not known/im.test(output)) return false;
  throw new ReleaseError(
    `cannot read ${target.prefix}/${name}:${version} from the registry ${target.host}: ${output}`,
  );
}

/** `helm push` of a packaged chart into the registry prefix; throws with helm's reason when the registry refuses. */
export async function pushChart(target: OciTarget, tgz: string, label: string): Promise<string> {
  const result = await helm(['push', tgz, target.prefix, ...plainHttpFlag(target)]);
  if (result.exitCode !== 0)
    throw new ReleaseError(`helm push of ${label} to ${target.prefix} failed: ${helmOutput(result)}`);
  return /Digest:\s*(\S+)/.exec(`${result.stdout}\n${result.stderr}`)?.[1] ?? '';
}

/**
 * Runs `fn` logged in to the registry when `IDSTACK_REGISTRY_USERNAME` and `IDSTACK_REGISTRY_PASSWORD` are set
 * (CI: the GitHub token for ghcr.io): `helm registry login --password-stdin` into a private, temporary registry
 * config (`HELM_REGISTRY_CONFIG`, which every later helm call inherits), removed afterwards. Without them, helm
 * uses whatever `HELM_REGISTRY_CONFIG` the caller has (e.g. an earlier `helm registry login`).
 */
export async function withRegistryLogin<T>(target: OciTarget, fn: () => Promise<T>): Promise<T> {
  const username = process.env.IDSTACK_REGISTRY_USERNAME;
  const password = process.env.IDSTACK_REGISTRY_PASSWORD;
  if (!username || !password) return fn();
  const dir = mkdtempSync(join(tmpdir(), 'idstack-registry-'));
  const previous = process.env.HELM_REGISTRY_CONFIG;
  process.env.HELM_REGISTRY_CONFIG = join(dir, 'config.json');
  try {
    const login = await execa(
      await helmBinary(),
      [
        'registry',
        'login',
        target.host,
        '--username',
        username,
        '--password-stdin',
        ...plainHttpFlag(target),
      ],
      { input: password, reject: false },
    );
    if (login.exitCode !== 0)
      throw new ReleaseError(`helm registry login ${target.host} failed: ${helmOutput(login)}`);
    return await fn();
  } finally {
    if (previous === undefined) delete process.env.HELM_REGISTRY_CONFIG;
    else process.env.HELM_REGISTRY_CONFIG = previous;
    rmSync(dir, { recursive: true, force: true });
  }
}
