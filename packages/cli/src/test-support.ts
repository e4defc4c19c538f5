import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Finding } from '@idstack/check';
import { MANAGED_OUTPUTS, parseStack, readTree, renderStack, writeOutputs } from '@idstack/core';
import { components } from './components.js';
import { main } from './main.js';

/** Runs the CLI in-process, capturing its output. */
export async function run(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (write: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        write(String(chunk));
        done();
      },
    });
  const code = await main(args, { out: sink((s) => (out += s)), err: sink((s) => (err += s)) });
  return { code, out, err };
}

/** A fresh repository root with an optional stack.yaml. */
export function tempRoot(stackYaml?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'idstack-cli-'));
  if (stackYaml !== undefined) writeFileSync(join(root, 'stack.yaml'), stackYaml);
  return root;
}

/** A hash per file under root (stack.yaml excluded): proves "nothing changed on disk". */
export function snapshot(root: string): Record<string, string> {
  return Object.fromEntries(
    [...readTree(root)].map(([path, content]) => [path, createHash('sha256').update(content).digest('hex')]),
  );
}

/** The whole stack (every component) rendered from stack.yaml text into a fresh temp root, as `idstack build` would. */
export function renderRoot(stackYaml?: string): string {
  const root = tempRoot(stackYaml);
  writeOutputs(root, renderStack(components, parseStack(stackYaml ?? '', components)).files, MANAGED_OUTPUTS);
  return root;
}

/** `idstack check --offline --json` on a root (own templates; no upstream charts): the exit code and the report. */
export async function checkJson(
  root: string,
): Promise<{ code: number; findings: Finding[]; ms: number; out: string }> {
  const { code, out, err } = await run(['check', '--offline', '--root', root, '--json']);
  if (code === 2) throw new Error(`check refused the config: ${err}`);
  const report = JSON.parse(out) as { findings: Finding[]; ms: number };
  return { code, findings: report.findings, ms: report.ms, out };
}
