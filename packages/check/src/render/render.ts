import { createHash } from 'node:crypto';
import {
  type Dirent,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ChartPackageFile,
  chartCopyWithDependencies,
  type FileMap,
  helm,
  helmBinary,
  isPlainObject,
} from '@idstack/core';

import { readEntry, writeEntry } from '../cache.js';
import type { K8sObject, OwnRender } from '../types.js';
import { type ApplicationSource, applicationSources } from './applications.js';
import { apiVersionsOfCrds, BUILT_IN_API_VERSIONS, RENDER_KUBE_VERSION } from './capabilities.js';
import { parseHelmOutput, renderOwn } from './parse.js';

/** How the stack was rendered: with the upstream charts (what Argo CD applies) or each chart's own templates only. */
export type RenderMode = 'full' | 'own';

/** What one Application renders to, as Argo CD's repo-server would render it. */
export interface ApplicationRender {
  /** The Application as read from `cluster/apps/`. */
  readonly application: ApplicationSource;
  /** The `helm template` command line (chart path replaced by `charts/<chart>`), for messages. */
  readonly command: string;
  /** helm's exit code and stderr (the objects are empty when it failed). */
  readonly exitCode: number;
  readonly stderr: string;
  /** Every rendered object, tagged with its chart (= the Application's component) and source template. */
  readonly objects: readonly K8sObject[];
  /**
   * Full render only: `kind/name` of each object the second render produced differently (or only once): output
   * Argo CD would show OutOfSync forever. Undefined when not rendered twice (own mode).
   */
  readonly unstable?: readonly string[];
}

/** The whole stack rendered, Application by Application, in sync order. */
export interface StackRender {
  readonly mode: RenderMode;
  readonly applications: readonly ApplicationRender[];
}

/** A packaged upstream chart to render with: the chart cache's entry (only its file is read). */
export type ChartPackage = ChartPackageFile;

export interface RenderApplicationsOptions {
  /** The repository root: `charts/<chart>` is read from here (what Argo CD reads from git). */
  readonly root: string;
  /** `cluster/**` as on disk (at least `cluster/apps/*.yaml`: the Applications to render). */
  readonly output: FileMap;
  /**
   * The upstream charts by `name@version` (the chart cache, `ensureCharts` of @idstack/release). Without it, each
   * chart's own templates are rendered alone (dependencies stripped): the offline render.
   */
  readonly charts?: ReadonlyMap<string, ChartPackage>;
  /** Offline render only: a memoized own-template render to reuse (the check shares it with helm-lint). */
  readonly ownRender?: (chart: string, namespace: string) => Promise<OwnRender>;
  /**
   * Full render only: render each Application a second time to find output that changes between renders
   * (`unstable`). `idstack diff` turns it off: it compares two trees, not a tree with itself. @default true
   */
  readonly twice?: boolean;
  /**
   * Full render only: how one Application is rendered. @default {@link renderApplication}; a caller may wrap it
   * (`idstack diff` shares one render between its two trees when every input is the same).
   */
  readonly renderApplication?: (input: ApplicationRenderInput) => Promise<ApplicationRender>;
}

/** Everything one Application's full render depends on. */
export interface ApplicationRenderInput {
  /** The repository root: the umbrella is read from `<root>/charts/<chart>`. */
  readonly root: string;
  /** The Application to render. */
  readonly application: ApplicationSource;
  /** The upstream chart packages by `name@version` (the chart cache). */
  readonly charts: ReadonlyMap<string, ChartPackage>;
  /** The API versions the cluster serves when this Application syncs (`--api-versions`). */
  readonly apiVersions: readonly string[];
  /** A scratch folder of the caller's (the chart copy goes below it); removed by the caller. */
  readonly work: string;
  /** Render a second time and report `unstable` output. @default true */
  readonly twice?: boolean;
}

/**
 * Renders every Application of `cluster/apps` the way Argo CD's repo-server does: the umbrella chart from
 * `charts/<chart>` in a temporary copy (never in the repository) with its dependencies from `charts` (the cache),
 * `helm template` with the Application's release name, destination namespace, `valueFiles`, `values` /
 * `valuesObject` and `parameters`, `--include-crds` (unless `skipCrds`), the Kubernetes version and the API
 * versions the cluster serves at that point of the sync: the built-in ones plus the CRDs of earlier waves.
 * Every Application is rendered twice to find output that changes between renders. Renders run concurrently (one
 * helm process per core): an Application starts before its wave with the API versions it was last rendered with,
 * and is rendered again should they differ from its wave's. The reusable pipeline step behind `idstack check` (and
 * `idstack diff`).
 */
