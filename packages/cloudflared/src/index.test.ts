import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, helm } from '@idstack/core';
import { type RenderedComponent, renderComponent, renderOwnTemplates } from '@idstack/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import cloudflared, { CLOUDFLARED_VERSION, tokenSecret } from './index.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML
type Any = any;

const TUNNEL_ID = '6ff42ae2-765d-4adf-8112-31c55c1551ef';
/** The generated CiliumNetworkPolicies of the cloudflared namespace (its own templates render nothing else). */
const NETWORK_POLICIES = ['idstack-default-deny', 'ingress-acme-http01-solver', 'cloudflared-cloudflared'];
const base = {
  domain: 'lab.example.org',
  acme: { environment: 'production' },
  components: { cloudflared: { tunnelName: 'homelab', tunnelId: TUNNEL_ID } },
};
const withMode = (extra: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  ...base,
  ...top,
  components: {
    ...base.components,
    ...(top.components as object),
    cloudflared: { ...base.components.cloudflared, ...extra },
  },
});
/** cloudflared and what it needs (Argo CD: the one management host here); the whole stack is tested in the CLI. */
const render = (config: unknown): RenderedComponent => renderComponent(cloudflared, config);

/** The problems a bad config raises (renderComponent validates like the real stack.yaml). */
function problems(config: unknown): { path: string; message: string }[] {
  try {
    render(config);
  } catch (e) {
    if (e instanceof ConfigError) return [...e.problems];
    throw e;
  }
  throw new Error('the config was accepted');
}

/**
 * Renders the umbrella with real helm, the upstream charts replaced by two stub charts of the same names and
 * versions (they cannot be downloaded here) that only echo the values they receive: which dependency Helm enables
 * for each condition, and what reaches it.
 */
