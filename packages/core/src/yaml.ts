import { stringify } from 'yaml';

/**
 * The one YAML writer for everything idstack generates: insertion order is kept (the code decides it, so it is
 * stable), no line folding, no anchors; identical input gives identical bytes.
 */
export function toYaml(value: unknown): string {
  return stringify(value, {
    lineWidth: 0,
    aliasDuplicateObjects: false,
    indentSeq: true,
    singleQuote: false,
  });
}

/** Several objects as one multi-document YAML file. */
export function toYamlDocuments(values: readonly unknown[]): string {
  return values.map((v) => `---\n${toYaml(v)}`).join('');
}

/** Canonical JSON (2-space indent, trailing newline). */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
