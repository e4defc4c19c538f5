import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deepMerge, isPlainObject, type Values } from '@idstack/core';
import { parse, parseAllDocuments } from 'yaml';
import { cachedParse } from './cache.js';

/** A CustomResourceDefinition from the pinned upstream data (or an own template), reduced to what checks need. */
export interface CrdInfo {
  readonly group: string;
  readonly kind: string;
  readonly scope: 'Namespaced' | 'Cluster';
  /** Served versions with their openAPIV3Schema. */
  readonly versions: ReadonlyMap<string, Values | undefined>;
  /** Where it comes from, for messages: `traefik 41.3.0` or `charts/x/templates/crd.yaml`. */
  readonly source: string;
  /** The upstream chart folder it was read from (`<chart>/<version>`), if upstream. */
  readonly chart?: string;
}

/** One pinned upstream chart: its default values (subcharts folded in), its values schema(s), its CRDs. */
export interface UpstreamChartData {
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  /** values.yaml, with `subcharts/<name>.values.yaml` merged under each subchart key (and its aliases). */
  readonly values: Values;
  /** values.schema.json, if upstream ships one. */
  readonly schema?: Values;
  /**
   * Schemas of subcharts, by the key their values live under (aliases included), each with its file in the chart
   * (`subcharts/<name>.values.schema.json`: the subchart's own name, also for an alias).
   */
  readonly subchartSchemas: ReadonlyMap<string, { readonly schema: Values; readonly file: string }>;
  readonly crds: readonly CrdInfo[];
}

export const crdKey = (group: string, kind: string): string => `${group}/${kind}`;

/** Reads (once) the pinned upstream data in `dir` (none when `dir` is undefined: every lookup misses). */
export class Upstream {
  private readonly charts = new Map<string, UpstreamChartData | undefined>();
  private allCrds?: Map<string, CrdInfo>;

  constructor(readonly dir: string | undefined) {}

  /** The data of `<name>/<version>`, or undefined when it is not pinned. */
  chart(name: string, version: string): UpstreamChartData | undefined {
    const key = `${name}/${version}`;
    if (!this.charts.has(key)) this.charts.set(key, this.load(name, version));
    return this.charts.get(key);
  }

  /**
   * A JSON file pinned beside a chart's values (e.g. authentik's `blueprints.schema.json`), parsed once; undefined
   * when the chart or the file is not pinned.
   */
  json(name: string, version: string, file: string): Values | undefined {
    if (!this.dir) return undefined;
    const path = join(this.dir, name, version, file);
    if (!existsSync(path)) return undefined;
    return cachedParse(path, (text) => JSON.parse(text) as Values);
  }

  /** Every CRD of every pinned chart, by `group/kind`. */
  crds(): ReadonlyMap<string, CrdInfo> {
    if (!this.allCrds) {
      this.allCrds = new Map();
      if (this.dir && existsSync(this.dir)) {
        for (const name of readdirSync(this.dir).sort()) {
          const chartDir = join(this.dir, name);
          if (!existsSync(chartDir) || name.endsWith('.yaml')) continue;
          for (const version of readdirSync(chartDir).sort()) {
            for (const crd of this.chart(name, version)?.crds ?? [])
              this.allCrds.set(crdKey(crd.group, crd.kind), crd);
          }
        }
      }
    }
    return this.allCrds;
  }

