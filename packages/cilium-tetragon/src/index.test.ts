import { checkRendered, needsPinned, PINNED_UPSTREAM, pinnedChart } from '@idstack/check/testing';
import { ConfigError } from '@idstack/core';
import { renderComponent } from '@idstack/core/testing';
import { describe, expect, it } from 'vitest';
import { TALOS_AGENT_CAPABILITIES, TALOS_CLEAN_STATE_CAPABILITIES } from './cilium.js';
import ciliumTetragon, { hubbleUi } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML
type Any = any;

// Read only when the pinned data is there (the tests using it skip without it).
const ciliumUpstream = (PINNED_UPSTREAM ? pinnedChart('cilium', '1.20.0').values : {}) as Any;

const render = (component: Record<string, unknown> = {}) =>
  renderComponent(ciliumTetragon, { components: { 'cilium-tetragon': component } });

/** The ConfigError problems a config raises (fails the test when it renders). */
function problemsOf(component: Record<string, unknown>): { path: string; message: string }[] {
  try {
    render(component);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error(`rendered without error: ${JSON.stringify(component)}`);
}

const k3s = render();
const talos = render({ distribution: 'talos', ipam: 'cluster-pool', kubeProxyReplacement: false });
const cilium = (r: typeof k3s) => r.values.cilium as Any;

describe('cilium values', () => {
  it('sets an explicit API endpoint, never auto (k3s: 127.0.0.1:6443, Talos: KubePrism localhost:7445)', () => {
    expect(cilium(k3s)).toMatchObject({ k8sServiceHost: '127.0.0.1', k8sServicePort: 6443 });
    expect(cilium(talos)).toMatchObject({ k8sServiceHost: 'localhost', k8sServicePort: 7445 });
    const custom = render({ k8sServiceHost: '192.168.1.10', k8sServicePort: 6444 });
    expect(cilium(custom)).toMatchObject({ k8sServiceHost: '192.168.1.10', k8sServicePort: 6444 });
  });

  it('keeps Hubble certificates stable between renders (cronJob, never helm) with relay and UI, no Ingress', () => {
    for (const r of [k3s, talos]) {
      const hubble = cilium(r).hubble;
      expect(hubble.tls.enabled).toBe(true);
      expect(hubble.tls.auto).toEqual({ enabled: true, method: 'cronJob' });
      expect(hubble.tls.auto.method).not.toBe('helm');
      expect(hubble.relay.enabled).toBe(true);
      expect(hubble.ui.enabled).toBe(true);
      expect(hubble.ui.ingress.enabled).toBe(false);
    }
  });

  it('switches kube-proxy replacement and IPAM from the options', () => {
    expect(cilium(k3s).kubeProxyReplacement).toBe('true');
    expect(cilium(k3s).ipam).toEqual({ mode: 'kubernetes' });
    expect(cilium(talos).kubeProxyReplacement).toBe('false');
    expect(cilium(talos).ipam).toEqual({
      mode: 'cluster-pool',
      operator: { clusterPoolIPv4PodCIDRList: ['10.42.0.0/16'] },
    });
    expect(cilium(k3s).operator.replicas).toBe(1);
  });

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned(
      'on Talos drops exactly SYS_MODULE from the upstream capabilities and uses the Talos cgroup2 mount',
    ),
    () => {
      const caps = ciliumUpstream.securityContext.capabilities;
      const withoutModule = (list: string[]) => list.filter((c) => c !== 'SYS_MODULE');
      expect([...TALOS_AGENT_CAPABILITIES]).toEqual(withoutModule(caps.ciliumAgent));
      expect([...TALOS_CLEAN_STATE_CAPABILITIES]).toEqual(withoutModule(caps.cleanCiliumState));
      expect(cilium(talos).securityContext.capabilities).toEqual({
        ciliumAgent: [...TALOS_AGENT_CAPABILITIES],
        cleanCiliumState: [...TALOS_CLEAN_STATE_CAPABILITIES],
      });
      expect(cilium(talos).cgroup).toEqual({ autoMount: { enabled: false }, hostRoot: '/sys/fs/cgroup' });
      expect(cilium(k3s).securityContext).toBeUndefined();
      expect(cilium(k3s).cgroup).toBeUndefined();
    },
  );

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned(
      'passes idstack check (upstream keys and values schema, CRDs, sync order, drift traps, secrets, helm lint)',
    ),
    async () => {
      const configs = [k3s, talos, render({ distribution: 'generic', shellPolicy: { mode: 'audit' } })];
      const findings = await Promise.all(configs.map((r) => checkRendered(r)));
      expect(findings).toEqual([[], [], []]);
    },
  );

  it.skipIf(!PINNED_UPSTREAM)(
    needsPinned('the check catches a key upstream does not have (so the check above can fail)'),
    async () => {
      const bad = render({
        values: {
          cilium: {
            hubble: { tls: { auto: { methd: 'cronJob' } } },
            // Free-form upstream maps take any key.
            podAnnotations: { anything: 'x' },
          },
        },
      });
      const findings = await checkRendered(bad, ['upstream-values']);
      expect(findings.map((f) => f.where)).toEqual([
        'charts/cilium-tetragon/values.yaml: cilium.hubble.tls.auto.methd',
      ]);
      expect(findings[0]?.fix).toBe('did you mean cilium.hubble.tls.auto.method?');
    },
  );

  it('exports the Hubble UI Service the cilium chart creates', () => {
    expect(hubbleUi).toEqual({ service: 'hubble-ui', namespace: k3s.planned.component.namespace, port: 80 });
  });
});

