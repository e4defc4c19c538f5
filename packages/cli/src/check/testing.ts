import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Finding } from '@idstack/check';
import { MANAGED_OUTPUTS, parseStack, renderStack, writeOutputs } from '@idstack/core';
import { components } from '../components.js';
import { main } from '../main.js';

/** Test helper: renders the whole stack (every component) from stack.yaml text into a fresh temp root. */
export function renderRoot(stackYaml?: string): string {
  const root = mkdtempSync(join(tmpdir(), 'idstack-check-'));
  if (stackYaml !== undefined) writeFileSync(join(root, 'stack.yaml'), stackYaml);
  const stack = parseStack(stackYaml ?? '', components);
  writeOutputs(root, renderStack(components, stack).files, MANAGED_OUTPUTS);
  return root;
}

/** Test helper: runs the CLI in-process and captures stdout/stderr. */
export async function runCli(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (write: (s: string) => void) =>
    new Writable({
      write(chunk, _encoding, done) {
        write(String(chunk));
        done();
      },
    });
  const io = { out: sink((s) => (out += s)), err: sink((s) => (err += s)) } as unknown as Parameters<
    typeof main
  >[1];
  const code = await main(args, io);
  return { code, out, err };
}

/** Test helper: `idstack check --json` on a root; the parsed report. */
export async function checkJson(
  root: string,
): Promise<{ code: number; findings: Finding[]; ms: number; out: string }> {
  const { code, out, err } = await runCli(['check', '--root', root, '--json']);
  if (code === 2) throw new Error(`check refused the config: ${err}`);
  const report = JSON.parse(out) as { findings: Finding[]; ms: number };
  return { code, findings: report.findings, ms: report.ms, out };
}
