import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run, tempRoot } from '../test-support.js';

describe('idstack bootstrap', () => {
  afterEach(() => {
    delete process.env.IDSTACK_HELM;
  });

  it('installs the CNI, then Argo CD, from the committed charts, then applies the root app (dry run)', async () => {
    const root = tempRoot('');
    expect((await run(['build', '--root', root])).code).toBe(0);
    const { code, out } = await run(['bootstrap', '--root', root, '--dry-run']);
    expect(code).toBe(0);
    const commands = out.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(commands).toEqual([
      `helm dependency build ${join(root, 'charts/cilium-tetragon')}`,
      `helm upgrade --install cilium-tetragon ${join(root, 'charts/cilium-tetragon')} --namespace kube-system --create-namespace --set shellPolicy.enabled=false --wait --timeout 10m`,
      `helm dependency build ${join(root, 'charts/argocd')}`,
      `helm upgrade --install argocd ${join(root, 'charts/argocd')} --namespace argocd --create-namespace --wait --timeout 10m`,
      `kubectl apply --server-side -f ${join(root, 'cluster/root.yaml')}`,
    ]);
  });

  it('skips a disabled bootstrap component', async () => {
    // (authentik-db protects Hubble UI by default, which needs cilium-tetragon)
    const root = tempRoot(
      'components:\n  cilium-tetragon:\n    enabled: false\n  authentik-db:\n    protect: []\n',
    );
    const { code, out, err } = await run(['bootstrap', '--root', root, '--dry-run']);
    expect(code, err).toBe(0);
    expect(out).not.toContain('cilium-tetragon');
    expect(out).toContain('upgrade --install argocd');
  });

  it('stops at the first failing command with exit 1 and says nothing after it ran', async () => {
    process.env.IDSTACK_HELM = '/bin/false';
    const root = tempRoot('');
    expect((await run(['build', '--root', root])).code).toBe(0);
    const { code, out, err } = await run(['bootstrap', '--root', root]);
    expect(code).toBe(1);
    expect(err).toContain(
      `helm dependency build ${join(root, 'charts/cilium-tetragon')}\` failed (exit 1); nothing after it ran`,
    );
    expect(out).not.toContain('upgrade --install');
  });
});
