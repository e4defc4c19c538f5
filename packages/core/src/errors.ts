/** One thing wrong with the user's input, located by its key path (e.g. `acme.email`). */
export interface Problem {
  /** Dotted key path into stack.yaml; `(root)` for the file as a whole. */
  readonly path: string;
  /** What is wrong, and what is allowed instead. */
  readonly message: string;
  /** 1-based line in the config file where it is written, when known. */
  readonly line?: number;
  /** 1-based column of that line, when known. */
  readonly column?: number;
}

/**
 * Bad input (stack.yaml, a component declaration, the needs graph): exit code 2, nothing written. `source` names what
 * is wrong; without one the problems are in the config file the user passed, and the CLI names it.
 */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly Problem[],
    readonly source?: string,
  ) {
    super(formatProblems(problems, source ?? 'stack.yaml'));
    this.name = 'ConfigError';
  }

  /** The report, naming `configFile` when the problems are in the config file. */
  report(configFile: string): string {
    return formatProblems(this.problems, this.source ?? configFile);
  }
}

/** `<source> is invalid:` and one line per problem: `  - <key path>: <message> (line L, column C)`. */
function formatProblems(problems: readonly Problem[], source: string): string {
  const where = (p: Problem) =>
    p.line === undefined ? '' : ` (line ${p.line}${p.column === undefined ? '' : `, column ${p.column}`})`;
  return `${source} is invalid:\n${problems.map((p) => `  - ${p.path}: ${p.message}${where(p)}`).join('\n')}`;
}

/** Formats a key path the way a user finds it in YAML: `components.spire.extraEntries[0].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}
