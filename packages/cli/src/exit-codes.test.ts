import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCharts, ociTarget, pinnedCharts, pushChart } from '@idstack/release';
import { packageUpstreamStandIn, startRegistry, type TestRegistry } from '@idstack/release/testing';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { components } from './components.js';
import { EXIT } from './main.js';
import { run, snapshot, tempRoot } from './test-support.js';

/**
 * Every command × exit code (0 ok, 1 failed, 2 bad usage or config, 3 unexpected) through the CLI entry point, in one
 * table. The upstream charts are stand-ins (named and versioned like the pinned ones) in a real loopback registry used
 * as the mirror; "unreachable" is a closed loopback port; no row reaches a cluster (KUBECONFIG names no file).
 */
let registry: TestRegistry;
let mirror: string;
/** A chart cache holding every pinned chart (filled from the mirror once, read by the rows that need it). */
let fullCache: string;
const UNREACHABLE = 'oci://127.0.0.1:9/charts';
const emptyDir = (what: string) => mkdtempSync(join(tmpdir(), `idstack-exit-${what}-`));

beforeAll(async () => {
  process.env.KUBECONFIG = join(emptyDir('kube'), 'no-such-config');
  registry = await startRegistry();
  mirror = `${registry.url}/mirror`;
  for (const chart of pinnedCharts(components))
    await pushChart(
      ociTarget(mirror),
      await packageUpstreamStandIn(chart.name, chart.version),
      `${chart.name} stand-in`,
    );
  fullCache = emptyDir('cache');
  const { missing } = await ensureCharts(
    components.flatMap((c) => c.charts),
    { cacheDir: fullCache, mirror },
  );
  expect(missing).toEqual([]);
}, 300_000);
afterAll(async () => {
  await registry?.stop();
});

/** A built repository (charts/ and cluster/ from the built-in defaults), in git for `diff`. */
async function builtRoot(): Promise<string> {
  const root = tempRoot('');
  const built = await run(['build', '--root', root]);
  expect(built.code, built.err).toBe(0);
  const git = (...args: string[]) =>
    execa('git', args, {
      cwd: root,
      env: {
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@t',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@t',
      },
    });
  await git('init', '--quiet');
  await git('add', '-A');
  await git('commit', '--quiet', '-m', 'stack');
  return root;
}

/** A stack.yaml with a key no component has: every command must refuse it with exit 2, naming the key. */
const INVALID = 'components:\n  ingress:\n    replicaz: 3\n';

interface Row {
  readonly command: string;
  readonly code: number;
  /** What makes it exit so. */
  readonly when: string;
  /** The arguments after the command, for a fresh built root. */
  readonly args: (root: string) => string[] | Promise<string[]>;
  /** What stderr or stdout must say. */
  readonly says: RegExp;
}

const invalid = (command: string, extra: (root: string) => string[] = () => []): Row => ({
  command,
  code: EXIT.usage,
  when: 'stack.yaml has an unknown key',
  args: (root) => {
    writeFileSync(join(root, 'bad.yaml'), INVALID);
    return ['--config', join(root, 'bad.yaml'), ...extra(root)];
  },
  says: /components\.ingress.*replicaz/s,
});

