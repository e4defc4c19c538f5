import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { isPlainObject, type Values } from './merge.js';
import type { Plan, PlannedComponent } from './plan.js';

const templates = new Map<string, Handlebars.TemplateDelegate>();

/** Compiles (once) a handlebars template from packages/core/templates/. */
export function template(name: string): Handlebars.TemplateDelegate {
  let compiled = templates.get(name);
  if (!compiled) {
    const source = readFileSync(new URL(`../templates/${name}`, import.meta.url), 'utf8');
    compiled = Handlebars.compile(source, { noEscape: true, strict: false });
    templates.set(name, compiled);
  }
  return compiled;
}

/** The chart's README.md: what it installs, its values, its wave, its secrets and manual steps. */
export function renderChartReadme(
  plan: Plan,
  planned: PlannedComponent,
  ownFiles: readonly string[],
): string {
  const { component } = planned;
  const aliases = new Set(['global', ...planned.charts.map((c) => c.alias ?? c.name)]);
  const knobSchema = component.knobs?.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as
    | Values
    | undefined;
  return template('chart-readme.hbs')({
    name: component.name,
    description: component.description,
    version: planned.package.version,
    packageName: planned.package.packageName,
    tier: component.tier,
    namespace: component.namespace,
    wave: planned.wave,
    needs: planned.needs,
    argocd: planned.argocd,
    charts: planned.charts.map((c) => ({ ...c, key: c.alias ?? c.name })),
    templates: ownFiles.filter(
      (p) => p.startsWith('templates/') && !p.endsWith('.tpl') && !p.endsWith('NOTES.txt'),
    ),
    hosts: Object.entries(component.hosts ?? {}).map(([key, h]) => ({
      host: plan.stack.hosts[key],
      description: h.description,
    })),
    options: flattenKnobs(
      component.options.toJSONSchema({ io: 'input', unrepresentable: 'any' }) as Values,
      (plan.stack.components[component.name] ?? {}) as Values,
    ),
    knobs: flattenKnobs(
      knobSchema,
      Object.fromEntries(Object.entries(planned.values).filter(([k]) => !aliases.has(k))),
    ),
    secrets: planned.secrets.map((s) => ({ ...s, namespace: s.namespace ?? component.namespace })),
    notes: planned.notes.trim(),
    manualSteps: planned.manualSteps,
  });
}

/** A value longer than this is not inlined into the README's table (generated text: values.yaml holds it). */
const INLINE_VALUE_LIMIT = 1000;

/** A knob's value as the README's table shows it. */
function tableValue(value: unknown): string {
  const json = JSON.stringify(value ?? null);
  if (json.length > INLINE_VALUE_LIMIT) return '(generated, too long to show here: see values.yaml)';
  return json.replaceAll('|', '\\|');
}

/** Flattens a knobs JSON Schema into table rows (dotted keys), with this build's values. */
function flattenKnobs(
  schema: Values | undefined,
  values: Values,
  prefix = '',
): { key: string; value: string; description: string }[] {
  if (!schema || !isPlainObject(schema.properties)) return [];
  const rows: { key: string; value: string; description: string }[] = [];
  for (const [key, sub] of Object.entries(schema.properties as Record<string, Values>)) {
    const value = values[key];
    if (isPlainObject(sub.properties) && isPlainObject(value)) {
      rows.push(...flattenKnobs(sub, value, `${prefix}${key}.`));
    } else {
      rows.push({
        key: `${prefix}${key}`,
        value: tableValue(value),
        description: String(sub.description ?? '').replaceAll('|', '\\|'),
      });
    }
  }
  return rows;
}
