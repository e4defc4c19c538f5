import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import type { ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneModule from 'ajv/dist/standalone/index.js';

// ajv's standalone module is CommonJS: under NodeNext its default export arrives wrapped.
const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ??
  standaloneModule) as (ajv: Ajv, validate: ValidateFunction) => string;

/**
 * A cache of the pinned upstream data in a form that loads fast: parsed YAML as JSON, and JSON Schemas as ajv's
 * standalone validator code. Parsing upstream's values/CRDs and compiling their schemas costs seconds; loading the
 * cached forms costs milliseconds. Entries are keyed by content hash (and ajv's version), so a changed pin or
 * upgraded ajv simply misses. It lives beside this package's dependencies (removed by a fresh `pnpm install`).
 */
const CACHE_DIR = fileURLToPath(new URL('../node_modules/.cache/idstack-check/', import.meta.url));
const require = createRequire(import.meta.url);
const AJV_VERSION = (require('ajv/package.json') as { version: string }).version;
const CACHE_VERSION = `1-${AJV_VERSION}`;

const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);

function writeAtomically(file: string, content: string | Buffer): void {
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, content);
    renameSync(partial, file);
  } catch {
    // A read-only checkout only loses the speed-up.
  }
}

/** `parse(file text)`, cached as JSON by the file's path, size and mtime. */
export function cachedParse<T>(file: string, parse: (text: string) => T): T {
  const stat = statSync(file);
  const entry = join(
    CACHE_DIR,
    `p-${hash(CACHE_VERSION, file, String(stat.size), String(stat.mtimeMs))}.json`,
  );
  if (existsSync(entry)) {
    try {
      return JSON.parse(readFileSync(entry, 'utf8')) as T;
    } catch {
      // corrupt entry: parse again below
    }
  }
  const value = parse(readFileSync(file, 'utf8'));
  writeAtomically(entry, JSON.stringify(value ?? null));
  return value;
}

export type Dialect = 'draft-07' | '2020-12';

/**
 * A CRD pattern (Go's RE2 syntax, as the API server reads it) in JavaScript's: RE2's one-letter Unicode classes
 * `\pC` / `\PL` are `\p{C}` / `\P{L}` under ajv's `u` flag (Cilium's CRDs use `^\PC*$`).
 */
export function ecmaPattern(pattern: string): string {
  return pattern.replace(/(?<!\\)\\([pP])([A-Z])/g, '\\$1{$2}');
}

const instances = new Map<Dialect, Ajv>();
function ajvFor(dialect: Dialect): Ajv {
  let ajv = instances.get(dialect);
  if (!ajv) {
    // Formats are not asserted: Kubernetes treats them as informational, and Helm's values validation is about
    // structure and types. `code.source` lets a compiled schema be saved as standalone code.
    const options = {
      strict: false,
      allErrors: true,
      logger: false,
      validateFormats: false,
      code: { source: true, esm: false },
    } as const;
    ajv = dialect === '2020-12' ? (new Ajv2020(options) as unknown as Ajv) : new Ajv(options);
    instances.set(dialect, ajv);
  }
  return ajv;
}

const loaded = new Map<string, ValidateFunction>();

/** A validator for a JSON Schema: from the cache when it was compiled before, else compiled now and cached. */
export function cachedValidator(schema: object, dialect: Dialect): ValidateFunction {
  const text = JSON.stringify(schema, (key, value) =>
    key === 'pattern' && typeof value === 'string' ? ecmaPattern(value) : value,
  );
  const key = hash(CACHE_VERSION, dialect, text);
  let validate = loaded.get(key);
  if (validate) return validate;
  const entry = join(CACHE_DIR, `v-${key}.cjs`);
  if (existsSync(entry)) {
    try {
      validate = require(entry) as ValidateFunction;
    } catch {
      validate = undefined;
    }
  }
  if (!validate) {
    const ajv = ajvFor(dialect);
    validate = ajv.compile(JSON.parse(text) as object);
    writeAtomically(entry, standaloneCode(ajv, validate));
  }
  loaded.set(key, validate);
  return validate;
}

/**
 * The values of each text in `chunks`, from `parse`, reusing what the previous call with the same `scope` parsed
 * (matched by content hash). For helm output: an unchanged object is not parsed again, so a re-check after a small
 * change parses only what changed. Stored with v8's serializer (keeps every value YAML can produce, NaN included);
 * only the chunks of the latest call are kept.
 */
export function cachedChunks<T>(scope: string, chunks: readonly string[], parse: (chunk: string) => T): T[] {
  const entry = join(CACHE_DIR, `c-${hash(CACHE_VERSION, scope)}.bin`);
  // One hash of everything first: a warm re-check (the common case) needs no per-chunk hashing at all.
  const whole = hash(...chunks);
  let previous: { whole?: string; values?: T[]; chunks: Map<string, T> } = { chunks: new Map() };
  if (existsSync(entry)) {
    try {
      previous = deserialize(readFileSync(entry)) as typeof previous;
      if (!(previous.chunks instanceof Map)) previous = { chunks: new Map() };
    } catch {
      // corrupt entry: parse everything below
    }
  }
  if (previous.whole === whole && previous.values?.length === chunks.length) return previous.values;
  const current = new Map<string, T>();
  const values = chunks.map((chunk) => {
    const key = hash(chunk);
    let value = current.get(key) ?? previous.chunks.get(key);
    if (value === undefined) value = parse(chunk);
    current.set(key, value);
    return value;
  });
  writeAtomically(entry, serialize({ whole, values, chunks: current }));
  return values;
}

/** A small JSON value kept between runs under `name` (undefined when absent or unreadable). */
export function readEntry<T>(name: string): T | undefined {
  const entry = join(CACHE_DIR, `e-${hash(CACHE_VERSION, name)}.json`);
  try {
    return JSON.parse(readFileSync(entry, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Keeps `value` (JSON) under `name` for {@link readEntry} of a later run. */
export function writeEntry(name: string, value: unknown): void {
  writeAtomically(join(CACHE_DIR, `e-${hash(CACHE_VERSION, name)}.json`), JSON.stringify(value));
}
