import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Component,
  helm,
  MANAGED_OUTPUTS,
  renderStack,
  validateStack,
  writeOutputs,
} from '@idstack/core';
import type { PinnedChart } from '../upstream.js';

/**
 * TEST FIXTURE: a test file's temp folders, `<tmpdir>/<prefix>XXXXXX` each; `removeAll` (in afterAll) deletes every one
 * it made.
 */
export function tempFolders(prefix: string): { readonly make: () => string; readonly removeAll: () => void } {
  const made: string[] = [];
  return {
    make: () => {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      made.push(dir);
      return dir;
    },
    removeAll: () => {
      for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const PACKAGES_DIR = fileURLToPath(new URL('../../../', import.meta.url));
export const REPO_ROOT = join(PACKAGES_DIR, '..');

/**
 * Every component package of the workspace (a package whose default export declares `charts` and `packageDir`),
 * found by scanning packages/: the same set the CLI registers, and any new one without editing this list.
 */
export async function allComponents(): Promise<Component[]> {
  const found: Component[] = [];
  for (const dir of readdirSync(PACKAGES_DIR).sort()) {
    if (['core', 'cli', 'release'].includes(dir)) continue;
    const entry = join(PACKAGES_DIR, dir, 'src', 'index.ts');
    if (!existsSync(entry)) continue;
    const mod = (await import(entry)) as { default?: Partial<Component> };
    if (mod.default?.charts && mod.default.packageDir) found.push(mod.default as Component);
  }
  // Every package with a chart/ folder is a component: a discovery that misses one (or finds none) must not let
  // the tests that loop over components pass vacuously.
  const expected = readdirSync(PACKAGES_DIR)
    .filter((dir) => existsSync(join(PACKAGES_DIR, dir, 'chart')))
    .sort();
  const names = found.map((c) => basename(c.packageDir)).sort();
  if (expected.length < 7 || names.join() !== expected.join())
    throw new Error(`component discovery found [${names.join(', ')}], expected [${expected.join(', ')}]`);
  return found;
}

/** Renders a stack.yaml object with `components` into a fresh temp folder, as `idstack build` would. */
export function renderInto(components: readonly Component[], config: unknown, dir?: string) {
  const stack = validateStack(config, components);
  const { plan, files } = renderStack(components, stack);
  const root = dir ?? mkdtempSync(join(tmpdir(), 'idstack-release-render-'));
  writeOutputs(root, files, MANAGED_OUTPUTS);
  return { root, plan, files };
}

/**
 * TEST FIXTURE: a stand-in for an upstream chart (minimal Chart.yaml and one ConfigMap template), packaged into
 * `dir`. Only the release mechanics are under test, never the upstream chart's content.
 */
export async function standInChart(
  chart: Pick<PinnedChart, 'name' | 'version'>,
  dir: string,
): Promise<string> {
  const src = join(mkdtempSync(join(tmpdir(), 'idstack-fixture-')), chart.name);
  mkdirSync(join(src, 'templates'), { recursive: true });
  writeFileSync(
    join(src, 'Chart.yaml'),
    `apiVersion: v2\nname: ${chart.name}\nversion: ${chart.version}\ndescription: TEST FIXTURE standing in for the upstream ${chart.name} chart\n`,
  );
  writeFileSync(
    join(src, 'templates', 'fixture.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Chart.Name }}-fixture\n  labels:\n    idstack.dev/test-fixture: "true"\n',
  );
  const result = await helm(['package', src, '--destination', dir]);
  rmSync(join(src, '..'), { recursive: true, force: true });
  if (result.exitCode !== 0) throw new Error(`packaging the ${chart.name} fixture failed: ${result.stderr}`);
  return join(dir, `${chart.name}-${chart.version}.tgz`);
}

/**
 * A static file server on loopback: a Helm repository (index.yaml + packages) as GitHub Pages would serve it. With
 * `hold`, every request waits for the promise it returns before being answered (a source that answers late).
 */
export async function startStaticServer(
  root: string,
  hold?: () => Promise<void>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    if (hold) await hold();
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    if (!path.startsWith(root) || !existsSync(path) || !statSync(path).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200);
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}
