import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { toYaml, type Values } from '@idstack/core';
import { execa } from 'execa';
import { afterAll } from 'vitest';

/** One Application of a hand-made output tree: its chart's templates (real helm renders them) and its settings. */
export interface AppSpec {
  /** Template files by name (`templates/<name>`), Helm syntax. */
  readonly templates: Readonly<Record<string, string>>;
  /** @default "0" */
  readonly wave?: string;
  /** @default the app's name */
  readonly namespace?: string;
  readonly ignoreDifferences?: readonly Values[];
  /** values.yaml */
  readonly values?: Values;
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed after the test file. */
export function tempDir(prefix = 'idstack-diff-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** The files of an output tree (`charts/<app>/...`, `cluster/apps/<app>.yaml`) as `idstack build` lays them out. */
export function treeFiles(apps: Readonly<Record<string, AppSpec>>): Map<string, string> {
  const files = new Map<string, string>();
  for (const [name, app] of Object.entries(apps)) {
    files.set(
      `cluster/apps/${name}.yaml`,
      toYaml({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        metadata: {
          name,
          namespace: 'argocd',
          annotations: { 'argocd.argoproj.io/sync-wave': app.wave ?? '0' },
        },
        spec: {
          project: 'idstack',
          source: {
            repoURL: 'https://example.com/repo.git',
            targetRevision: 'main',
            path: `charts/${name}`,
            helm: { releaseName: name },
          },
          destination: { server: 'https://kubernetes.default.svc', namespace: app.namespace ?? name },
          ...(app.ignoreDifferences ? { ignoreDifferences: app.ignoreDifferences } : {}),
        },
      }),
    );
    files.set(`charts/${name}/Chart.yaml`, toYaml({ apiVersion: 'v2', name, version: '1.0.0' }));
    files.set(`charts/${name}/values.yaml`, toYaml(app.values ?? {}));
    for (const [file, text] of Object.entries(app.templates))
      files.set(`charts/${name}/templates/${file}`, text);
  }
  return files;
}

/** Writes files under `root`. */
export function writeFiles(root: string, files: ReadonlyMap<string, string>): string {
  for (const [path, content] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** An output tree on disk. */
export function tree(apps: Readonly<Record<string, AppSpec>>): string {
  return writeFiles(tempDir(), treeFiles(apps));
}

/** Runs git in `cwd` (no user config: a fixed identity). */
export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execa(
    'git',
    [
      '-c',
      'user.name=idstack test',
      '-c',
      'user.email=test@example.com',
      '-c',
      'init.defaultBranch=main',
      ...args,
    ],
    { cwd },
  );
  return stdout.trim();
}

/** A git repository whose first commit holds `files`. */
export async function repository(files: ReadonlyMap<string, string>): Promise<string> {
  const root = tempDir('idstack-diff-repo-');
  writeFiles(root, files);
  await git(root, 'init', '--quiet');
  await git(root, 'add', '-A');
  await git(root, 'commit', '--quiet', '-m', 'base');
  return root;
}

/** A ConfigMap template. */
export const configMap = (name: string, data: Readonly<Record<string, string>>) =>
  toYaml({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
