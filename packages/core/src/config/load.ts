import { readFileSync, type Stats, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { z } from 'zod';
import type { Component } from '../component.js';
import { ConfigError, formatPath, type Problem } from '../errors.js';
import { credentialProblems } from './credentials.js';
import { decodeConfig, MAX_CONFIG_BYTES } from './decode.js';
import { capped, describeIssues, type Locate, plainErrors, position } from './messages.js';
import { parseYaml } from './parse-yaml.js';
import { type Stack, stackSchema } from './schema.js';

/**
 * Reads and validates a config file; a missing file means "all defaults" (a complete, placeholder stack). `source` is
 * the name messages give the file (as the user wrote it). Throws a {@link ConfigError} for anything wrong with it.
 */
export function loadStackFile(
  file: string,
  components: readonly Component[],
  source = displayPath(file),
): Stack {
  const bytes = readConfigBytes(file, source);
  if (bytes === undefined) return parseStack('', components, source);
  const decoded = decodeConfig(bytes);
  if ('problem' in decoded) throw new ConfigError([decoded.problem], source);
  return parseStack(decoded.text, components, source);
}

/** A file's path as a person reads it: relative to the current directory when it is inside it. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/**
 * The file's bytes (undefined when it does not exist). A non-file is refused unopened (opening a FIFO would wait for a
 * writer forever, reading one would look like an empty file), and so is a file over the size limit.
 */
function readConfigBytes(file: string, source: string): Uint8Array | undefined {
  const refuse = (message: string) => new ConfigError([{ path: '(root)', message }], source);
  let stat: Stats | undefined;
  try {
    stat = statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    throw refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!stat) return undefined;
  if (stat.isDirectory()) throw refuse('is a directory, not a file; give the path of the YAML file');
  if (!stat.isFile())
    throw refuse('is not a regular file (a pipe or a device?); give the path of the YAML file');
  if (stat.size > MAX_CONFIG_BYTES) {
    throw refuse(
      `is ${stat.size} bytes, over the ${MAX_CONFIG_BYTES}-byte limit of a config file; is it the right file?`,
    );
  }
  try {
    return readFileSync(file);
  } catch (error) {
    throw refuse(`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}

/** Validates stack.yaml text; throws a {@link ConfigError} naming every bad key, with its line. */
export function parseStack(text: string, components: readonly Component[], source = 'stack.yaml'): Stack {
  if (text.length > MAX_CONFIG_BYTES) {
    throw new ConfigError(
      [{ path: '(root)', message: `is over the ${MAX_CONFIG_BYTES}-byte limit of a config file` }],
      source,
    );
  }
  const { problems, parsed } = parseYaml(text);
  if (!parsed) throw new ConfigError(problems, source);
  const { data, locate } = parsed;
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new ConfigError(
      [
        {
          path: '(root)',
          message: `must be a mapping of settings ("key: value" lines, see the sample stack.yaml), not ${Array.isArray(data) ? 'a list' : 'a single value'}`,
          ...position(locate([])),
        },
      ],
      source,
    );
  }
  return validateStack(data, components, source, locate);
}

/** Validates an already-parsed config object. */
export function validateStack(
  raw: unknown,
  components: readonly Component[],
  source = 'stack.yaml',
  locate: Locate = () => undefined,
): Stack {
  const schema = stackSchema(components);
  const input = withoutEmptyBlocks(raw, schema);
  // Credentials are looked for in what the user wrote, at any key (values overrides too), before anything else.
  const secrets = credentialProblems(input).map(({ path, message }) => ({
    path: formatPath(path),
    message,
    ...position(locate(path)),
  }));
  const result = schema.safeParse(input, { error: plainErrors, reportInput: true });
  if (!result.success || secrets.length) {
    const others = result.success ? [] : describeIssues(result.error.issues, schema, locate);
    const flagged = new Set(secrets.map((p) => p.path));
    throw new ConfigError(capped([...secrets, ...others.filter((p) => !flagged.has(p.path))]), source);
  }
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
  const shared = new Set(
    components.flatMap((c) =>
      Object.entries(c.hosts ?? {}).flatMap(([key, h]) =>
        (h.mayShareWith ?? []).flatMap((other) => [`${key}\0${other}`, `${other}\0${key}`]),
      ),
    ),
  );
  const clashes = duplicateHosts(hosts, parsed.hosts, locate, (a, b) => shared.has(`${a}\0${b}`));
  if (clashes.length) throw new ConfigError(capped(clashes), source);
  return { ...parsed, hosts } as Stack;
}

/** Two UIs on one host name: the second would never be reached (both the ingress and the tunnel route by host). */
function duplicateHosts(
  hosts: Readonly<Record<string, string>>,
  written: Readonly<Record<string, string | undefined>>,
  locate: Locate,
  mayShare: (a: string, b: string) => boolean,
): Problem[] {
  const owner = new Map<string, string>();
  const problems: Problem[] = [];
  for (const [key, host] of Object.entries(hosts).sort(
    ([a], [b]) => Number(written[b] !== undefined) - Number(written[a] !== undefined),
  )) {
    const first = owner.get(host);
    if (first !== undefined && mayShare(key, first)) continue;
    if (first === undefined) {
      owner.set(host, key);
      continue;
    }
    const edited = written[key] !== undefined ? key : first;
    const other = edited === key ? first : key;
    problems.push({
      path: `hosts.${edited}`,
      message: `"${host}" is also the host of hosts.${other}${written[other] === undefined ? ' (its default)' : ''}; each UI needs a host name of its own`,
      ...position(locate(['hosts', edited])),
    });
  }
  return problems;
}

/**
 * An empty block (`spire:` with every option commented out is YAML null) means "defaults", as an absent one does:
 * null is dropped wherever the schema expects a mapping.
 */
function withoutEmptyBlocks(raw: unknown, schema: z.ZodType): unknown {
  const shape = objectShape(schema);
  if (!shape || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  // fromEntries, not assignment: a `__proto__` key stays a key (refused as unknown) instead of a prototype.
  return Object.fromEntries(
    Object.entries(raw).flatMap(([key, value]) => {
      const inner = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (value === null && inner && objectShape(inner)) return [];
      return [[key, inner ? withoutEmptyBlocks(value, inner) : value]];
    }),
  );
}

/** The shape of an object schema, through defaults and optionals. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let node: unknown = schema;
  for (;;) {
    const def = (node as { _zod: { def: { innerType?: unknown } } })._zod.def;
    if (!def.innerType) break;
    node = def.innerType;
  }
  return (node as { shape?: Record<string, z.ZodType> }).shape;
}
