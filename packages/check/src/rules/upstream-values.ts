import { type Component, closest, deepMerge, isPlainObject, type Values } from '@idstack/core';
import { parse } from 'yaml';
import { compileSchema, describeErrors } from '../ajv.js';
import type { ChartDependency, CheckContext, Finding, Rule } from '../types.js';
import type { UpstreamChartData } from '../upstream.js';

/**
 * Every key path idstack sets under a dependency (and `global`) exists in the pinned upstream values.yaml, or is
 * declared by its values.schema.json, or sits below an upstream free-form `{}` / `[]`, or below one of the
 * component's declared `freeFormValues`. Where upstream ships a schema, the merged values must validate against it.
 */
export const upstreamValues: Rule = {
  id: 'upstream-values',
  description:
    "every values key idstack sets exists in the pinned upstream chart (values.yaml / values.schema.json), and the values pass upstream's schema",
  run: (ctx) => {
    if (ctx.upstreamDir === undefined) {
      ctx.notVerified(
        "upstream-values: the keys idstack sets were not compared with the upstream charts' values.yaml (no pinned upstream data: set IDSTACK_UPSTREAM)",
      );
      return [];
    }
    return ctx.plan.components.flatMap(({ component }) => checkChart(ctx, component));
  },
};

function checkChart(ctx: CheckContext, component: Component): Finding[] {
  const chart = component.name;
  const file = `charts/${chart}/values.yaml`;
  const values = ctx.chartValues(chart);
  const found: Finding[] = [];
  const error = (path: string, message: string, fix?: string) =>
    found.push({
      severity: 'error',
      rule: 'upstream-values',
      chart,
      where: `${file}: ${path}`,
      message,
      ...(fix ? { fix } : {}),
    });

  if (!values) {
    const text = ctx.output.get(file);
    if (text === undefined) return found; // in-sync reports a missing file
    let problem = 'it is not a mapping';
    try {
      parse(text);
    } catch (e) {
      problem = (e as Error).message.split('\n')[0] ?? problem;
    }
    error(
      '(file)',
      `values.yaml cannot be read as YAML values (${problem}): nothing in it can be verified`,
      'fix the YAML (duplicate keys are errors)',
    );
    return found;
  }
  const deps = new Map<string, { dep: ChartDependency; data: UpstreamChartData | undefined }>();
  for (const dep of ctx.chartDependencies(chart)) {
    deps.set(dep.alias ?? dep.name, { dep, data: ctx.upstream.chart(dep.name, dep.version) });
  }
  const freeForm = component.freeFormValues ?? [];
  for (const f of freeForm)
    if (!f.reason.trim())
      error(
        f.path,
        'declared free-form without a reason',
        'say in freeFormValues why upstream takes free-form keys here',
      );
  const conditions = new Set([...deps.values()].map(({ dep }) => dep.condition).filter(Boolean));
  const knobs = new Set(Object.keys(component.knobs?.shape ?? {}));

  for (const [key, value] of Object.entries(values)) {
    if (key === 'global') {
      // The umbrella's `global` reaches every dependency: each key must mean something to at least one of them.
      const globals = [...deps.values()].map(({ data }) => data?.values.global).filter(isPlainObject);
      walk(value, { kind: 'union', trees: globals }, ['global']);
      continue;
    }
    const entry = deps.get(key);
    if (!entry) {
      if (!knobs.has(key))
        error(
          key,
          `"${key}" is neither a dependency alias (${[...deps.keys()].join(', ') || 'none'}) nor a declared knob of the chart`,
          "move it under the dependency it configures, or declare it in the component's `knobs`",
        );
      continue;
    }
    if (!entry.data) {
      error(
        key,
        `no pinned upstream data for ${entry.dep.name} ${entry.dep.version} in ${ctx.upstreamDir}: its values cannot be verified`,
        `pin ${entry.dep.name} ${entry.dep.version} (values.yaml, schema, CRDs) in the IDSTACK_UPSTREAM folder, or use the pinned version`,
      );
      continue;
    }
    if (!isPlainObject(value)) continue;
    const data = entry.data;
    walk(value, { kind: 'tree', tree: data.values, schema: data.schema, root: data.schema }, [key]);
    for (const problem of schemaProblems(data, key, value, values.global))
      error(problem.path, problem.message, problem.fix);
  }
  return found;

  type Node =
    | { kind: 'tree'; tree: unknown; schema?: Values; root?: Values }
    | { kind: 'union'; trees: readonly Values[] };

  function walk(ours: unknown, theirs: Node, path: readonly string[]): void {
    if (!isPlainObject(ours)) return;
    for (const [key, value] of Object.entries(ours)) {
      const here = [...path, key];
      const dotted = here.join('.');
      if (freeForm.some((f) => dotted === f.path || dotted.startsWith(`${f.path}.`))) continue;
      if (conditions.has(dotted)) continue; // the dependency's on/off switch
      if (theirs.kind === 'union') {
        const matches = theirs.trees.filter((t) => key in t);
        if (matches.length === 0) {
          unknownKey(here, theirs.trees);
          continue;
        }
        if (matches.some((t) => isFreeForm(t[key]))) continue;
        const maps = matches.map((t) => t[key]).filter(isPlainObject);
        if (maps.length) walk(value, { kind: 'union', trees: maps }, here);
        continue;
      }
      const tree = theirs.tree;
      const inValues = isPlainObject(tree) && key in tree;
      const schemaChild =
        theirs.schema && theirs.root ? childSchema(theirs.root, theirs.schema, key) : undefined;
      if (!inValues && !schemaChild) {
        unknownKey(here, isPlainObject(tree) ? [tree] : []);
        continue;
      }
      const upstream = inValues ? (tree as Values)[key] : undefined;
      if (inValues && isFreeForm(upstream)) continue;
      if (!inValues && schemaChild && isOpen(theirs.root as Values, schemaChild)) continue;
      if (inValues && isPlainObject(upstream) && value !== null && !isPlainObject(value)) {
        error(
          dotted,
          `upstream ${dotted} is a map (${Object.keys(upstream).slice(0, 5).join(', ')}, ...), idstack sets ${JSON.stringify(value)}`,
          `set one of its keys instead, e.g. ${dotted}.${Object.keys(upstream)[0]}`,
        );
        continue;
      }
      if (inValues && !isPlainObject(upstream) && isPlainObject(value) && Object.keys(value).length) {
        error(
          dotted,
          `upstream ${dotted} is a ${typeof upstream} (${JSON.stringify(upstream)}), idstack sets a map`,
        );
        continue;
      }
      const next: Node = { kind: 'tree', tree: upstream };
      if (schemaChild && theirs.root) {
        next.schema = schemaChild;
        next.root = theirs.root;
      }
      walk(value, next, here); // nothing below a value that is not a map
    }
  }

  function unknownKey(path: readonly string[], parents: readonly Values[]): void {
    const dotted = path.join('.');
    const [alias] = path;
    const entry = alias === 'global' ? undefined : deps.get(alias as string);
    const what = entry ? `${entry.dep.name} ${entry.dep.version}` : 'any dependency';
    const suggestion = suggest(path, parents, entry?.data?.values);
    error(
      dotted,
      `not a value of ${what} (neither in its values.yaml${entry?.data?.schema ? ' nor its values.schema.json' : ''}): the chart would silently ignore it`,
      suggestion
        ? `did you mean ${suggestion}?`
        : `remove it, or if upstream really takes free-form keys here, declare ${path.slice(0, -1).join('.')} in the component's freeFormValues with a reason`,
    );
  }
}

