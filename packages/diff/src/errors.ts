/** The request cannot be served as asked (not a git repository, no such revision): bad usage, exit 2. */
export class DiffUsageError extends Error {
  override readonly name = 'DiffUsageError';
}

/** One side could not be rendered (a chart helm refuses, an unreadable cluster/ file): exit 1. */
export class RenderError extends Error {
  override readonly name = 'RenderError';
}
