import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Every file under `dir` as text, keyed by its `/`-separated path relative to `dir` (with `prefix` in front),
 * in code-point order; empty when `dir` does not exist. The one tree reader of the generator, check and release.
 */
export function readTree(dir: string, prefix = ''): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string, relative: string): void => {
    for (const entry of readdirSync(folder).sort()) {
      const full = join(folder, entry);
      const path = `${relative}${entry}`;
      if (statSync(full).isDirectory()) walk(full, `${path}/`);
      else files.set(path, readFileSync(full, 'utf8'));
    }
  };
  if (existsSync(dir)) walk(dir, prefix);
  return files;
}
