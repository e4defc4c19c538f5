import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isPlainObject, type Values } from '@idstack/core';
import type { SecretLintCoreConfig } from '@secretlint/types';
import { parse } from 'yaml';
import { describeObject } from '../context.js';
import { isOwnObject, renderedObjects } from '../crds.js';
import type { Finding, Rule } from '../types.js';

/** secretlint and its preset, loaded when the rule runs: a check's helm processes start without waiting for them. */
async function secretlint() {
  const [{ lintSource }, { creator: recommended }] = await Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend'),
  ]);
  const config: SecretLintCoreConfig = {
    rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: recommended }],
  };
  return { lintSource, config };
}

/**
 * No secret value anywhere in the output: secretlint's recommended preset over charts/, cluster/ and packaged
 * charts (dist/charts/*.tgz), plus idstack's own rule: no Secret object carries data, and no secret-like key
 * (password, token, client secret, private key, ...) holds a literal value in values.yaml or a rendered object.
 * References (secretKeyRef, existingSecret, secretName, a Secret's name) are fine.
 */
export const secrets: Rule = {
  id: 'secrets',
  description:
    'no secret values in charts/, cluster/ or packaged charts (secretlint + literal secret-like values)',
  run: async (ctx) => {
    const files = [...ctx.output, ...packagedFiles(ctx.root)];
    const found: Finding[] = [];
    const add = (chart: string, where: string, message: string, fix: string) =>
      found.push({ severity: 'error', rule: 'secrets', chart, where, message, fix });
    const chartOf = (path: string) =>
      path.startsWith('charts/') || path.startsWith('dist/')
        ? (path.split('/')[path.startsWith('dist/') ? 2 : 1] as string).replace(/-[0-9][^/]*\.tgz$/, '')
        : 'cluster';

    const { lintSource, config } = await secretlint();
    const scans = await Promise.all(
      files.map(async ([path, content]) => {
        const ext = /\.[^./]+$/.exec(path)?.[0] ?? '';
        const result = await lintSource({
          source: { content, filePath: join(ctx.root, path), ext, contentType: 'text' },
          options: { config, maskSecrets: true, noPhysicFilePath: true },
        });
        return { path, messages: result.messages };
      }),
    );
    for (const { path, messages } of scans)
      for (const m of messages)
        add(
          chartOf(path),
          `${path}:${m.loc.start.line}`,
          `secretlint ${m.ruleId.replace('@secretlint/secretlint-rule-', '')}: ${m.message}`,
          "remove the value from git: reference a Secret by name and declare it in the component's `secrets`",
        );

    // values.yaml of every chart (on disk and packaged).
    for (const [path, content] of files) {
      if (!/(^|\/)values\.yaml$/.test(path)) continue;
      let values: unknown;
      try {
        values = parse(content);
      } catch {
        continue; // other rules report unparsable values
      }
      for (const hit of literalSecrets(values, []))
        add(
          chartOf(path),
          `${path}: ${hit.path}`,
          hit.message,
          "reference a Secret (existingSecret / secretKeyRef) and declare it in the component's `secrets`",
        );
    }

    // Rendered objects: own templates and cluster/.
    for (const o of [...(await renderedObjects(ctx)), ...ctx.clusterObjects()]) {
      const where = `${o.file}: ${describeObject(o.object)}`;
      if (o.object.kind === 'Secret' && o.object.apiVersion === 'v1') {
        const keys = [
          ...Object.keys(isPlainObject(o.object.data) ? o.object.data : {}),
          ...Object.keys(isPlainObject(o.object.stringData) ? o.object.stringData : {}),
        ];
        if (!isOwnObject(o)) {
          // An upstream chart's Secret may carry configuration; only credential-like keys with values are secrets.
          const literal = keys.filter((k) => {
            const value = { ...(o.object.data as Values), ...(o.object.stringData as Values) }[k];
            return secretLikeKey(k) === 'literal' && typeof value === 'string' && value !== '';
          });
          if (literal.length)
            add(
              o.chart,
              where,
              `an upstream chart renders a Secret with literal credentials (${literal.join(', ')}) into git`,
              "set the chart values that make it reference an existing Secret, and declare that Secret in the component's `secrets`",
            );
          continue;
        }
        if (keys.length)
          add(
            o.chart,
            where,
            `a Secret with literal data (${keys.join(', ')}) is rendered into git`,
            'do not render Secrets with values: declare it in `secrets` so the operator creates it (`idstack secrets`)',
          );
        continue;
      }
      for (const hit of literalSecrets(o.object, []))
        add(
          o.chart,
          `${where} ${hit.path}`,
          hit.message,
          'reference a Secret (secretKeyRef / existingSecret) instead of a literal value',
        );
    }
    return found;
  },
};

