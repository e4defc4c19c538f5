import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, displayPath } from '@idstack/core';
import { FORMATS, type Format } from '@idstack/diff';
import { bootstrapCommand } from './commands/bootstrap.js';
import { buildCommand } from './commands/build.js';
import { checkCommand } from './commands/check.js';
import { diffCommand } from './commands/diff.js';
import { fetchCommand } from './commands/fetch.js';
import { mirrorCommand, packageCommand, releaseCommand } from './commands/release.js';
import { secretsCommand } from './commands/secrets.js';

/** Exit codes: 0 ok, 1 a check failed, 2 bad usage or bad config, 3 an unexpected error (a bug or the system). */
export const EXIT = { ok: 0, checkFailed: 1, usage: 2, unexpected: 3 } as const;

const USAGE = `idstack: one stack.yaml to a Zero-Trust homelab run by Argo CD

Usage: idstack <command> [options]

Commands:
  build      render charts/, cluster/ and stack.schema.json from stack.yaml (atomic; nothing changes on error)
  diff       what a change does to what Argo CD applies, object by object per Application, against --base
             (default HEAD; the working tree untouched), both rendered with their pinned upstream charts as check
             renders them; --format text|markdown|json, --exit-code, --offline (the umbrellas' own output only)
  check      render every Application with its upstream charts as Argo CD will, and prove it is valid and permitted
             (exit 1 on any failure; pulls missing charts into the chart cache; --offline: own templates only)
  fetch      pull every pinned upstream chart into the chart cache (from its repository or the mirror) and verify
             what is cached against its recorded sha256; afterwards check, package and bootstrap work offline
  secrets    list the Secrets the stack expects (never writes a value to git); --create makes random ones via kubectl
  bootstrap  install what must exist before Argo CD (Cilium, Argo CD) with helm, then apply cluster/root.yaml
             (--dry-run prints the commands; create the Secrets first with \`idstack secrets --create\`)
  mirror     copy every pinned upstream chart into the mirror (stack.yaml \`mirror\` or --mirror), skipping what is there
  package    helm package every chart (in a copy, dependencies from the chart cache) into dist/charts/ + index.yaml
  release    package (dependencies from the chart cache), then push every chart version the registry lacks
             (source.registry or --registry); --tag tags them

Options:
  --config <file>   the stack config (default: <root>/stack.yaml; missing = built-in defaults)
  --root <dir>      the repository root holding charts/ and cluster/ (default: current directory)
  --out <dir>       build: write the output under <dir> instead of --root
  --json            check, secrets: machine-readable output
  --base <rev>      diff: the git revision to compare with (default: HEAD)
  --format <f>      diff: text (default), markdown (a pull-request comment) or json
  --exit-code       diff: exit 1 when something differs (like git diff --exit-code)
  --registry <oci>  release: the OCI registry prefix to publish to (default: source.registry in stack.yaml)
  --mirror <url>    mirror: the mirror to fill; check, diff, fetch, package, release, bootstrap: pull upstream
                    charts from it (default: mirror in stack.yaml)
  --chart-cache <d> check, diff, fetch, package, release, bootstrap: the chart cache (default: $IDSTACK_CHART_CACHE, else
                    $XDG_CACHE_HOME/idstack/charts, else ~/.cache/idstack/charts)
  --offline         check, diff: no upstream charts, the umbrellas' own templates only (the report says what it
                    did not verify)
  --upstream <dir>  check: pinned upstream data (values, schemas, CRDs) to verify against (default: $IDSTACK_UPSTREAM)
  --dist <dir>      package, release: output folder (default: <root>/dist/charts; mirror: <root>/dist/mirror);
                    its *.tgz and index.yaml are replaced, nothing else in it is touched
  --url <url>       package, release: base URL written into dist/charts/index.yaml
  --plain-http      mirror, package, release: plain HTTP to OCI registries (automatic on loopback)
  --dry-run         bootstrap: print the commands, run nothing
  --tag             release: git-tag the released versions (changeset tag) after publishing
  -h, --help        this help

Exit codes: 0 ok, 1 check (or bootstrap/mirror/package/release, or a diff's render) failed, 2 bad usage or invalid
config, 3 unexpected error (one line; IDSTACK_DEBUG=1 prints its stack trace).
`;