  private load(name: string, version: string): UpstreamChartData | undefined {
    if (!this.dir) return undefined;
    const dir = join(this.dir, name, version);
    if (!existsSync(join(dir, 'values.yaml'))) return undefined;
    let values = (cachedParse(join(dir, 'values.yaml'), parse) ?? {}) as Values;
    const schema = readJson(join(dir, 'values.schema.json'));
    const subchartSchemas = new Map<string, { schema: Values; file: string }>();
    const subDir = join(dir, 'subcharts');
    if (existsSync(subDir)) {
      // Subchart values live under the subchart's name and under every alias of it in Chart.yaml.
      const chartYaml = (parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) ?? {}) as {
        dependencies?: { name: string; alias?: string }[];
      };
      for (const file of readdirSync(subDir).filter((f) => f.endsWith('.values.yaml'))) {
        const sub = file.replace(/\.values\.yaml$/, '');
        const { global: _ignored, ...subValues } = (cachedParse(join(subDir, file), parse) ?? {}) as Values;
        const schemaFile = `${sub}.values.schema.json`;
        const subSchema = readJson(join(subDir, schemaFile));
        const keys = new Set([sub]);
        for (const d of chartYaml.dependencies ?? []) if (d.name === sub && d.alias) keys.add(d.alias);
        for (const key of keys) {
          const parentPart = isPlainObject(values[key]) ? (values[key] as Values) : {};
          values = { ...values, [key]: deepMerge(subValues, parentPart) };
          if (subSchema) subchartSchemas.set(key, { schema: subSchema, file: `subcharts/${schemaFile}` });
        }
      }
    }
    return {
      name,
      version,
      dir,
      values,
      schema,
      subchartSchemas,
      crds: readCrds(join(dir, 'crds'), `${name} ${version}`, `${name}/${version}`),
    };
  }
}

function readJson(file: string): Values | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Values) : undefined;
}

/**
 * The CRDs of a `crds/` folder. Pinned CRD files are megabytes of YAML, so each is indexed from its text (group,
 * kind, scope: one CRD per file, as upstream ships them) and parsed only when a version's schema is needed.
 */
function readCrds(dir: string, source: string, chart: string): CrdInfo[] {
  if (!existsSync(dir)) return [];
  const out: CrdInfo[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!/\.ya?ml$/.test(file)) continue;
    const path = join(dir, file);
    const parseAll = () =>
      cachedParse(path, (text) => parseAllDocuments(text).map((d) => d.toJS() as Values | null))
        .map((doc) => crdInfo(doc, source, chart))
        .filter((c): c is CrdInfo => c !== undefined);
    const text = readFileSync(path, 'utf8');
    const group = /^ {2}group:\s*["']?([^\s"']+)/m.exec(text)?.[1];
    const kind = /^ {2}names:\s*\n(?: {4}.*\n)*? {4}kind:\s*["']?([^\s"']+)/m.exec(text)?.[1];
    const scope = /^ {2}scope:\s*["']?([^\s"']+)/m.exec(text)?.[1];
    const documents = text.split(/^---\s*$/m).filter((d) => /^kind:\s*CustomResourceDefinition\s*$/m.test(d));
    if (!group || !kind || !scope || documents.length !== 1) {
      out.push(...parseAll()); // not the usual one-CRD layout: parse it now
      continue;
    }
    let versions: ReadonlyMap<string, Values | undefined> | undefined;
    out.push({
      group,
      kind,
      scope: scope === 'Cluster' ? 'Cluster' : 'Namespaced',
      get versions() {
        versions ??= parseAll().find((c) => c.group === group && c.kind === kind)?.versions ?? new Map();
        return versions;
      },
      source,
      chart,
    });
  }
  return out;
}

/** Reduces a CustomResourceDefinition object to a {@link CrdInfo} (undefined for anything else). */
export function crdInfo(object: Values | null, source: string, chart?: string): CrdInfo | undefined {
  if (object?.kind !== 'CustomResourceDefinition') return undefined;
  const spec = (object.spec ?? {}) as Values;
  const names = (spec.names ?? {}) as Values;
  const versions = new Map<string, Values | undefined>();
  for (const v of (spec.versions ?? []) as Values[]) {
    if (v.served === false) continue;
    versions.set(String(v.name), ((v.schema as Values | undefined)?.openAPIV3Schema as Values) ?? undefined);
  }
  return {
    group: String(spec.group),
    kind: String(names.kind),
    scope: spec.scope === 'Cluster' ? 'Cluster' : 'Namespaced',
    versions,
    source,
    ...(chart ? { chart } : {}),
  };
}
