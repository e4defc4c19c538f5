import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PlannedComponent, parseStack, renderStack } from '@idstack/core';
import { NETBIRD_VERSION, oidcClientOf } from '@idstack/netbird';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { components } from './components.js';
import { checkJson, renderRoot, run, tempRoot } from './test-support.js';

/**
 * The stack as the repository commits it (stack.yaml), rendered whole: the one public topology, end to end. The
 * tunnel carries the management plane, the forwarded UDP ports carry Netbird's data plane.
 */
const committed = readFileSync(new URL('../../../stack.yaml', import.meta.url), 'utf8');
type Obj = Record<string, unknown>;

let files: Map<string, string>;
let planned: (name: string) => PlannedComponent;
const values = (chart: string) => parse(files.get(`charts/${chart}/values.yaml`) ?? '') as Obj;
const wave = (name: string) => planned(name).wave;

beforeAll(() => {
  const rendered = renderStack(components, parseStack(committed, components));
  files = rendered.files;
  planned = (name) => rendered.plan.components.find((p) => p.component.name === name) as PlannedComponent;
});

describe('the committed stack: one topology', () => {
  it('tunnels every management host and puts cloudflared right after Traefik', () => {
    expect(planned('cloudflared').carries).toEqual([
      'auth.example.com',
      'argocd.example.com',
      'netbird.example.com',
      'hubble.example.com',
    ]);
    expect(planned('cloudflared').needs).toEqual(['ingress']);
    expect(wave('cloudflared')).toBe(wave('ingress') + 1);
  });

  it("syncs every Application holding a Certificate for a tunnelled host after cloudflared's wave", async () => {
    // authentik-db holds Hubble's (protect: [hubble]), netbird its own: both come after the tunnel.
    expect((values('authentik-db').protectedRoutes as Obj[]).map((r) => r.host)).toEqual([
      'hubble.example.com',
    ]);
    expect(wave('authentik-db')).toBeGreaterThan(wave('cloudflared'));
    expect(wave('netbird')).toBeGreaterThan(wave('cloudflared'));
    // And the real check, which reads every chart's rendered Certificates, agrees.
    const { findings } = await checkJson(renderRoot(committed));
    expect(findings.filter((f) => f.rule === 'certificate-order')).toEqual([]);
  });

  it('names no tunnelled host in a STUN URI or relay address, and runs one Netbird release', () => {
    const netbird = values('netbird').netbird as Record<string, Obj>;
    const config = JSON.parse(String(netbird.management?.configmap)) as {
      Stuns: { URI: string }[];
      Relay: { Addresses: string[] };
    };
    const uris = [...config.Stuns.map((s) => s.URI), ...config.Relay.Addresses];
    expect(uris).toEqual(['stun:relay.example.com:3478', 'rels://relay.example.com:443']);
    for (const host of planned('cloudflared').carries)
      for (const uri of uris) expect(uri).not.toContain(host);
    const tags = ['management', 'signal', 'relay'].map((c) => ((netbird[c] as Obj).image as Obj).tag);
    expect(tags).toEqual([NETBIRD_VERSION, NETBIRD_VERSION, NETBIRD_VERSION]);
  });

  it("says in the netbird README exactly the redirect URIs management's config sends (the blueprint registers them)", () => {
    const netbird = values('netbird').netbird as Record<string, Obj>;
    const config = JSON.parse(String(netbird.management?.configmap)) as {
      PKCEAuthorizationFlow: { ProviderConfig: { RedirectURLs: string[] } };
    };
    const dashboard = netbird.dashboard?.env as Obj;
    const sent = [
      `https://netbird.example.com${dashboard.AUTH_REDIRECT_URI}`,
      `https://netbird.example.com${dashboard.AUTH_SILENT_REDIRECT_URI}`,
      ...config.PKCEAuthorizationFlow.ProviderConfig.RedirectURLs,
    ];
    const readme = files.get('charts/netbird/README.md') as string;
    const listed = /strict redirect URIs (.*?)\) and the application/.exec(readme)?.[1];
    expect(listed?.split(', ')).toEqual(sent);
    // The exported client data (for IdP blueprints) is the same list.
    expect(oidcClientOf(parseStack(committed, components)).redirectUris).toEqual(sent);
  });

  it('forwards no TCP port: Traefik trusts the tunnel, the issuers solve DNS-01 for the DNS-only relay host', () => {
    const ingress = planned('ingress');
    const steps = ingress.manualSteps.join('\n');
    expect(steps).toContain('forward no TCP port to Traefik');
    expect(steps).not.toMatch(/forward TCP 80/);
    const traefik = values('ingress').traefik as { ports: Record<string, { forwardedHeaders: Obj }> };
    expect(traefik.ports.websecure?.forwardedHeaders.trustedIPs).toEqual(['10.42.0.0/16']);
    expect((values('ingress').acme as Obj).dns01).toMatchObject({
      selector: { 'idstack.dev/acme-challenge': 'dns-01' },
    });
    expect(ingress.secrets.map((s) => s.name)).toEqual(['cloudflare-api-token']);
    const netbirdSteps = planned('netbird').manualSteps.join('\n');
    expect(netbirdSteps).toMatch(/forward UDP 3478 /);
    expect(netbirdSteps).toMatch(/forward UDP 443 /);
    expect(netbirdSteps).not.toMatch(/forward TCP/);
  });

  it('draws the topology in cluster/README.md', () => {
    const readme = files.get('cluster/README.md') as string;
    expect(readme).toContain('## Topology');
    expect(readme).toContain('Cloudflare Tunnel');
    expect(readme).toContain('relay.example.com');
    expect(readme).toContain('| `relay.example.com` | UDP 3478, forwarded |');
    expect(readme).toContain('the router forwards no TCP port');
  });
});