export interface CommonOptions {
  readonly root: string;
  readonly config: string;
  readonly out: string;
  readonly json: boolean;
  readonly create: boolean;
  /** bootstrap: print the commands instead of running them. */
  readonly dryRun: boolean;
  readonly registry?: string;
  readonly mirror?: string;
  readonly dist?: string;
  readonly url?: string;
  readonly plainHttp: boolean;
  readonly tag: boolean;
  /** diff: the git revision to compare with. @default HEAD */
  readonly base?: string;
  /** diff: output format. @default 'text' */
  readonly format: Format;
  /** diff: exit 1 when something differs. */
  readonly exitCode: boolean;
  /** check, diff: own templates only, no upstream charts. */
  readonly offline: boolean;
  /** `--chart-cache`: the chart cache folder. */
  readonly chartCache?: string;
  /** `--upstream`: the pinned upstream data folder (else IDSTACK_UPSTREAM). */
  readonly upstream?: string;
}

/** Where a command writes: stdout/stderr, or a capture in tests. */
export interface Io {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

export async function main(
  argv: readonly string[],
  io: Io = { out: process.stdout, err: process.stderr },
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err.write(`idstack: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const { command, options, help, configGiven } = parsed;
  if (help || !command) {
    (help ? io.out : io.err).write(USAGE);
    return help ? EXIT.ok : EXIT.usage;
  }
  // Only the default stack.yaml may be missing (then built-in defaults apply); a named one must exist.
  if (configGiven && !existsSync(options.config)) {
    io.err.write(`idstack ${command}: --config ${options.config}: no such file\n`);
    return EXIT.usage;
  }
  try {
    switch (command) {
      case 'build':
        return await buildCommand(options, io);
      case 'check':
        return await checkCommand(options, io);
      case 'diff':
        return await diffCommand(options, io);
      case 'fetch':
        return await fetchCommand(options, io);
      case 'secrets':
        return await secretsCommand(options, io);
      case 'bootstrap':
        return await bootstrapCommand(options, io);
      case 'mirror':
        return await mirrorCommand(options, io);
      case 'package':
        return await packageCommand(options, io);
      case 'release':
        return await releaseCommand(options, io);
      default:
        io.err.write(`idstack: unknown command "${command}"\n\n${USAGE}`);
        return EXIT.usage;
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err.write(`idstack ${command}: ${error.report(displayPath(options.config))}\n`);
      return EXIT.usage;
    }
    io.err.write(`idstack ${command}: ${unexpected(error)}\n`);
    return EXIT.unexpected;
  }
}

/** One line for an error nobody planned for (a bug, a full disk, a permission): never a stack trace, unless asked. */
function unexpected(error: unknown): string {
  if (process.env.IDSTACK_DEBUG && error instanceof Error && error.stack) return error.stack;
  const message = error instanceof Error ? error.message : String(error);
  return `unexpected error: ${message.split('\n')[0]} (IDSTACK_DEBUG=1 shows where; please report it if it is not about your system)`;
}

function parse(argv: readonly string[]) {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      root: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
      create: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      registry: { type: 'string' },
      mirror: { type: 'string' },
      dist: { type: 'string' },
      url: { type: 'string' },
      'plain-http': { type: 'boolean', default: false },
      tag: { type: 'boolean', default: false },
      base: { type: 'string' },
      format: { type: 'string', default: 'text' },
      'exit-code': { type: 'boolean', default: false },
      offline: { type: 'boolean', default: false },
      'chart-cache': { type: 'string' },
      upstream: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (positionals.length > 1) throw new Error(`unexpected argument "${positionals[1]}"`);
  const format = values.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new Error(`--format ${format}: not a format (use ${FORMATS.join(', ')})`);
  }
  const root = values.root ?? process.cwd();
  const options: CommonOptions = {
    root,
    config: values.config ?? `${root}/stack.yaml`,
    out: values.out ?? root,
    json: values.json ?? false,
    create: values.create ?? false,
    dryRun: values['dry-run'] ?? false,
    ...(values.registry ? { registry: values.registry } : {}),
    ...(values.mirror ? { mirror: values.mirror } : {}),
    ...(values.dist ? { dist: values.dist } : {}),
    ...(values.url ? { url: values.url } : {}),
    plainHttp: values['plain-http'] ?? false,
    tag: values.tag ?? false,
    ...(values.base ? { base: values.base } : {}),
    format: format as Format,
    exitCode: values['exit-code'] ?? false,
    offline: values.offline ?? false,
    ...(values['chart-cache'] ? { chartCache: values['chart-cache'] } : {}),
    ...(values.upstream ? { upstream: values.upstream } : {}),
  };
  return {
    command: positionals[0],
    options,
    help: values.help ?? false,
    configGiven: values.config !== undefined,
  };
}
