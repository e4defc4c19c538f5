/** A release step failed in a way the operator must act on (registry down, refused push, unbumped chart). */
export class ReleaseError extends Error {
  override readonly name = 'ReleaseError';
}

/** helm's own explanation, trimmed to what matters (its last error lines). */
export function helmOutput(result: { readonly stdout?: unknown; readonly stderr?: unknown }): string {
  const text = [result.stderr, result.stdout]
    .filter((s): s is string => typeof s === 'string')
    .join('\n')
    .trim();
  const errors = text.split('\n').filter((l) => /error/i.test(l));
  return (errors.length ? errors.slice(-3) : text.split('\n').slice(-3)).join('\n').trim();
}

/** A publish that stopped part-way: says exactly which charts did reach the registry before it failed. */
export class PublishError extends ReleaseError {
  constructor(
    message: string,
    readonly published: readonly string[],
  ) {
    super(message);
  }
}
