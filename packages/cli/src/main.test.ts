import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { renderJsonSchema } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { components } from './components.js';
import { run, snapshot, tempRoot } from './test-support.js';

const repoRoot = new URL('../../..', import.meta.url).pathname;

describe('idstack CLI', () => {
  it('prints help with exit 0, and refuses bad usage with exit 2', async () => {
    expect((await run(['--help'])).code).toBe(0);
    expect((await run([])).code).toBe(2);
    const unknown = await run(['deploy']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown command "deploy"');
    expect((await run(['build', '--colour'])).code).toBe(2);
  });

  it('builds a complete stack from built-in defaults when there is no stack.yaml', async () => {
    const root = tempRoot();
    const result = await run(['build', '--root', root]);
    expect(result.code, result.err).toBe(0);
    for (const c of components) {
      expect(existsSync(join(root, 'charts', c.name, 'Chart.yaml')), c.name).toBe(true);
      expect(existsSync(join(root, 'cluster', 'apps', `${c.name}.yaml`)), c.name).toBe(true);
    }
    expect(existsSync(join(root, 'cluster', 'root.yaml'))).toBe(true);
  });

  it('rejects a bad stack.yaml with exit 2, naming the key, and changes nothing on disk', async () => {
    const root = tempRoot('domain: lab.example.org\n');
    expect((await run(['build', '--root', root])).code).toBe(0);
    const before = snapshot(root);
    writeFileSync(
      join(root, 'stack.yaml'),
      'domain: homelab.lan\nspiffe:\n  trustDomain: spiffe://homelab.internal\n',
    );
    const after = snapshot(root);
    delete before['stack.yaml'];
    delete after['stack.yaml'];
    for (const command of ['build', 'check']) {
      const result = await run([command, '--root', root]);
      expect(result.code).toBe(2);
      expect(result.err).toContain('domain: "homelab.lan" ends in ".lan"');
      expect(result.err).toContain('spiffe.trustDomain: "spiffe://homelab.internal" is a URL');
    }
    const final = snapshot(root);
    delete final['stack.yaml'];
    expect(final).toEqual(after);
    expect(after).toEqual(before);
  });

  it("removes a component's chart and Application when it is disabled", async () => {
    const root = tempRoot('');
    expect((await run(['build', '--root', root])).code).toBe(0);
    expect(existsSync(join(root, 'charts', 'cloudflared'))).toBe(true);
    writeFileSync(join(root, 'stack.yaml'), 'components:\n  cloudflared:\n    enabled: false\n');
    expect((await run(['build', '--root', root])).code).toBe(0);
    expect(existsSync(join(root, 'charts', 'cloudflared'))).toBe(false);
    expect(existsSync(join(root, 'cluster', 'apps', 'cloudflared.yaml'))).toBe(false);
    expect(readFileSync(join(root, 'cluster', 'README.md'), 'utf8')).not.toContain('cloudflared');
  });

  it('fails the build when a tier order is violated through stack.yaml needs (cycle)', async () => {
    const root = tempRoot('components:\n  argocd:\n    needs: [netbird]\n');
    const result = await run(['build', '--root', root]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/needs form a cycle: .*argocd/);
    expect(existsSync(join(root, 'charts'))).toBe(false);
  });
});

describe('bad input on the command line', () => {
  it('names the config file as the user wrote it, also for problems found after parsing', async () => {
    const root = tempRoot();
    const other = relative(process.cwd(), join(repoRoot, 'examples/invalid/email-mailto.yaml'));
    const parsed = await run(['build', '--root', root, '--config', other]);
    expect(parsed.code).toBe(2);
    expect(parsed.err.split('\n')[0]).toBe(`idstack build: ${other} is invalid:`);
    const planned = relative(process.cwd(), join(repoRoot, 'examples/invalid/protect-disabled-ui.yaml'));
    const late = await run(['build', '--root', root, '--config', planned]);
    expect(late.code).toBe(2);
    expect(late.err.split('\n')[0]).toBe(`idstack build: ${planned} is invalid:`);
    expect(existsSync(join(root, 'charts'))).toBe(false);
  });

  it('refuses a --config that does not exist (only the default stack.yaml may be missing)', async () => {
    const root = tempRoot();
    const result = await run(['build', '--root', root, '--config', join(root, 'nope.yaml')]);
    expect(result.code).toBe(2);
    expect(result.err).toBe(`idstack build: --config ${join(root, 'nope.yaml')}: no such file\n`);
    expect(existsSync(join(root, 'charts'))).toBe(false);
  });

  it('refuses build --out naming a regular file, and leaves it alone', async () => {
    const root = tempRoot();
    const file = join(root, 'out.txt');
    writeFileSync(file, 'keep me');
    const result = await run(['build', '--root', root, '--out', file]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`--out: ${file} is a file, not a directory`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('answers an unexpected failure with exit 3 and one line, never a stack trace', async () => {
    const root = tempRoot();
    writeFileSync(join(root, 'file'), '');
    const result = await run(['build', '--root', root, '--out', join(root, 'file', 'below')]);
    expect(result.code).toBe(3);
    expect(result.err).toMatch(/^idstack build: unexpected error: ENOTDIR: not a directory.*\n$/);
    expect(result.err.split('\n')).toHaveLength(2);
  });
});

describe('stack.schema.json', () => {
  it('is committed exactly as generated from the zod schema (run `pnpm build` when this fails)', () => {
    expect(readFileSync(join(repoRoot, 'stack.schema.json'), 'utf8')).toBe(renderJsonSchema(components));
  });

  it('is what stack.yaml points editors at', () => {
    expect(readFileSync(join(repoRoot, 'stack.yaml'), 'utf8')).toMatch(
      /^# yaml-language-server: \$schema=\.\/stack\.schema\.json$/m,
    );
  });
});

describe('idstack secrets', () => {
  it('lists every Secret the stack expects, with the command that creates it, and never a value', async () => {
    const root = tempRoot('');
    const listed = await run(['secrets', '--root', root, '--json']);
    expect(listed.code, listed.err).toBe(0);
    const secrets = JSON.parse(listed.out) as { component: string; name: string; namespace: string }[];
    expect(secrets.map((s) => `${s.namespace}/${s.name}`)).toEqual(
      expect.arrayContaining([
        'argocd/argocd-redis',
        'authentik/authentik-secret-key',
        'cloudflared/cloudflared-credentials',
      ]),
    );
    const text = await run(['secrets', '--root', root]);
    expect(text.out).toContain('kubectl -n authentik create secret generic authentik-secret-key');
    // A key that must be base64 is generated as base64, never hex.
    expect(text.out).toMatch(/datastoreEncryptionKey="\$\(openssl rand -base64 32\)"/);
    expect(text.out).not.toMatch(/--from-literal=\w+=[A-Za-z0-9+/=]{20,}/);
  });

  it('drops the Secrets of a disabled component', async () => {
    const root = tempRoot('components:\n  cloudflared:\n    enabled: false\n');
    const listed = JSON.parse((await run(['secrets', '--root', root, '--json'])).out) as {
      component: string;
    }[];
    expect(listed.some((s) => s.component === 'cloudflared')).toBe(false);
  });
});

describe('switching components off', () => {
  // Each component alone disabled: either the stack still builds, or the build names the switch that breaks it.
  it.each([
    ['argocd', '', undefined],
    // authentik-db's default protect ([hubble]) follows the config: no Hubble UI, nothing to protect.
    ['cilium-tetragon', '', undefined],
    [
      'cilium-tetragon',
      '  authentik-db:\n    protect: [hubble]\n',
      'components.authentik-db.protect[0]: "hubble" is served by the cilium-tetragon component',
    ],
    ['ingress', '', 'components.ingress.enabled: authentik-db cannot work without ingress'],
    ['spire', '', undefined],
    ['authentik-db', '', 'components.authentik-db.enabled: netbird cannot work without authentik-db'],
    ['authentik-db', '  netbird:\n    enabled: false\n', undefined],
    ['netbird', '', undefined],
    ['cloudflared', '', undefined],
  ])('%s off (%j)', async (name, extra, error) => {
    const root = tempRoot(`components:\n  ${name}:\n    enabled: false\n${extra}`);
    const result = await run(['build', '--root', root]);
    if (error) {
      expect(result.code).toBe(2);
      expect(result.err).toContain(error);
    } else {
      expect(result.code, result.err).toBe(0);
      expect(existsSync(join(root, 'charts', name))).toBe(false);
    }
  });
});