export async function renderApplications(options: RenderApplicationsOptions): Promise<StackRender> {
  const apps = applicationSources(options.output);
  if (!options.charts) {
    const own =
      options.ownRender ??
      ((chart: string, ns: string) => renderOwn(join(options.root, 'charts', chart), chart, ns));
    const applications = await Promise.all(
      apps.map(async (application): Promise<ApplicationRender> => {
        const r = await own(application.chart, application.namespace);
        return {
          application,
          command: `helm template ${application.releaseName} charts/${application.chart} (own templates, dependencies stripped)`,
          exitCode: r.template.exitCode ?? 1,
          stderr: r.template.stderr,
          objects: r.objects,
        };
      }),
    );
    return { mode: 'own', applications };
  }
  const { charts, root } = options;
  const render = options.renderApplication ?? renderApplication;
  const twice = options.twice ?? true;
  const work = mkdtempSync(join(tmpdir(), 'idstack-render-'));
  const renderWith = (application: ApplicationSource, apiVersions: readonly string[]) =>
    render({ root, application, charts, apiVersions, work, twice });
  try {
    // An Application's API versions are the CRDs of the earlier waves, known only once those are rendered. Waiting
    // wave by wave leaves the cores idle, so every Application whose API versions a previous run recorded starts
    // at once with those; a guess that proves wrong below is rendered again with the right ones (never used).
    const guesses = new Map<ApplicationSource, { versions: string[]; render: Promise<ApplicationRender> }>();
    for (const application of apps) {
      const versions = readEntry<string[]>(apiVersionsEntry(application));
      if (!Array.isArray(versions)) continue;
      const started = renderWith(application, versions);
      started.catch(() => {}); // a discarded guess must not surface as an unhandled rejection
      guesses.set(application, { versions, render: started });
    }
    const applications: ApplicationRender[] = [];
    const apiVersions = new Set(BUILT_IN_API_VERSIONS);
    const waves = [...new Set(apps.map((a) => a.wave))].sort((a, b) => a - b);
    for (const wave of waves) {
      const served = [...apiVersions];
      const rendered = await Promise.all(
        apps
          .filter((a) => a.wave === wave)
          .map((application) => {
            const guess = guesses.get(application);
            if (guess && sameSet(guess.versions, served)) return guess.render;
            writeEntry(apiVersionsEntry(application), served);
            return renderWith(application, served);
          }),
      );
      applications.push(...rendered);
      for (const v of apiVersionsOfCrds(rendered.flatMap((r) => r.objects))) apiVersions.add(v);
    }
    return { mode: 'full', applications };
  } finally {
    // Removed while the rules run (the process exits only once it is gone): megabytes of copies cost this
    // thread half a second to unlink synchronously.
    rm(work, { recursive: true, force: true }).catch(() => {});
  }
}

/** Where the API versions an Application was last rendered with are kept (the next run's guess). */
const apiVersionsEntry = (application: ApplicationSource) =>
  `api-versions/${application.name}/${application.chart}`;

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((v) => set.has(v));
};

/**
 * One Application's full render, as Argo CD's repo-server does it (see {@link renderApplications}): a copy of
 * `charts/<chart>` with its dependencies from the cache, `helm template` with the Application's settings. A failure
 * is returned (exit code, stderr), never thrown.
 */