/** Upstream's `{}`, `[]`, `null` or any list: the chart takes whatever is put there. */
function isFreeForm(value: unknown): boolean {
  return value === null || Array.isArray(value) || (isPlainObject(value) && Object.keys(value).length === 0);
}

/** The closest existing key: a deeper key of the same name under the same parent, a near-miss sibling, or the same key elsewhere. */
function suggest(
  path: readonly string[],
  parents: readonly Values[],
  chartTree: Values | undefined,
): string | undefined {
  const key = path[path.length - 1] as string;
  const parentPath = path.slice(0, -1);
  for (const parent of parents) {
    const deeper = findKey(parent, key, 3);
    if (deeper) return [...parentPath, ...deeper].join('.');
  }
  const best = closest(
    key,
    parents.flatMap((parent) => Object.keys(parent)),
    Math.max(2, Math.floor(key.length / 3)) + 1,
  );
  if (best) return [...parentPath, best].join('.');
  if (chartTree) {
    const anywhere = findKey(chartTree, key, 6);
    if (anywhere) return [path[0], ...anywhere].join('.');
  }
  return undefined;
}

/** Shallowest path (breadth-first) below `tree` whose last key equals `key` (case-insensitive). */
function findKey(tree: Values, key: string, depth: number): string[] | undefined {
  let level: { node: Values; path: string[] }[] = [{ node: tree, path: [] }];
  for (let d = 0; d < depth && level.length; d++) {
    const next: typeof level = [];
    for (const { node, path } of level) {
      for (const [k, v] of Object.entries(node)) {
        if (d > 0 && k.toLowerCase() === key.toLowerCase()) return [...path, k];
        if (isPlainObject(v)) next.push({ node: v, path: [...path, k] });
      }
    }
    level = next;
  }
  return undefined;
}