async function renderWithStubDependencies(rendered: RenderedComponent): Promise<Any[]> {
  const root = mkdtempSync(join(tmpdir(), 'idstack-cloudflared-deps-'));
  try {
    const chart = join(root, 'cloudflared');
    cpSync(join(rendered.dir, 'charts', 'cloudflared'), chart, { recursive: true });
    for (const dep of cloudflared.charts) {
      const dir = join(chart, 'charts', dep.name);
      mkdirSync(join(dir, 'templates'), { recursive: true });
      writeFileSync(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: ${dep.name}\nversion: ${dep.version}\n`);
      writeFileSync(
        join(dir, 'templates', 'echo.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: echo-{{ .Chart.Name }}\ndata:\n  values: {{ toJson .Values | quote }}\n',
      );
    }
    const out = await helm(['template', 'cloudflared', chart, '--namespace', 'cloudflared']);
    if (out.exitCode !== 0) throw new Error(`helm template failed:\n${out.stderr}`);
    return parseAllDocuments(String(out.stdout))
      .map((d) => d.toJS())
      .filter(Boolean);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('cloudflared, locally managed tunnel (default)', () => {
  let rendered: RenderedComponent;
  let tunnel: Any;
  let rules: Any[];
  beforeAll(() => {
    rendered = render(base);
    tunnel = rendered.values['cloudflare-tunnel'];
    rules = tunnel.cloudflare.ingress;
  });

  it('routes the management UIs that exist (here Argo CD: the others come with their components)', () => {
    expect(rules.map((r) => r.hostname)).toEqual(['argocd.lab.example.org']);
    expect(rendered.planned.carries).toEqual(['argocd.lab.example.org']);
  });

  it('sends every rule to Traefik over HTTPS with http2Origin and the rule host as SNI', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule.service).toBe('https://traefik.ingress.svc.cluster.local:443');
      expect(rule.originRequest.http2Origin).toBe(true);
      expect(rule.originRequest.originServerName).toBe(rule.hostname);
    }
  });

  it('ends in the 404 catch-all: no catch-all of ours, since the chart appends `- service: http_status:404` last', () => {
    // cloudflared refuses a catch-all rule (no hostname, no path) that is not the last one, so a catch-all in the
    // values would stop the tunnel; every rule here is host-specific and the chart's own 404 rule closes the list.
    for (const rule of rules) expect(rule.hostname).toMatch(/\./);
    expect(rules.some((r) => String(r.service).startsWith('http_status:'))).toBe(false);
  });

  it('verifies Traefik certificates only when asked to', () => {
    expect(rules.every((r) => r.originRequest.noTLSVerify === true)).toBe(true);
    const verified = render(withMode({ verifyOriginTLS: true })).values['cloudflare-tunnel'] as Any;
    // Each host's ACME challenge path first, unverified (no certificate exists before it passes), then the host.
    expect(
      verified.cloudflare.ingress.map((r: Any) => [r.hostname, r.path, r.originRequest.noTLSVerify]),
    ).toEqual([
      ['argocd.lab.example.org', '^/\\.well-known/acme-challenge/', true],
      ['argocd.lab.example.org', undefined, false],
    ]);
  });

  it('names the tunnel and takes its credentials from an existing Secret, never a literal', () => {
    expect(tunnel.cloudflare).toMatchObject({
      tunnelName: 'homelab',
      tunnelId: TUNNEL_ID,
      secretName: 'cloudflared-credentials',
    });
    // The chart renders its own credentials Secret only from account + tunnelId + secret: none of those is set.
    expect(tunnel.cloudflare.account).toBeUndefined();
    expect(tunnel.cloudflare.secret).toBeUndefined();
    const secrets = rendered.planned.secrets;
    expect(secrets).toEqual([
      expect.objectContaining({
        name: 'cloudflared-credentials',
        keys: [expect.objectContaining({ key: 'credentials.json' })],
      }),
    ]);
    expect(secrets[0]?.keys[0]?.file).toBe(`$HOME/.cloudflared/${TUNNEL_ID}.json`);
    for (const [path, text] of rendered.files) {
      expect(text, path).not.toMatch(/TunnelSecret"?\s*:/);
      expect(text, path).not.toMatch(/tunnel_token:\s*\S/);
    }
  });

  it('switches the dependencies with conditions on its own knob: only cloudflare-tunnel in local mode', async () => {
    expect(rendered.values.tunnel).toEqual({ local: true, remote: false });
    expect((rendered.chart as Any).dependencies.map((d: Any) => [d.name, d.version, d.condition])).toEqual([
      ['cloudflare-tunnel', '0.3.2', 'tunnel.local'],
      ['cloudflare-tunnel-remote', '0.1.2', 'tunnel.remote'],
    ]);
    const objects = (await renderWithStubDependencies(rendered)).filter(
      (o: Any) => o.kind !== 'CiliumNetworkPolicy',
    );
    expect(objects.map((o) => o.metadata.name)).toEqual(['echo-cloudflare-tunnel']);
    // The ingress rules (per-rule originRequest included) reach the chart exactly as rendered.
    const received = JSON.parse(objects[0].data.values);
    expect(received.cloudflare.ingress).toEqual(rules);
  });

  it('passes helm lint --strict and renders its own templates (NOTES and the generated network policies only)', async () => {
    expect((await renderOwnTemplates(rendered)).map((o) => (o as Any).metadata.name)).toEqual(
      NETWORK_POLICIES,
    );
  });

  it('tells the operator how to create the tunnel and its DNS records, and that UDP never passes', () => {
    const steps = rendered.planned.manualSteps.join('\n');
    expect(steps).toContain('cloudflared tunnel create homelab');
    expect(steps).toContain(`${TUNNEL_ID}.cfargotunnel.com`);
    expect(steps).toContain('cloudflared tunnel route dns homelab argocd.lab.example.org');
    expect(steps).toContain('no TCP port');
  });

  it('syncs right after ingress: nothing but Traefik comes first', () => {
    expect(rendered.planned.needs).toEqual(['ingress']);
    const wave = (name: string) =>
      rendered.plan.components.find((c) => c.component.name === name)?.wave ?? -1;
    expect(wave('cloudflared')).toBe(wave('ingress') + 1);
  });

  it('renders byte-identical output twice', () => {
    expect([...render(base).files]).toEqual([...rendered.files]);
  });
});

describe('cloudflared, routes and disabled components', () => {
  it('routes only the listed hosts, honouring hosts: overrides', () => {
    const r = render(withMode({ routes: ['argocd'] }, { hosts: { argocd: 'cd.lab.example.org' } }));
    expect((r.values['cloudflare-tunnel'] as Any).cloudflare.ingress).toEqual([
      {
        hostname: 'cd.lab.example.org',
        service: 'https://traefik.ingress.svc.cluster.local:443',
        originRequest: { http2Origin: true, originServerName: 'cd.lab.example.org', noTLSVerify: true },
      },
    ]);
  });
});

describe('cloudflared, dashboard-managed tunnel (mode: remote)', () => {
  let rendered: RenderedComponent;
  beforeAll(() => {
    rendered = render(withMode({ mode: 'remote' }));
  });

  it('switches the dependency conditions to cloudflare-tunnel-remote', async () => {
    expect(rendered.values.tunnel).toEqual({ local: false, remote: true });
    const objects = (await renderWithStubDependencies(rendered)).filter(
      (o: Any) => o.kind !== 'CiliumNetworkPolicy',
    );
    expect(objects.map((o) => o.metadata.name)).toEqual(['echo-cloudflare-tunnel-remote']);
    expect(JSON.parse(objects[0].data.values)).toMatchObject({
      fullnameOverride: 'cloudflared',
      image: { tag: CLOUDFLARED_VERSION },
    });
  });

  it('takes the token from a Secret the operator creates, never from values', () => {
    const remote = rendered.values['cloudflare-tunnel-remote'] as Any;
    expect(remote.cloudflare?.tunnel_token).toBeUndefined();
    expect(rendered.values['cloudflare-tunnel']).toEqual({});
    expect(rendered.planned.secrets).toEqual([
      expect.objectContaining({
        name: tokenSecret.name,
        keys: [expect.objectContaining({ key: 'tunnelToken' })],
      }),
    ]);
    // The chart may render that Secret itself (empty): a sync must never overwrite the stored token.
    expect((rendered.application as Any).spec.syncPolicy.syncOptions).toContain(
      'RespectIgnoreDifferences=true',
    );
    expect((rendered.application as Any).spec.ignoreDifferences).toEqual([
      { kind: 'Secret', name: 'cloudflared', jsonPointers: ['/data', '/stringData'] },
    ]);
  });

  it('lists the public hostnames to configure in the dashboard, with HTTP/2 and the origin server name', () => {
    const steps = rendered.planned.manualSteps.join('\n');
    expect(steps).toContain(
      'add argocd.lab.example.org: service https://traefik.ingress.svc.cluster.local:443',
    );
    expect(steps).toContain('HTTP2 connection');
    expect(steps).toContain('Origin Server Name argocd.lab.example.org');
  });

  it('passes helm lint --strict with its own templates', async () => {
    expect((await renderOwnTemplates(rendered)).map((o) => (o as Any).metadata.name)).toEqual(
      NETWORK_POLICIES,
    );
  });
});

describe('cloudflared, bad options', () => {
  it('refuses a tunnel id that is not a UUID', () => {
    expect(problems(withMode({ tunnelId: 'my-tunnel' }))).toEqual([
      { path: 'components.cloudflared.tunnelId', message: expect.stringContaining('UUID') },
    ]);
  });

  it('refuses a tunnel name that is not DNS-like', () => {
    expect(problems(withMode({ tunnelName: 'My Tunnel' })).map((p) => p.path)).toEqual([
      'components.cloudflared.tunnelName',
    ]);
  });

  it('refuses an unknown route key, naming routes[i]', () => {
    expect(problems(withMode({ routes: ['auth', 'grafana'] }))).toEqual([
      {
        path: 'components.cloudflared.routes[1]',
        message: expect.stringContaining('"grafana" is not a host key'),
      },
    ]);
  });

  it('refuses a route listed twice', () => {
    expect(problems(withMode({ routes: ['auth', 'auth'] })).map((p) => p.path)).toEqual([
      'components.cloudflared.routes',
    ]);
  });

  it('refuses certificate verification against the untrusted staging issuer', () => {
    expect(problems(withMode({ verifyOriginTLS: true }, { acme: { environment: 'staging' } }))).toEqual([
      { path: 'components.cloudflared.verifyOriginTLS', message: expect.stringContaining('production') },
    ]);
  });
});
