import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '@idstack/check';
import { formatReport } from '@idstack/check';
import { isPlainObject, type Values } from '@idstack/core';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { components } from '../components.js';
import { checkJson, renderRoot } from '../test-support.js';

/**
 * Test support for "each rule can fail": the default stack is rendered once per test file, then every test copies it,
 * injects exactly one defect and asserts that `idstack check` exits 1 with a finding that names the defect. The
 * defects are self-contained (they add their own template files or keys), so the tests hold whatever the components
 * currently render.
 */
export function mutantFactory(): { readonly mutated: (mutate: (root: string) => void) => string } {
  let base: string | undefined;
  return {
    mutated(mutate) {
      base ??= renderRoot();
      const root = join(mkdtempSync(join(tmpdir(), 'idstack-mutant-')), 'repo');
      cpSync(base, root, { recursive: true });
      mutate(root);
      return root;
    },
  };
}

/** Parses a YAML file of the root, lets `edit` change it, writes it back. */
export const editYaml = (root: string, path: string, edit: (doc: Values) => void): void => {
  const file = join(root, path);
  const doc = (parse(readFileSync(file, 'utf8')) ?? {}) as Values;
  edit(doc);
  writeFileSync(file, stringify(doc));
};

/** Adds a template file to a chart's own templates. */
export const addTemplate = (root: string, chart: string, name: string, text: string): void =>
  writeFileSync(join(root, 'charts', chart, 'templates', name), text);

/** The object under `key` (created empty when absent or not an object). */
export const child = (parent: Values, key: string): Values => {
  if (!isPlainObject(parent[key])) parent[key] = {};
  return parent[key] as Values;
};

/** Runs `idstack check --offline` and returns the error of `rule` whose location contains `where`; fails without one. */
export async function expectFinding(
  root: string,
  rule: string,
  where: string,
  message?: RegExp,
): Promise<Finding> {
  const { code, findings } = await checkJson(root);
  const hit = findings.find(
    (f) =>
      f.rule === rule &&
      f.severity === 'error' &&
      f.where.includes(where) &&
      (!message || message.test(f.message)),
  );
  if (!hit)
    throw new Error(`no ${rule} finding at ${where}; the check said:\n${formatReport(findings, [], 0)}`);
  expect(code).toBe(1);
  return hit;
}

/** Netbird: the last component in sync order, and one that needs others. */
export const needing = (): (typeof components)[number] => {
  const found = components.find((c) => c.name === 'netbird');
  if (!found || found.needs.length === 0)
    throw new Error('the netbird component (which needs others) is gone');
  return found;
};