// --- JSON Schema navigation (what a schema explicitly declares, through $ref / allOf / anyOf / oneOf) ---

function resolveRef(root: Values, schema: Values): Values {
  let node = schema;
  for (let i = 0; i < 20 && typeof node.$ref === 'string' && node.$ref.startsWith('#'); i++) {
    let target: unknown = root;
    for (const part of node.$ref.slice(2).split('/').filter(Boolean))
      target = isPlainObject(target) ? target[part.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined;
    if (!isPlainObject(target)) break;
    node = target;
  }
  return node;
}

function branches(root: Values, schema: Values): Values[] {
  const node = resolveRef(root, schema);
  const out = [node];
  for (const k of ['allOf', 'anyOf', 'oneOf'])
    for (const sub of (node[k] ?? []) as unknown[]) if (isPlainObject(sub)) out.push(...branches(root, sub));
  return out;
}

/** The schema a key explicitly gets (properties, patternProperties, or an explicit additionalProperties). */
function childSchema(root: Values, schema: Values, key: string): Values | undefined {
  for (const node of branches(root, schema)) {
    const props = node.properties;
    if (isPlainObject(props) && isPlainObject(props[key])) return props[key] as Values;
    const patterns = node.patternProperties;
    if (isPlainObject(patterns)) {
      for (const [pattern, sub] of Object.entries(patterns))
        if (new RegExp(pattern, 'u').test(key) && isPlainObject(sub)) return sub;
    }
    if (node.additionalProperties === true) return {};
    if (isPlainObject(node.additionalProperties)) return node.additionalProperties;
  }
  return undefined;
}

/** A schema that declares no structure below it (any object / anything): everything below is allowed. */
function isOpen(root: Values, schema: Values): boolean {
  return branches(root, schema).every(
    (n) =>
      !isPlainObject(n.properties) && !isPlainObject(n.patternProperties) && n.additionalProperties !== false,
  );
}

/**
 * Validates the dependency's values as Helm would (upstream defaults merged with idstack's, the umbrella's global
 * passed down), one top-level key at a time: only the subtrees idstack sets are compiled (upstream's own defaults
 * are valid by construction), which keeps a cold check fast on schemas as large as cilium's or traefik's.
 */
function schemaProblems(
  data: UpstreamChartData,
  alias: string,
  ours: Values,
  umbrellaGlobal: unknown,
): { path: string; message: string; fix?: string }[] {
  const problems: { path: string; message: string; fix?: string }[] = [];
  const withGlobal = (v: Values) =>
    isPlainObject(umbrellaGlobal)
      ? { ...v, global: deepMerge(isPlainObject(v.global) ? v.global : {}, umbrellaGlobal) }
      : v;
  const validateKeys = (root: Values, value: Values, set: Values, prefix: string, file: string) => {
    const keys = new Set(Object.keys(set));
    if (isPlainObject(umbrellaGlobal)) keys.add('global');
    for (const key of keys) {
      const sub = childSchema(root, root, key);
      if (!sub || value[key] === undefined) continue;
      const schema = {
        ...(root.$schema ? { $schema: root.$schema } : {}),
        ...sub,
        ...(root.$defs ? { $defs: root.$defs } : {}),
        ...(root.definitions ? { definitions: root.definitions } : {}),
      };
      const fn = compileSchema(schema);
      if (fn(value[key])) continue;
      for (const p of describeErrors(`${prefix}.${key}`, fn.errors ?? []))
        problems.push({
          path: p.path,
          message: `${p.message} (upstream ${file} of ${data.name} ${data.version})`,
          fix: `set a value the upstream schema accepts (see ${data.dir}/${file})`,
        });
    }
  };
  const merged = withGlobal(deepMerge(data.values, ours));
  if (data.schema) validateKeys(data.schema, merged, ours, alias, 'values.schema.json');
  for (const [sub, { schema, file }] of data.subchartSchemas) {
    const value = merged[sub];
    if (!isPlainObject(value) || !isPlainObject(ours[sub])) continue;
    validateKeys(schema, withGlobal(value), ours[sub] as Values, `${alias}.${sub}`, file);
  }
  return problems;
}