describe('tetragon values', () => {
  it('renders the CRDs with Helm, filters policies by pod, exports to stdout', () => {
    expect(k3s.values.tetragon).toEqual({
      crds: { installMethod: 'helm' },
      tetragon: { enablePolicyFilter: true },
      export: { mode: 'stdout' },
    });
  });
});

describe('the Argo CD Application', () => {
  it('adopts the bootstrap install: never prunes, no cascade finalizer, server-side apply for the big CRDs', () => {
    const app = k3s.application as Any;
    expect(app.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: true });
    expect(app.metadata.finalizers).toBeUndefined();
    expect(app.spec.syncPolicy.syncOptions).toContain('ServerSideApply=true');
    expect(app.spec.source.helm.releaseName).toBe('cilium-tetragon');
  });

  it('takes self-heal from the options', () => {
    const app = render({ selfHeal: false }).application as Any;
    expect(app.spec.syncPolicy.automated).toEqual({ prune: false, selfHeal: false });
  });

  it('syncs after argocd', () => {
    const wave = (name: string) => k3s.plan.components.find((p) => p.component.name === name)?.wave ?? -1;
    expect(wave('cilium-tetragon')).toBeGreaterThan(wave('argocd'));
  });
});

describe('README and manual steps', () => {
  const readme = k3s.files.get('charts/cilium-tetragon/README.md') ?? '';

  it('documents the k3s flags, the bootstrap install and the policy', () => {
    expect(readme).toContain(
      '--flannel-backend=none --disable-network-policy --disable-kube-proxy --disable=traefik',
    );
    expect(readme).toContain('`pnpm idstack bootstrap` installs it with helm before Argo CD exists');
    expect(ciliumTetragon.bootstrap).toEqual({
      order: 1,
      set: { 'shellPolicy.enabled': 'false', 'networkPolicies.enabled': 'false' },
    });
    expect(readme).toContain('block-shell-in-pods');
    expect(readme).toContain('components.cilium-tetragon.shellPolicy.mode: audit');
    expect(readme).toContain('idstack.dev/allow-shell: "true"');
  });

  it('drops --disable-kube-proxy without kube-proxy replacement, and gives Talos its patch', () => {
    const noKpr = render({ kubeProxyReplacement: false }).files.get('charts/cilium-tetragon/README.md') ?? '';
    expect(noKpr).toContain('--flannel-backend=none --disable-network-policy --disable=traefik');
    expect(noKpr).not.toContain('--disable-kube-proxy');
    const talosReadme = talos.files.get('charts/cilium-tetragon/README.md') ?? '';
    expect(talosReadme).toContain('cluster.network.cni.name: none');
    expect(talosReadme).toContain('localhost:7445');
  });
});

describe('bad options', () => {
  it('refuses an empty binary list', () => {
    expect(problemsOf({ shellPolicy: { binaries: [] } })).toEqual([
      expect.objectContaining({ path: 'components.cilium-tetragon.shellPolicy.binaries' }),
    ]);
  });

  it('refuses binaries that are not absolute file paths', () => {
    const problems = problemsOf({ shellPolicy: { binaries: ['bash', '/bin/*sh', '/usr/bin/'] } });
    expect(problems.map((p) => p.path)).toEqual([
      'components.cilium-tetragon.shellPolicy.binaries[0]',
      'components.cilium-tetragon.shellPolicy.binaries[1]',
      'components.cilium-tetragon.shellPolicy.binaries[2]',
    ]);
  });

  it('refuses a k8sServiceHost that is a URL, "auto" or carries a port', () => {
    for (const host of ['https://10.0.0.1:6443', 'auto', '10.0.0.1:6443']) {
      expect(problemsOf({ k8sServiceHost: host })).toEqual([
        expect.objectContaining({ path: 'components.cilium-tetragon.k8sServiceHost' }),
      ]);
    }
    expect(problemsOf({ k8sServiceHost: 'auto' })[0]?.message).toContain('helm template');
  });

  it('refuses an out-of-range port, a bad CIDR, a bad label key, unknown modes', () => {
    expect(problemsOf({ k8sServicePort: 70000 })[0]?.path).toBe('components.cilium-tetragon.k8sServicePort');
    expect(problemsOf({ clusterPoolCidr: '10.42.0.0' })[0]?.path).toBe(
      'components.cilium-tetragon.clusterPoolCidr',
    );
    expect(problemsOf({ shellPolicy: { optOutLabel: 'not a label' } })[0]?.path).toBe(
      'components.cilium-tetragon.shellPolicy.optOutLabel',
    );
    expect(problemsOf({ shellPolicy: { mode: 'kill' } })[0]?.path).toBe(
      'components.cilium-tetragon.shellPolicy.mode',
    );
    expect(problemsOf({ distribution: 'rke2' })[0]?.path).toBe('components.cilium-tetragon.distribution');
  });

  it('refuses scope namespaced without namespaces, or with a spared one', () => {
    expect(problemsOf({ shellPolicy: { scope: 'namespaced' } })).toEqual([
      expect.objectContaining({ path: 'components.cilium-tetragon.shellPolicy.namespaces' }),
    ]);
    expect(problemsOf({ shellPolicy: { scope: 'namespaced', namespaces: ['apps', 'argocd'] } })).toEqual([
      {
        path: 'components.cilium-tetragon.shellPolicy.namespaces',
        message: expect.stringContaining('argocd'),
      },
    ]);
  });
});

describe('determinism', () => {
  it('renders byte-identical output twice', () => {
    expect([...render().files]).toEqual([...k3s.files]);
    expect([
      ...render({ distribution: 'talos', ipam: 'cluster-pool', kubeProxyReplacement: false }).files,
    ]).toEqual([...talos.files]);
  });
});
