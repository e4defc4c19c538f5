import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { addRepositories } from './helm-repo.js';
import { standInRepository } from './test-support/charts.js';
import { startStaticServer, tempFolders } from './test-support/fixtures.js';

let web: { url: string; stop(): Promise<void> };
let root: string;
const temps = tempFolders('idstack-helm-repo-test-');
const temp = temps.make;

beforeAll(async () => {
  root = temp();
  web = await startStaticServer(root);
  await standInRepository(join(root, 'one'), `${web.url}/one`, [['alpha', '1.0.0']]);
  await standInRepository(join(root, 'two'), `${web.url}/two`, [['beta', '1.0.0']]);
}, 60_000);

afterAll(async () => {
  await web?.stop();
  temps.removeAll();
});

describe('addRepositories', () => {
  it('adds each http(s) repository once, under a plain name of its own (helm prints it in its messages)', async () => {
    const config = temp();
    const one = `${web.url}/one`;
    const two = `${web.url}/two`;
    await addRepositories([one, 'oci://127.0.0.1:1/charts', two, one], config);
    const { repositories } = parse(readFileSync(join(config, 'repositories.yaml'), 'utf8')) as {
      repositories: { name: string; url: string }[];
    };
    expect(repositories.map((r) => r.url)).toEqual([one, two]);
    for (const { name } of repositories) expect(name).toMatch(/^idstack-[0-9a-f]+$/);
    expect(new Set(repositories.map((r) => r.name)).size).toBe(2);
  });
});
