import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helm } from '@idstack/core';

/**
 * TEST STAND-IN for any upstream chart: named and versioned like a pinned one (so an umbrella that depends on it
 * resolves it), with our own tiny templates (never upstream's): a ConfigMap `<release>-<chart>-standin` that every
 * version renders the same, plus `templates` (file name -> Helm template) of this version. Returns the packaged
 * chart (`helm package`), ready to push to a loopback registry.
 */
export async function packageUpstreamStandIn(
  name: string,
  version: string,
  templates: Readonly<Record<string, string>> = {},
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'idstack-upstream-standin-'));
  const chart = join(dir, name);
  mkdirSync(join(chart, 'templates'), { recursive: true });
  writeFileSync(
    join(chart, 'Chart.yaml'),
    `apiVersion: v2\nname: ${name}\nversion: ${version}\ndescription: TEST STAND-IN\n`,
  );
  writeFileSync(
    join(chart, 'templates', 'standin.yaml'),
    `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-{{ .Chart.Name }}-standin
data:
  chart: {{ .Chart.Name }}
`,
  );
  for (const [file, text] of Object.entries(templates)) writeFileSync(join(chart, 'templates', file), text);
  const out = join(dir, 'out');
  const result = await helm(['package', chart, '--destination', out]);
  if (result.exitCode !== 0) throw new Error(`helm package of the ${name} stand-in failed: ${result.stderr}`);
  return join(out, readdirSync(out)[0] as string);
}
