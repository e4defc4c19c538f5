import { existsSync, readFileSync } from 'node:fs';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { Component } from '../component.js';
import { ConfigError, formatPath, type Problem } from '../errors.js';
import { closest } from '../text.js';
import { type Stack, stackSchema } from './schema.js';

/** Reads and validates stack.yaml; a missing file means "all defaults" (a complete, placeholder stack). */
export function loadStackFile(file: string, components: readonly Component[]): Stack {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  return parseStack(text, components, file);
}

/** Validates stack.yaml text; throws a {@link ConfigError} naming every bad key. */
export function parseStack(text: string, components: readonly Component[], source = 'stack.yaml'): Stack {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          path: '(root)',
          message: `YAML syntax error at line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}`,
        };
      }),
      source,
    );
  }
  const raw: unknown = doc.contents === null ? {} : doc.toJS();
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new ConfigError(
      [{ path: '(root)', message: 'must be a mapping of settings (see the sample stack.yaml)' }],
      source,
    );
  }
  return validateStack(raw, components, source);
}

/** Validates an already-parsed config object. */
export function validateStack(raw: unknown, components: readonly Component[], source = 'stack.yaml'): Stack {
  const schema = stackSchema(components);
  const result = schema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues, schema), source);
  const parsed = result.data as unknown as Omit<Stack, 'hosts'> & {
    hosts: Record<string, string | undefined>;
  };
  const hosts: Record<string, string> = {};
  // Only enabled components serve hosts: a disabled component's host resolves to nothing, so nothing routes to it.
  for (const c of components) {
    if (parsed.components[c.name]?.enabled === false) continue;
    for (const [key, h] of Object.entries(c.hosts ?? {})) {
      hosts[key] = parsed.hosts[key] ?? `${h.prefix}.${parsed.domain}`;
    }
  }
  return { ...parsed, hosts } as Stack;
}

function describeIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const hint = closest(key, allowed);
        problems.push({
          path: formatPath([...issue.path, key]),
          message: `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; allowed here: ${allowed.join(', ') || 'nothing'}`,
        });
      }
    } else {
      problems.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return problems;
}

/** The keys an object schema accepts at a key path (through defaults, optionals and records). */
function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  for (const key of [...path, undefined]) {
    // unwrap default/prefault/optional/pipe wrappers
    for (;;) {
      const def = (node as { _zod?: { def?: { innerType?: unknown; in?: unknown; type?: string } } })._zod
        ?.def;
      if (def?.innerType) node = def.innerType;
      else if (def?.type === 'pipe' && def.in) node = def.in;
      else break;
    }
    const shape = (node as { shape?: Record<string, unknown> }).shape;
    if (key === undefined) return shape ? Object.keys(shape) : [];
    if (!shape || typeof key !== 'string') return [];
    node = shape[key];
  }
  return [];
}
