import type { FileMap } from '@idstack/core';
import { isPlainObject, toYaml, type Values } from '@idstack/core';
import { parseObjects } from './parse.js';

const WAVE = 'argocd.argoproj.io/sync-wave';

/** One Helm parameter of an Application (`spec.source.helm.parameters[]`): Argo CD passes it as `--set`. */
export interface HelmParameter {
  readonly name: string;
  readonly value: string;
  /** `--set-string` instead of `--set`. @default false */
  readonly forceString?: boolean;
}

/** An Application of `cluster/apps/` as Argo CD's repo-server reads it: which chart, release and values. */
export interface ApplicationSource {
  /** The Application's name. */
  readonly name: string;
  /** The file it was read from (`cluster/apps/<name>.yaml`). */
  readonly file: string;
  /** Its AppProject. */
  readonly project: string;
  /** `spec.destination.namespace`: the release namespace. */
  readonly namespace: string;
  /** Its sync wave (0 when absent or not an integer; sync-order reports those). */
  readonly wave: number;
  /** The umbrella chart it renders: the folder under `charts/` (git) or the released chart of that name (OCI). */
  readonly chart: string;
  /** `helm.releaseName`. @default the Application's name */
  readonly releaseName: string;
  /** `helm.valueFiles`, relative to the chart. @default none */
  readonly valueFiles: readonly string[];
  /** `helm.valuesObject` (or `helm.values` parsed), passed after the value files. @default none */
  readonly values?: string;
  /** `helm.parameters`. @default none */
  readonly parameters: readonly HelmParameter[];
  /** `helm.skipCrds`: without `--include-crds`. @default false */
  readonly skipCrds: boolean;
  /** `helm.skipTests`. @default false */
  readonly skipTests: boolean;
  /** `syncPolicy.syncOptions`. */
  readonly syncOptions: readonly string[];
}

/**
 * The component Applications of `cluster/apps/*.yaml` (the AppProject and anything else are skipped), in sync
 * order (wave, then name). A source is a chart folder in git (`path: .../charts/<chart>`) or a chart in an OCI
 * registry (`chart: <chart>`, or `repoURL: oci://.../<chart>` with `path: .`).
 */
export function applicationSources(output: FileMap): ApplicationSource[] {
  const out: ApplicationSource[] = [];
  for (const [file, text] of output) {
    if (!/^cluster\/apps\/[^/]+\.ya?ml$/.test(file)) continue;
    for (const { object } of parseObjects(text, file, 'cluster')) {
      if (object.kind !== 'Application') continue;
      const app = readApplication(object, file);
      if (app) out.push(app);
    }
  }
  return out.sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));
}

function readApplication(object: Values, file: string): ApplicationSource | undefined {
  const meta = (isPlainObject(object.metadata) ? object.metadata : {}) as Values;
  const spec = (isPlainObject(object.spec) ? object.spec : {}) as Values;
  const source = (
    isPlainObject(spec.source) ? spec.source : Array.isArray(spec.sources) ? spec.sources[0] : undefined
  ) as Values | undefined;
  if (!source) return undefined;
  const chart = chartOf(source);
  if (!chart) return undefined;
  const name = String(meta.name ?? chart);
  const helm = (isPlainObject(source.helm) ? source.helm : {}) as Values;
  const annotations = (isPlainObject(meta.annotations) ? meta.annotations : {}) as Values;
  const waveText = String(annotations[WAVE] ?? '0').trim();
  const values = isPlainObject(helm.valuesObject)
    ? toYaml(helm.valuesObject)
    : typeof helm.values === 'string' && helm.values.trim()
      ? helm.values
      : undefined;
  const destination = (isPlainObject(spec.destination) ? spec.destination : {}) as Values;
  const policy = (isPlainObject(spec.syncPolicy) ? spec.syncPolicy : {}) as Values;
  return {
    name,
    file,
    project: String(spec.project ?? 'default'),
    namespace: String(destination.namespace ?? 'default'),
    wave: /^-?[0-9]+$/.test(waveText) ? Number.parseInt(waveText, 10) : 0,
    chart,
    releaseName: typeof helm.releaseName === 'string' && helm.releaseName ? helm.releaseName : name,
    valueFiles: Array.isArray(helm.valueFiles) ? helm.valueFiles.map(String) : [],
    ...(values !== undefined ? { values } : {}),
    parameters: (Array.isArray(helm.parameters) ? helm.parameters : []).filter(isPlainObject).map((p) => ({
      name: String(p.name),
      value: String(p.value ?? ''),
      ...(p.forceString === true ? { forceString: true } : {}),
    })),
    skipCrds: helm.skipCrds === true,
    skipTests: helm.skipTests === true,
    syncOptions: (Array.isArray(policy.syncOptions) ? policy.syncOptions : []).map(String),
  };
}

/** The umbrella chart an Application source names. */
function chartOf(source: Values): string | undefined {
  if (typeof source.chart === 'string' && source.chart) return source.chart;
  const repoURL = String(source.repoURL ?? '');
  const path = typeof source.path === 'string' ? source.path.replace(/\/+$/, '') : '';
  if (repoURL.startsWith('oci://') && (path === '' || path === '.'))
    return repoURL.replace(/\/+$/, '').split('/').pop();
  const parts = path.split('/');
  return parts.length >= 2 && parts[parts.length - 2] === 'charts' ? parts[parts.length - 1] : undefined;
}