describe('the direct model (cloudflared disabled)', () => {
  it('forwards TCP 80/443 to Traefik, trusts no proxy, and has no DNS-01 solver', () => {
    const rendered = renderStack(
      components,
      parseStack('components:\n  cloudflared:\n    enabled: false\n', components),
    );
    const ingress = rendered.plan.components.find((p) => p.component.name === 'ingress') as PlannedComponent;
    expect(ingress.manualSteps.join('\n')).toMatch(/forward TCP 80 and 443/);
    const traefik = ingress.values.traefik as { ports: Record<string, { forwardedHeaders: Obj }> };
    expect(traefik.ports.websecure?.forwardedHeaders.trustedIPs).toEqual([]);
    expect((ingress.values.acme as Obj).dns01).toBeNull();
    const readme = rendered.files.get('cluster/README.md') as string;
    expect(readme).toContain('| every HTTP host | TCP 80, forwarded | `ingress` (`ingress`) |');
    expect(readme).toContain(
      '| `relay.example.com` | UDP 3478, forwarded | `netbird` (`netbird`) | Netbird STUN |',
    );
    expect(readme).not.toContain('Cloudflare Tunnel');
  });
});

describe('the order is checked', () => {
  it('refuses (exit 2) a stack.yaml that makes cloudflared wait for a holder of a tunnelled Certificate', async () => {
    const root = tempRoot('components:\n  cloudflared:\n    needs: [netbird]\n');
    const result = await run(['check', '--root', root]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /needs form a cycle: .*cloudflared.*netbird|needs form a cycle: .*netbird.*cloudflared/,
    );
  });

  it('fails idstack check (exit 1) when cluster/ on disk puts a holder in the tunnel wave', async () => {
    const root = renderRoot(committed);
    const file = join(root, 'cluster/apps/netbird.yaml');
    const text = readFileSync(file, 'utf8');
    const cloudflaredWave = /sync-wave: "(\d+)"/.exec(
      readFileSync(join(root, 'cluster/apps/cloudflared.yaml'), 'utf8'),
    )?.[1];
    writeFileSync(file, text.replace(/sync-wave: "\d+"/, `sync-wave: "${cloudflaredWave}"`));
    const { code, findings } = await checkJson(root);
    expect(code).toBe(1);
    // The netbird host's Certificate only: the relay host's is solved with DNS-01, never through the tunnel.
    expect(findings.filter((f) => f.rule === 'certificate-order').map((f) => f.where)).toEqual([
      'charts/netbird/templates/certificate.yaml: Certificate/netbird',
    ]);
  });
});
