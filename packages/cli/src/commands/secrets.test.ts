import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run, tempRoot } from '../test-support.js';

/**
 * `--create` talks to a cluster, and there is none here: a stand-in kubectl records what it is asked (argv and
 * stdin) and answers like an API server that has no Secrets yet.
 */
function fakeKubectl(dir: string): string {
  const script = join(dir, 'kubectl');
  writeFileSync(
    script,
    `#!/bin/sh
echo "ARGS $*" >> "${dir}/calls"
if [ "$1" = "apply" ]; then cat >> "${dir}/calls"; echo >> "${dir}/calls"; exit 0; fi
exit 1
`,
  );
  chmodSync(script, 0o755);
  return script;
}

describe('idstack secrets --create', () => {
  afterEach(() => {
    delete process.env.IDSTACK_KUBECTL;
  });

  it('creates each missing random Secret with its namespace, values only through stdin', async () => {
    const root = tempRoot('');
    process.env.IDSTACK_KUBECTL = fakeKubectl(root);
    const { code, out, err } = await run(['secrets', '--root', root, '--create']);
    expect(code, err).toBe(0);
    expect(out).toContain('created argocd/argocd-redis');
    expect(out).toContain('skip cloudflared/cloudflared-credentials: it needs values only you have');
    const calls = readFileSync(join(root, 'calls'), 'utf8');
    for (const line of calls.split('\n').filter((l) => l.startsWith('ARGS'))) {
      expect(line).not.toMatch(/[0-9a-f]{64}|--from-literal/);
    }
    const applied = calls
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map(
        (l) =>
          JSON.parse(l) as {
            items: { kind: string; metadata: { name: string }; stringData?: Record<string, string> }[];
          },
      );
    const redis = applied.find((l) => l.items[1]?.metadata.name === 'argocd-redis');
    expect(redis?.items[0]).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } });
    expect(redis?.items[1]?.stringData?.auth).toMatch(/^[0-9a-f]{64}$/);
    const netbird = applied.find((l) => l.items[1]?.metadata.name === 'netbird-management');
    expect(Buffer.from(netbird?.items[1]?.stringData?.datastoreEncryptionKey ?? '', 'base64')).toHaveLength(
      32,
    );
  });

  it("lists and creates Argo CD's client Secret with the label Argo CD needs to read it (confidential client)", async () => {
    const root = tempRoot('components:\n  argocd:\n    sso:\n      clientType: confidential\n');
    const text = await run(['secrets', '--root', root]);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toContain(
      'kubectl -n argocd create secret generic argocd-authentik --from-literal=clientSecret=',
    );
    expect(text.out).toContain(
      'kubectl -n argocd label secret argocd-authentik app.kubernetes.io/part-of=argocd\n',
    );
    process.env.IDSTACK_KUBECTL = fakeKubectl(root);
    const created = await run(['secrets', '--root', root, '--create']);
    expect(created.code, created.err).toBe(0);
    const applied = readFileSync(join(root, 'calls'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map(
        (l) => JSON.parse(l) as { items: { metadata: { name: string; labels?: Record<string, string> } }[] },
      )
      .find((l) => l.items[1]?.metadata.name === 'argocd-authentik');
    expect(applied?.items[1]?.metadata.labels).toEqual({
      'app.kubernetes.io/part-of': 'argocd',
      'app.kubernetes.io/managed-by': 'idstack-secrets',
    });
    // The default (public) client has no secret at all.
    const listed = JSON.parse((await run(['secrets', '--root', tempRoot(''), '--json'])).out) as {
      name: string;
    }[];
    expect(listed.map((s) => s.name)).not.toContain('argocd-authentik');
  });

  it('fails with exit 1 when the cluster refuses', async () => {
    const root = tempRoot('');
    const script = join(root, 'kubectl');
    writeFileSync(script, '#!/bin/sh\necho "connection refused" >&2\nexit 1\n');
    chmodSync(script, 0o755);
    process.env.IDSTACK_KUBECTL = script;
    const { code, err } = await run(['secrets', '--root', root, '--create']);
    expect(code).toBe(1);
    expect(err).toMatch(/could not create \w+\/[\w-]+: connection refused/);
  });
});
