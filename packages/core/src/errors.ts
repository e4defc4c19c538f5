/** One thing wrong with the user's input, located by its key path (e.g. `acme.email`). */
export interface Problem {
  /** Dotted key path into stack.yaml; `(root)` for the file as a whole. */
  readonly path: string;
  /** What is wrong, and what is allowed instead. */
  readonly message: string;
}

/** Bad input (stack.yaml, a component declaration, the needs graph): exit code 2, nothing written. */
export class ConfigError extends Error {
  constructor(
    readonly problems: readonly Problem[],
    readonly source = 'stack.yaml',
  ) {
    super(`${source} is invalid:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Formats a key path the way a user finds it in YAML: `components.spire.extraEntries[0].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}
