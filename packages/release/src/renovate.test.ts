import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Component, readPackageInfo } from '@idstack/core';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allComponents, PACKAGES_DIR, REPO_ROOT } from './test-support/fixtures.js';

/** Renovate 39 (the last line that runs on Node 20), a devDependency of this package. */
const renovateBin = (name: string) =>
  join(dirname(createRequire(import.meta.url).resolve('renovate/package.json')), 'dist', `${name}.js`);

let components: Component[];
let work: string;

beforeAll(async () => {
  components = await allComponents();
  work = mkdtempSync(join(tmpdir(), 'idstack-renovate-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

// Renovate starts slowly (a large CLI, seconds idle, a minute on a busy 2-core machine).
describe('renovate.json', { timeout: 300_000 }, () => {
  it("passes Renovate's own config validator (strict), which does reject a broken config", async () => {
    const ok = await execa(
      process.execPath,
      [renovateBin('config-validator'), '--strict', join(REPO_ROOT, 'renovate.json')],
      {
        reject: false,
        all: true,
      },
    );
    expect(ok.exitCode, ok.all).toBe(0);
    const broken = JSON.parse(readFileSync(join(REPO_ROOT, 'renovate.json'), 'utf8'));
    broken.customManagers[0].matchStrings = ['(?<depName>unclosed'];
    writeFileSync(join(work, 'broken.json'), JSON.stringify(broken));
    const bad = await execa(
      process.execPath,
      [renovateBin('config-validator'), '--strict', join(work, 'broken.json')],
      {
        reject: false,
        all: true,
      },
    );
    expect(bad.exitCode, bad.all).not.toBe(0);
  });

  it('makes Renovate itself find every pinned upstream chart where the components declare it', async () => {
    // A git copy of the component sources and renovate.json; Renovate extracts (no lookups, no network).
    const repo = join(work, 'repo');
    cpSync(join(REPO_ROOT, 'renovate.json'), join(repo, 'renovate.json'), { recursive: true });
    for (const dir of readdirSync(PACKAGES_DIR))
      cpSync(join(PACKAGES_DIR, dir, 'src'), join(repo, 'packages', dir, 'src'), {
        recursive: true,
        filter: (src) => !src.endsWith('.test.ts') && !src.includes('test-support'),
      });
    const git = (...args: string[]) => execa('git', args, { cwd: repo });
    await git('init', '-q');
    await git('add', '-A');
    await git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'sources');
    const run = await execa(
      process.execPath,
      [renovateBin('renovate'), '--platform=local', '--dry-run=extract', '--onboarding=false'],
      {
        cwd: repo,
        reject: false,
        all: true,
        env: {
          LOG_LEVEL: 'info',
          LOG_FORMAT: 'json',
          RENOVATE_CONFIG_FILE: join(repo, 'renovate.json'),
          RENOVATE_BASE_DIR: join(work, 'base'),
        },
      },
    );
    expect(run.exitCode, run.all).toBe(0);
    const found = new Set<string>();
    for (const line of `${run.all}`.split('\n')) {
      if (!line.includes('"packageFiles"')) continue;
      const { packageFiles } = JSON.parse(line) as {
        packageFiles: Record<
          string,
          { deps: { depName: string; currentValue: string; registryUrls?: string[] }[] }[]
        >;
      };
      for (const files of Object.values(packageFiles))
        for (const file of files)
          for (const d of file.deps)
            found.add(`${d.depName}@${d.currentValue} ${d.registryUrls?.[0]?.replace(/\/+$/, '')}`);
    }
    const declared = components.flatMap((c) =>
      c.charts.map((d) => ({
        key: `${d.name}@${d.version} ${d.repository.replace(/\/+$/, '')}`,
        where: readPackageInfo(c.packageDir).packageName,
      })),
    );
    const missing = declared.filter((d) => !found.has(d.key));
    expect(
      missing.map((m) => `${m.where}: ${m.key}`),
      "Renovate cannot see these pins: declare each chart as a literal { name: '...', repository: '...', version: '...' }",
    ).toEqual([]);
  });
});