export async function renderApplication(input: ApplicationRenderInput): Promise<ApplicationRender> {
  const { root, application, charts, apiVersions, work } = input;
  const failed = (command: string, stderr: string): ApplicationRender => ({
    application,
    command,
    exitCode: 1,
    stderr,
    objects: [],
    unstable: [],
  });
  const source = join(root, 'charts', application.chart);
  if (!existsSync(join(source, 'Chart.yaml')))
    return failed(
      `helm template charts/${application.chart}`,
      `charts/${application.chart}/Chart.yaml is missing`,
    );
  const dir = mkdtempSync(join(work, `${application.name}-`));
  const copy = join(dir, application.chart);
  const prepared = chartCopyWithDependencies(source, copy, charts);
  if (prepared.missing.length)
    return failed(
      `helm template charts/${application.chart}`,
      `the chart cache lacks ${prepared.missing.join(', ')} (run \`idstack fetch\`)`,
    );
  const args = ['template', application.releaseName, copy, '--namespace', application.namespace];
  args.push('--kube-version', RENDER_KUBE_VERSION);
  for (const v of apiVersions) args.push('--api-versions', v);
  if (!application.skipCrds) args.push('--include-crds');
  if (application.skipTests) args.push('--skip-tests');
  for (const file of application.valueFiles) args.push('--values', join(copy, file));
  if (application.values !== undefined) {
    const file = join(dir, 'application-values.yaml');
    writeFileSync(file, application.values);
    args.push('--values', file);
  }
  for (const p of application.parameters)
    args.push(p.forceString ? '--set-string' : '--set', `${p.name}=${p.value}`);
  const command = `helm ${args.filter((a) => !a.startsWith(work)).join(' ')} (chart: charts/${application.chart} + cached dependencies)`;
  const twice = input.twice ?? true;
  // The other render to compare with may be the previous check's, when every input of it was byte-identical.
  const inputs = twice ? await renderInputs(args, dir, application.values) : undefined;
  const recordName = `render-record/${application.name}`;
  const record = inputs ? readEntry<RenderRecord>(recordName) : undefined;
  const earlier = record && record.inputs === inputs ? record.stdout : undefined;
  const [first, second] = await Promise.all([
    helm(args),
    twice && earlier === undefined ? helm(args) : undefined,
  ]);
  if (first.exitCode !== 0) return failed(command, String(first.stderr));
  const stdout = String(first.stdout);
  const objects = parseHelmOutput(stdout, application.chart, `render/${application.name}`);
  let unstable: string[] | undefined;
  if (earlier !== undefined) unstable = unstableObjects(earlier, stdout);
  else if (second)
    unstable =
      second.exitCode === 0 ? unstableObjects(stdout, String(second.stdout)) : ['(second render failed)'];
  if (inputs && earlier !== stdout) writeEntry(recordName, { inputs, stdout } satisfies RenderRecord);
  return {
    application,
    command,
    exitCode: 0,
    stderr: String(first.stderr),
    objects,
    ...(unstable ? { unstable } : {}),
  };
}

/**
 * One render of an Application and everything it depended on: with the same inputs, the next check compares its
 * render with this one instead of rendering twice. Two renders are compared either way; the earlier one is only
 * older (which makes a clock in the output more likely to show, not less).
 */
interface RenderRecord {
  /** {@link renderInputs}. */
  readonly inputs: string;
  readonly stdout: string;
}

/**
 * A digest of everything a `helm template` run reads: its arguments (the scratch folder's name left out), every
 * file of the chart copy (the umbrella and its dependency packages), the Application's values, and the helm binary.
 */
async function renderInputs(
  args: readonly string[],
  dir: string,
  values: string | undefined,
): Promise<string> {
  const digest = createHash('sha256');
  const bin = await helmBinary();
  // helm on PATH is named without a folder: the file it resolves to, as the shell finds it.
  const candidates = bin.includes('/')
    ? [bin]
    : (process.env.PATH ?? '').split(':').map((folder) => join(folder, bin));
  let binary = bin;
  for (const candidate of candidates) {
    try {
      const stat = statSync(candidate);
      binary = `${candidate}\0${stat.size}\0${stat.mtimeMs}`;
      break;
    } catch {
      // not in this folder
    }
  }
  digest.update(`${binary}\0${RENDER_KUBE_VERSION}\0${values ?? ''}\0`);
  for (const arg of args) digest.update(`${arg.split(dir).join('<dir>')}\0`);
  const files = (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
  for (const file of files) {
    digest.update(`${file.slice(dir.length)}\0`);
    digest.update(readFileSync(file));
  }
  return digest.digest('hex');
}

/** `kind/name` of every object whose text differs between two renders (matched by their `# Source:` and order). */
function unstableObjects(first: string, second: string): string[] {
  if (first === second) return [];
  const split = (text: string) => text.split(/^---[ \t]*$/m).map((chunk) => chunk.trim());
  const a = split(first);
  const b = split(second);
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    const chunk = a[i] ?? b[i] ?? '';
    const object = parseHelmOutput(chunk, '_')[0]?.object;
    const meta = (isPlainObject(object?.metadata) ? object.metadata : {}) as { name?: unknown };
    const source = /^# Source: (.+)$/m.exec(chunk)?.[1] ?? '?';
    out.push(object ? `${String(object.kind)}/${String(meta.name ?? '?')} (${source})` : source);
  }
  return out;
}