/** Splits a key into lower-case words: `clientSecret`, `client_secret`, `CLIENT-SECRET` -> client, secret. */
function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Prefixes that make `<prefix>Secret` a credential itself rather than the name of a Secret object. */
const CREDENTIAL_SECRET = new Set([
  'client',
  'shared',
  'jwt',
  'webhook',
  'hmac',
  'signing',
  'api',
  'app',
  'cookie',
  'session',
  'oauth',
  'encryption',
  'master',
  'bootstrap',
]);
const KEY_PREFIX = new Set([
  'secret',
  'private',
  'api',
  'access',
  'encryption',
  'signing',
  'master',
  'license',
]);

/** 'literal' for a key whose string value is a credential, 'name' for one that may name a Secret, undefined otherwise. */
export function secretLikeKey(key: string): 'literal' | 'name' | undefined {
  const w = words(key);
  const last = w[w.length - 1];
  const prev = w[w.length - 2];
  if (!last || w[0] === 'existing') return undefined;
  if (
    [
      'password',
      'passwd',
      'pwd',
      'passphrase',
      'token',
      'credential',
      'credentials',
      'apikey',
      'secretkey',
      'privatekey',
    ].includes(last)
  )
    return 'literal';
  if (last === 'key' && prev && KEY_PREFIX.has(prev)) return 'literal';
  if (last === 'secret') return prev && CREDENTIAL_SECRET.has(prev) ? 'literal' : 'name';
  return undefined;
}

/** Keys whose content points at Secrets rather than holding values: valueFrom, secretKeyRef, envFromSecret, existingSecret... */
function holdsReferences(key: string): boolean {
  const w = words(key);
  const last = w[w.length - 1];
  return (
    w[0] === 'existing' ||
    last === 'ref' ||
    last === 'refs' ||
    (w.includes('from') && (w.includes('secret') || w.includes('secrets') || w.includes('value')))
  );
}

/** A value that points at something else rather than holding the secret. */
function isReference(value: string): boolean {
  return (
    value.trim() === '' ||
    value.includes('{{') ||
    /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(value.trim()) || // env substitution
    /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value.trim()) || // Kubernetes env expansion
    value.startsWith('/') || // a mounted file
    /^(env|file|secret|vault|ref):/i.test(value)
  );
}

const DNS_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Secret-like keys holding literal values, and env vars with secret-like names holding literal values. */
export function literalSecrets(node: unknown, path: readonly string[]): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const at = (p: readonly string[]) => p.join('.') || '(root)';
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      out.push(...literalSecrets(item, [...path.slice(0, -1), `${path[path.length - 1] ?? ''}[${i}]`]));
    });
    return out;
  }
  if (!isPlainObject(node)) return out;
  // {name: DB_PASSWORD, value: "literal"}: an env var (valueFrom is the reference form).
  if (
    typeof node.name === 'string' &&
    typeof node.value === 'string' &&
    secretLikeKey(node.name) === 'literal' &&
    !isReference(node.value)
  )
    out.push({ path: `${at(path)}.value`, message: `env ${node.name} has a literal value` });
  for (const [key, value] of Object.entries(node)) {
    const here = [...path, key];
    if (holdsReferences(key)) continue;
    if (typeof value === 'string') {
      const kind = secretLikeKey(key);
      if (!kind || isReference(value)) continue;
      if (kind === 'name' && DNS_NAME.test(value)) continue; // the name of a Secret object
      out.push({
        path: at(here),
        message: `"${key}" holds a literal ${kind === 'name' ? 'secret-like ' : ''}value (${mask(value)})`,
      });
    } else if (typeof value === 'object' && value !== null) {
      out.push(...literalSecrets(value, here));
    }
  }
  return out;
}

const mask = (value: string) =>
  value.length <= 4 ? '****' : `${value.slice(0, 2)}${'*'.repeat(Math.min(8, value.length - 2))}`;

/** Files of packaged charts (dist/charts/*.tgz), as `dist/charts/<tgz>/<path>`. */
function packagedFiles(root: string): [string, string][] {
  const dir = join(root, 'dist', 'charts');
  if (!existsSync(dir)) return [];
  const out: [string, string][] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.tgz')) continue;
    for (const [path, content] of untar(gunzipSync(readFileSync(join(dir, file)))))
      out.push([`dist/charts/${file}/${path}`, content]);
  }
  return out;
}

/** Regular files of a (ustar) tar archive. */
function untar(buffer: Buffer): [string, string][] {
  const out: [string, string][] = [];
  let offset = 0;
  while (offset + 512 <= buffer.length) {
    const header = buffer.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const name = field(0, 100);
    const prefix = field(345, 155);
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    offset += 512;
    if (type === '0' || type === '')
      out.push([
        prefix ? `${prefix}/${name}` : name,
        buffer.subarray(offset, offset + size).toString('utf8'),
      ]);
    offset += Math.ceil(size / 512) * 512;
  }
  return out;
}
