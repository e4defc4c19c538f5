import type { z } from 'zod';
import { formatPath, type Problem } from '../errors.js';
import { closest } from '../text.js';
import type { Location } from './parse-yaml.js';

/** At most this many problems are listed (a broken file can have thousands); the rest are counted. */
export const MAX_PROBLEMS = 20;

/** What a value is, in plain words. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return value === '' ? 'an empty text' : `the text "${shorten(value)}"`;
  if (typeof value === 'number') return `the number ${value}`;
  return String(value);
}

const shorten = (s: string) => (s.length > 40 ? `${s.slice(0, 37)}...` : s);

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping of keys to values',
  record: 'a mapping of names to values',
  null: 'empty',
};

const FORMATS: Readonly<Record<string, string>> = {
  url: 'a URL such as "https://host/path"',
  email: 'an e-mail address such as "you@example.org"',
  ipv4: 'an IPv4 address such as "192.168.1.10"',
  ipv6: 'an IPv6 address',
  cidrv4: 'an IPv4 CIDR such as "10.0.0.0/8"',
  cidrv6: 'an IPv6 CIDR',
  uuid: 'a UUID',
};

const count = (n: number | bigint, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * zod's messages in plain words, for every issue a schema did not word itself: what is wrong and what is allowed
 * (`must be a list, not a mapping`, `must be at least 1`). Passed to every `safeParse` of user input.
 */
export const plainErrors: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `is required: give ${expected}`;
      return `must be ${expected}, not ${describeValue(issue.input)}`;
    }
    case 'too_small': {
      const n = issue.minimum;
      if (issue.origin === 'string')
        return Number(n) <= 1 ? 'must not be empty' : `must be at least ${n} characters long`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `must list at least ${count(n, 'entry', 'entries')}`;
      return issue.inclusive === false ? `must be more than ${n}` : `must be at least ${n}`;
    }
    case 'too_big': {
      const n = issue.maximum;
      if (issue.origin === 'string') return `must be at most ${n} characters long`;
      if (issue.origin === 'array' || issue.origin === 'set')
        return `must list at most ${count(n, 'entry', 'entries')}`;
      return issue.inclusive === false ? `must be less than ${n}` : `must be at most ${n}`;
    }
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${String(issue.values[0])}, not ${describeValue(issue.input)}`
        : `must be one of: ${issue.values.map(String).join(', ')} (not ${describeValue(issue.input)})`;
    case 'invalid_format':
      return `must be ${FORMATS[issue.format] ?? `in the form ${issue.format === 'regex' && 'pattern' in issue ? `/${String(issue.pattern)}/` : issue.format}`}, not ${describeValue(issue.input)}`;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.join(', ')}`;
    case 'invalid_key':
      return 'has a key that is not allowed here';
    case 'invalid_element':
      return 'has an entry that is not allowed here';
    case 'invalid_union':
      return `does not match any allowed form (got ${describeValue(issue.input)})`;
    default:
      return `is not allowed here (got ${describeValue(issue.input)})`;
  }
};

/** Locates a key path in the user's file (see `ParsedYaml.locate`). */
export type Locate = (path: readonly PropertyKey[], at?: 'key' | 'value') => Location | undefined;

/**
 * Turns zod issues into problems a person can act on: the key path, where it is written, plain words, and for a
 * value YAML read as the wrong type the fix (`quote it: "0.70"`). Unknown keys get a "did you mean" and the list of
 * allowed keys.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  locate: Locate = () => undefined,
): Problem[] {
  const problems: Problem[] = [];
  let total = 0;
  // Only the first MAX_PROBLEMS are worded and located: a file of 50,000 unknown keys must still answer at once.
  const add = (make: () => Problem) => {
    if (total++ < MAX_PROBLEMS) problems.push(make());
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        add(() => {
          const hint = closest(key, allowed);
          const path = [...issue.path, key];
          return {
            path: formatPath(path),
            message: `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; allowed here: ${allowed.join(', ') || 'nothing'}`,
            ...position(locate(path, 'key')),
          };
        });
      }
      continue;
    }
    add(() => {
      const where = locate(issue.path);
      return {
        path: formatPath(issue.path),
        message: issue.message + typeHint(issue, where),
        ...position(where),
      };
    });
  }
  if (total > MAX_PROBLEMS)
    problems.push({ path: '(root)', message: `and ${total - MAX_PROBLEMS} more problems like these` });
  return problems;
}

/** The first {@link MAX_PROBLEMS} problems, and a line counting the rest. */
export function capped(problems: readonly Problem[]): Problem[] {
  if (problems.length <= MAX_PROBLEMS) return [...problems];
  return [
    ...problems.slice(0, MAX_PROBLEMS),
    { path: '(root)', message: `and ${problems.length - MAX_PROBLEMS} more problems like these` },
  ];
}

/** The line and column of a location, to spread into a {@link Problem}. */
export const position = (at: Location | undefined): { line?: number; column?: number } =>
  at ? { line: at.line, column: at.column } : {};

/** How to write the value so YAML reads the type the key needs. */
function typeHint(issue: z.core.$ZodIssue, where: Location | undefined): string {
  if (issue.code !== 'invalid_type') return '';
  const input = (issue as { input?: unknown }).input;
  if (input === null) return '; write a value, or delete the key to keep its default';
  const written = where?.text || String(input);
  if (issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean'))
    return `; YAML reads ${written} as a ${typeof input}: quote it: "${written.replaceAll('"', '\\"')}"`;
  if (issue.expected === 'boolean' && typeof input === 'string')
    return '; write true or false, without quotes';
  if ((issue.expected === 'number' || issue.expected === 'int') && typeof input === 'string')
    return /^\s*-?[0-9.]+\s*$/.test(input) ? '; write the number without quotes' : '';
  if (issue.expected === 'array' && typeof input === 'string')
    return `; write a list: [${input}] (or one "- ${input}" line per entry)`;
  if (issue.expected === 'array' && input !== null && typeof input === 'object')
    return '; write a list: one "- entry" line per entry (not "key: value" lines)';
  if ((issue.expected === 'object' || issue.expected === 'record') && Array.isArray(input))
    return '; write "key: value" lines (not "- entry" lines)';
  return '';
}

/** The keys an object schema accepts at a key path (through defaults, optionals, pipes and lists). */
export function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  for (const key of [...path, undefined]) {
    for (;;) {
      const def = (
        node as {
          _zod?: { def?: { innerType?: unknown; in?: unknown; type?: string; element?: unknown } };
        }
      )._zod?.def;
      if (def?.innerType) node = def.innerType;
      else if (def?.type === 'pipe' && def.in) node = def.in;
      else if (def?.type === 'array' && typeof key === 'number') {
        node = def.element;
        break;
      } else break;
    }
    if (typeof key === 'number') continue;
    const shape = (node as { shape?: Record<string, unknown> }).shape;
    if (key === undefined) return shape ? Object.keys(shape) : [];
    if (!shape || typeof key !== 'string') return [];
    node = shape[key];
  }
  return [];
}
