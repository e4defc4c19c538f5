import type { DiffResult } from '../types.js';
import { formatJson } from './json.js';
import { formatMarkdown } from './markdown.js';
import { formatText } from './text.js';

/** The output formats of `idstack diff`. */
export const FORMATS = ['text', 'markdown', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** A diff in one of {@link FORMATS}; `color` only affects `text`. */
export function formatDiff(
  result: DiffResult,
  format: Format,
  options: { readonly color?: boolean } = {},
): string {
  if (format === 'json') return formatJson(result);
  if (format === 'markdown') return formatMarkdown(result);
  return formatText(result, { color: options.color ?? false });
}