const ROWS: readonly Row[] = [
  {
    command: 'build',
    code: EXIT.ok,
    when: 'the config is valid',
    args: () => [],
    says: /idstack build: \d+ files/,
  },
  invalid('build'),
  {
    command: 'build',
    code: EXIT.unexpected,
    when: '--out lies below a regular file (the system refuses)',
    args: (root) => {
      writeFileSync(join(root, 'file'), '');
      return ['--out', join(root, 'file', 'below')];
    },
    says: /unexpected error: ENOTDIR/,
  },
  {
    command: 'check',
    code: EXIT.ok,
    when: 'the output is what the build renders',
    args: () => ['--offline'],
    says: /0 error\(s\)/,
  },
  {
    command: 'check',
    code: EXIT.checkFailed,
    when: 'a rendered file was edited by hand',
    args: (root) => {
      const file = join(root, 'charts/ingress/values.yaml');
      writeFileSync(file, `${readFileSync(file, 'utf8')}# by hand\n`);
      return ['--offline'];
    },
    says: /differs from what the build renders/,
  },
  invalid('check', () => ['--offline']),
  {
    command: 'diff',
    code: EXIT.ok,
    when: 'nothing changed',
    args: () => ['--offline', '--exit-code'],
    says: /No difference/,
  },
  {
    command: 'diff',
    code: EXIT.checkFailed,
    when: '--exit-code and stack.yaml changed',
    args: (root) => {
      writeFileSync(join(root, 'stack.yaml'), 'components:\n  netbird:\n    enabled: false\n');
      return ['--offline', '--exit-code'];
    },
    says: /netbird/,
  },
  invalid('diff', () => ['--offline']),
  {
    command: 'fetch',
    code: EXIT.ok,
    when: 'every chart comes from the mirror',
    args: () => ['--mirror', mirror, '--chart-cache', emptyDir('fetch')],
    says: /.+/,
  },
  {
    command: 'fetch',
    code: EXIT.checkFailed,
    when: 'no cache and the mirror is unreachable',
    args: () => ['--mirror', UNREACHABLE, '--chart-cache', emptyDir('fetch')],
    says: /cilium/,
  },
  invalid('fetch'),
  { command: 'secrets', code: EXIT.ok, when: 'listing', args: () => [], says: /kubectl .*create secret/ },
  {
    command: 'secrets',
    code: EXIT.checkFailed,
    when: '--create and no cluster answers',
    args: () => ['--create'],
    says: /could not create/,
  },
  invalid('secrets'),
  {
    command: 'bootstrap',
    code: EXIT.ok,
    when: '--dry-run with the charts cached',
    args: () => ['--dry-run', '--chart-cache', fullCache],
    says: /helm upgrade --install cilium-tetragon/,
  },
  {
    command: 'bootstrap',
    code: EXIT.checkFailed,
    when: 'no cache and the mirror is unreachable',
    args: () => ['--chart-cache', emptyDir('boot'), '--mirror', UNREACHABLE],
    says: /cilium/,
  },
  invalid('bootstrap', () => ['--dry-run']),
  {
    command: 'mirror',
    code: EXIT.ok,
    when: 'the mirror holds every pinned chart already',
    args: () => ['--mirror', mirror],
    says: /.+/,
  },
  {
    command: 'mirror',
    code: EXIT.checkFailed,
    when: 'the mirror is unreachable',
    args: () => ['--mirror', UNREACHABLE],
    says: /127\.0\.0\.1:9/,
  },
  invalid('mirror', () => ['--mirror', UNREACHABLE]),
  {
    command: 'package',
    code: EXIT.ok,
    when: 'the charts are cached',
    args: (root) => ['--chart-cache', fullCache, '--dist', join(root, 'dist-ok')],
    says: /.+/,
  },
  {
    command: 'package',
    code: EXIT.checkFailed,
    when: 'no cache and the mirror is unreachable',
    args: (root) => [
      '--chart-cache',
      emptyDir('pkg'),
      '--mirror',
      UNREACHABLE,
      '--dist',
      join(root, 'dist-1'),
    ],
    says: /cilium/,
  },
  invalid('package'),
  {
    command: 'release',
    code: EXIT.ok,
    when: 'the registry answers',
    args: (root) => [
      '--chart-cache',
      fullCache,
      '--mirror',
      mirror,
      '--registry',
      `${registry.url}/${root.split('/').pop()?.toLowerCase()}`,
      '--dist',
      join(root, 'dist-r'),
    ],
    says: /.+/,
  },
  {
    command: 'release',
    code: EXIT.checkFailed,
    when: 'the registry is unreachable',
    args: (root) => [
      '--chart-cache',
      fullCache,
      '--mirror',
      mirror,
      '--registry',
      UNREACHABLE,
      '--dist',
      join(root, 'dist-r1'),
    ],
    says: /127\.0\.0\.1:9/,
  },
  invalid('release', () => ['--registry', UNREACHABLE]),
];

describe.concurrent('idstack <command> exits', { timeout: 300_000 }, () => {
  it.each(ROWS.map((r) => [`${r.command} ${r.code}: ${r.when}`, r] as const))('%s', async (_, row) => {
    const root = await builtRoot();
    const args = await row.args(root);
    const before = row.code === EXIT.usage ? snapshot(root) : undefined;
    const result = await run([row.command, '--root', root, ...args]);
    expect(result.code, `${result.out}\n${result.err}`).toBe(row.code);
    expect(`${result.out}${result.err}`).toMatch(row.says);
    // Never a stack trace; on refused input, nothing changed on disk.
    expect(result.err).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    if (before) expect(snapshot(root)).toEqual(before);
  });

  it('covers every command of the help, each with 0, 1 (where it can fail) and 2', async () => {
    const help = await run(['--help']);
    const commands = [
      ...new Set(
        help.out
          .split('Commands:')[1]
          ?.split('Options:')[0]
          ?.match(/^ {2}([a-z]+) /gm)
          ?.map((l) => l.trim()),
      ),
    ];
    expect(commands.length).toBeGreaterThanOrEqual(9);
    // build cannot fail a check: its failures are bad input (2) or the system (3).
    const expected = commands.flatMap((c) =>
      (c === 'build' ? [0, 2, 3] : [0, 1, 2]).map((code) => `${c} ${code}`),
    );
    expect(ROWS.map((r) => `${r.command} ${r.code}`).sort()).toEqual(expected.sort());
  });
});
