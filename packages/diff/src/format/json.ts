import type { DiffResult } from '../types.js';

/** The machine format: the whole {@link DiffResult}, credentials already masked. */
export function formatJson(result: DiffResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
