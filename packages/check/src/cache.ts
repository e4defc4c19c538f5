import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

function writeAtomically(file: string, content: string): void {
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
