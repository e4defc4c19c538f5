import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkRendered,
  type Finding,
  needsPinned,
  PINNED_UPSTREAM,
  pinnedChart,
  pinnedCrd,
} from '@idstack/check/testing';
import { ConfigError, type Values } from '@idstack/core';
import { type RenderedComponent, renderComponent, renderOwnTemplates } from '@idstack/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import ingress, { acmeServers, clusterIssuer, httpEntryPoint, nodePorts, traefik } from './index.js';

const config = {
  domain: 'lab.example.net',
  acme: { email: 'ops@lab.example.net', environment: 'staging' },
};

// Read only when the pinned data is there (the suite below skips without it).
const traefikChart = PINNED_UPSTREAM ? pinnedChart('traefik', '41.3.0') : (undefined as never);
const certManagerChart = PINNED_UPSTREAM ? pinnedChart('cert-manager', 'v1.21.1') : (undefined as never);
const issuerCrd = PINNED_UPSTREAM ? pinnedCrd('cert-manager.io', 'ClusterIssuer') : (undefined as never);
/** The findings of one rule of `idstack check`. */
const ofRule = (findings: readonly Finding[], rule: string) => findings.filter((f) => f.rule === rule);

const kindOf = (objects: Values[], kind: string) => objects.filter((o) => o.kind === kind);
const meta = (o: Values) => o.metadata as { name: string; annotations: Record<string, string> };

describe.skipIf(!PINNED_UPSTREAM)(needsPinned('ingress'), () => {
  let rendered: RenderedComponent;
  let objects: Values[];
  let traefikValues: Values;
  /** The real `idstack check` over the render (ingress and what it needs), run once. */
  let findings: Finding[];

  beforeAll(async () => {
    rendered = renderComponent(ingress, config);
    [objects, findings] = await Promise.all([renderOwnTemplates(rendered), checkRendered(rendered)]);
    traefikValues = rendered.values.traefik as Values;
    // A full check with real helm: slow on a busy machine.
  }, 180_000);

  it('passes idstack check: helm lint, upstream values and schemas, CRDs, sync order, drift traps, secrets', () => {
    expect(findings).toEqual([]);
  });

  describe('ClusterIssuers', () => {
    const issuers = () => kindOf(objects, 'ClusterIssuer');
    const issuer = (env: 'staging' | 'production') =>
      issuers().find((o) => meta(o).name === clusterIssuer(env)) as Values;

    it('renders letsencrypt-staging and letsencrypt-production, and nothing else', () => {
      expect(issuers().map((o) => meta(o).name)).toEqual(['letsencrypt-staging', 'letsencrypt-production']);
      // Beside the issuers, only the generated network policies of the ingress namespace.
      expect(objects.filter((o) => o.kind !== 'CiliumNetworkPolicy').map((o) => o.kind)).toEqual([
        'ClusterIssuer',
        'ClusterIssuer',
      ]);
      expect(objects.filter((o) => o.kind === 'CiliumNetworkPolicy').map((o) => meta(o).name)).toEqual([
        'idstack-default-deny',
        'ingress-traefik',
        'ingress-webhook',
        'ingress-acme-http01-solver',
      ]);
    });

    it('points each at its ACME directory, with the configured e-mail and a generated account key', () => {
      expect(issuer('staging').spec).toMatchObject({
        acme: {
          email: 'ops@lab.example.net',
          server: 'https://acme-staging-v02.api.letsencrypt.org/directory',
          privateKeySecretRef: { name: 'letsencrypt-staging-account-key' },
        },
      });
      expect(issuer('production').spec).toMatchObject({
        acme: {
          email: 'ops@lab.example.net',
          server: 'https://acme-v02.api.letsencrypt.org/directory',
          privateKeySecretRef: { name: 'letsencrypt-production-account-key' },
        },
      });
      expect(acmeServers.production).not.toContain('staging');
      // cert-manager generates the key: no Secret value, no Secret the operator has to create.
      expect(JSON.stringify(objects)).not.toMatch(/BEGIN|privateKey"\s*:/);
      expect(rendered.planned.secrets).toEqual([]);
    });

    it('solves HTTP-01 through the traefik ingress class', () => {
      for (const o of issuers()) {
        expect((o.spec as Values).acme).toMatchObject({
          solvers: [{ http01: { ingress: { ingressClassName: traefik.ingressClass } } }],
        });
      }
      expect(traefik.ingressClass).toBe('traefik');
    });

    it('syncs after the cert-manager webhook (later wave) and skips the dry run while the CRD is missing', () => {
      for (const o of issuers()) {
        const annotations = meta(o).annotations;
        // Upstream resources (CRDs, webhook) carry no wave: they are in wave 0.
        expect(Number(annotations['argocd.argoproj.io/sync-wave'])).toBeGreaterThan(0);
        expect(annotations['argocd.argoproj.io/sync-wave']).toBe('5');
        expect(annotations['argocd.argoproj.io/sync-options']).toContain('SkipDryRunOnMissingResource=true');
      }
    });

    it('validates against the pinned ClusterIssuer CRD (cert-manager.io/v1, cluster-scoped, no unknown fields)', () => {
      expect(issuerCrd.scope).toBe('Cluster');
      expect([...issuerCrd.versions.keys()]).toContain('v1');
      for (const o of issuers()) {
        expect(o.apiVersion).toBe('cert-manager.io/v1');
        expect(o.kind).toBe(issuerCrd.kind);
        expect((o.metadata as Values).namespace).toBeUndefined();
      }
      expect(ofRule(findings, 'resource-schemas')).toEqual([]);
      expect(ofRule(findings, 'sync-order')).toEqual([]);
    });

    it('would catch an unknown or misplaced issuer field', async () => {
      const mutated = renderComponent(ingress, config);
      const bad = structuredClone(issuers()[0]) as Values & { spec: { acme: Values } };
      (bad.metadata as Values).name = 'bad-issuer';
      bad.spec.acme.email = 1;
      bad.spec.acme.solver = [];
      writeFileSync(join(mutated.dir, 'charts/ingress/templates/zz-bad.yaml'), stringify(bad));
      const caught = await checkRendered(mutated, ['resource-schemas']);
      expect(caught.map((f) => f.where)).toEqual([
        'charts/ingress/templates/zz-bad.yaml: ClusterIssuer/bad-issuer',
        'charts/ingress/templates/zz-bad.yaml: ClusterIssuer/bad-issuer',
      ]);
      expect(caught.map((f) => f.message.split(':')[0]).sort()).toEqual([
        'spec.acme.email',
        'spec.acme.solver',
      ]);
    });
  });

  describe('Traefik', () => {
    it('names the Service after the exported constant, in the component namespace', () => {
      expect(traefikValues.fullnameOverride).toBe(traefik.service);
      expect(ingress.namespace).toBe(traefik.namespace);
      // Service name override would win over fullnameOverride: it must stay unset.
      expect((traefikValues.service as Values).nameOverride).toBeUndefined();
      expect((traefikChart.values.service as Values).nameOverride).toBe('');
    });

    it('serves HTTPS on the exported entry point and port, HTTP on 80', () => {
      const ports = traefikChart.values.ports as Record<string, Values>;
      expect(ports[traefik.httpsEntryPoint]?.exposedPort).toBe(traefik.httpsPort);
      expect(ports[httpEntryPoint.name]?.exposedPort).toBe(httpEntryPoint.port);
      const ours = traefikValues.ports as Record<string, Values>;
      expect(ours.websecure?.http).toEqual({ tls: { enabled: true } });
    });

    it('makes `traefik` the default ingress class', () => {
      expect(traefikValues.ingressClass).toEqual({ enabled: true, isDefaultClass: true, name: 'traefik' });
    });

    it('redirects the web entry point to HTTPS, permanently', () => {
      expect((traefikValues.ports as Values).web).toMatchObject({
        http: { redirections: { entryPoint: { to: 'websecure', scheme: 'https', permanent: true } } },
      });
    });

    it('allows cross-namespace middlewares (Authentik forward-auth) and publishes the Service address', () => {
      expect(traefikValues.providers).toEqual({
        kubernetesCRD: { enabled: true, allowCrossNamespace: true },
        kubernetesIngress: { enabled: true, publishedService: { enabled: true } },
      });
    });

    it('lets long gRPC streams live on websecure, and trusts no forwarded headers by default', () => {
      const ports = traefikValues.ports as Record<string, Values>;
      expect(ports.websecure?.transport).toEqual({
        respondingTimeouts: { readTimeout: '0s', writeTimeout: '0s', idleTimeout: '3600s' },
      });
      expect(ports.web?.forwardedHeaders).toEqual({ trustedIPs: [] });
      expect(ports.websecure?.forwardedHeaders).toEqual({ trustedIPs: [] });
    });

    it('is a LoadBalancer Service by default', () => {
      expect(traefikValues.service).toEqual({
        spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster' },
      });
      expect(traefikValues.podDisruptionBudget).toBeUndefined();
    });
  });

  describe('cert-manager', () => {
    it('installs and keeps its CRDs, runs no Helm hook, keeps its lease in its own namespace', () => {
      expect(rendered.values['cert-manager']).toEqual({
        crds: { enabled: true, keep: true },
        global: { leaderElection: { namespace: 'ingress' } },
        startupapicheck: { enabled: false },
      });
      // The hook this turns off really is a Helm hook upstream.
      const startup = certManagerChart.values.startupapicheck as Values;
      expect((startup.jobAnnotations as Values)['helm.sh/hook']).toBe('post-install');
    });
  });

  describe('upstream values', () => {
    it('sets only keys that exist in the pinned values.yaml (or under a declared free-form path), and passes the strict traefik (2020-12) and cert-manager values schemas', () => {
      expect(rendered.values.traefik).toBeDefined();
      expect(rendered.values['cert-manager']).toBeDefined();
      expect(traefikChart.schema).toBeDefined();
      expect(certManagerChart.schema).toBeDefined();
      expect(ofRule(findings, 'upstream-values')).toEqual([]);
    });

    it('would catch a key upstream does not have, or a wrong type', async () => {
      const bad = renderComponent(ingress, {
        ...config,
        components: {
          ingress: {
            values: {
              traefik: {
                ports: { web: { redirectTo: { port: 'websecure' } } },
                ingressClass: { fallback: true },
              },
              'cert-manager': { installCRDs: 'yes', crds: { install: true } },
            },
          },
        },
      });
      const caught = await checkRendered(bad, ['upstream-values']);
      const at = (f: Finding) => f.where.replace('charts/ingress/values.yaml: ', '');
      // Unknown keys (the values.yaml walk) ...
      expect(
        caught
          .filter((f) => f.message.startsWith('not a value of'))
          .map(at)
          .sort(),
      ).toEqual([
        'cert-manager.crds.install',
        'traefik.ingressClass.fallback',
        'traefik.ports.web.redirectTo',
      ]);
      // ... and what the strict upstream schemas reject (wrong type, unknown key).
      const schema = caught.filter((f) => f.message.includes('values.schema.json')).map(at);
      expect(schema).toEqual(
        expect.arrayContaining([
          'traefik.ports.web.redirectTo',
          'traefik.ingressClass.fallback',
          'cert-manager.installCRDs',
          'cert-manager.crds.install',
        ]),
      );
    });

    it('declares every free-form path it relies on as free-form upstream', () => {
      // service.spec: an open object in the schema; redirections.entryPoint: `{}` in values.yaml.
      const schema = traefikChart.schema as {
        properties: { service: { properties: Record<string, Values> } };
      };
      const spec = schema.properties.service.properties.spec as Values;
      expect(spec.additionalProperties).toBeUndefined();
      const web = (traefikChart.values.ports as Record<string, Values>).web as Values;
      expect(((web.http as Values).redirections as Values).entryPoint).toEqual({});
    });
  });

  describe('Application', () => {
    it('applies server-side (large CRDs) with a bounded retry that outlasts the webhook start', () => {
      const syncPolicy = (rendered.application.spec as Values).syncPolicy as Values;
      expect(syncPolicy.syncOptions).toContain('ServerSideApply=true');
      const retry = syncPolicy.retry as {
        limit: number;
        backoff: { duration: string; factor: number; maxDuration: string };
      };
      expect(retry.limit).toBeGreaterThan(0);
      expect(retry.limit).toBeLessThanOrEqual(10);
      const seconds = (d: string) =>
        Number(d.replace(/s$/, '').replace(/m$/, '')) * (d.endsWith('m') ? 60 : 1);
      let wait = 0;
      let step = seconds(retry.backoff.duration);
      for (let i = 0; i < retry.limit; i++) {
        wait += Math.min(step, seconds(retry.backoff.maxDuration));
        step *= retry.backoff.factor;
      }
      expect(wait).toBeGreaterThan(10 * 60);
    });

    it('syncs after cilium-tetragon', () => {
      const wave = (name: string) => rendered.plan.components.find((p) => p.component.name === name)?.wave;
      expect(rendered.planned.needs).toContain('cilium-tetragon');
      expect(wave('ingress')).toBeGreaterThan(wave('cilium-tetragon') as number);
    });
  });

  describe('README', () => {
    it('tells the operator what to do by hand', () => {
      const readme = rendered.files.get('charts/ingress/README.md') as string;
      expect(readme).toContain('disable: [traefik]');
      expect(readme).toMatch(/forward TCP 80 and 443/);
      expect(readme).toContain('argocd.lab.example.net');
      expect(readme).toContain('streamTimeout');
      expect(readme).toContain('LoadBalancer: the cluster needs an implementation');
    });
  });

  describe('options', () => {
    it('NodePort with fixed node ports, Local traffic policy, replicas with a PodDisruptionBudget, trusted proxies', async () => {
      const variant = renderComponent(ingress, {
        ...config,
        components: {
          ingress: {
            serviceType: 'NodePort',
            externalTrafficPolicy: 'Local',
            replicas: 2,
            trustedProxies: ['10.42.0.0/16'],
            streamTimeout: '2h',
          },
        },
      });
      const t = variant.values.traefik as Values;
      const ports = t.ports as Record<string, Values>;
      expect(t.service).toEqual({ spec: { type: 'NodePort', externalTrafficPolicy: 'Local' } });
      expect(ports.web?.nodePort).toBe(nodePorts.http);
      expect(ports.websecure?.nodePort).toBe(nodePorts.https);
      expect(t.deployment).toEqual({ replicas: 2 });
      expect(t.podDisruptionBudget).toEqual({ enabled: true, maxUnavailable: 1 });
      expect(ports.web?.forwardedHeaders).toEqual({ trustedIPs: ['10.42.0.0/16'] });
      expect(ports.websecure?.forwardedHeaders).toEqual({ trustedIPs: ['10.42.0.0/16'] });
      expect(ports.websecure?.transport).toMatchObject({
        respondingTimeouts: {
          readTimeout: '2h',
          writeTimeout: '2h',
        },
      });
      expect(await checkRendered(variant)).toEqual([]);
      expect(variant.planned.manualSteps.join('\n')).toContain(`ports ${nodePorts.http} (HTTP)`);
      expect(variant.planned.manualSteps.join('\n')).not.toContain('LoadBalancer: the cluster needs');
    });

    it('a fixed LoadBalancer address lands in the Service spec and the router step', async () => {
      const variant = renderComponent(ingress, {
        ...config,
        components: { ingress: { loadBalancerIP: '192.168.1.240' } },
      });
      expect((variant.values.traefik as Values).service).toEqual({
        spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', loadBalancerIP: '192.168.1.240' },
      });
      expect(await checkRendered(variant)).toEqual([]);
      expect(variant.planned.manualSteps.join('\n')).toContain('192.168.1.240');
    });

    it('the production environment switches no issuer off (ingresses pick one by name)', () => {
      const variant = renderComponent(ingress, {
        ...config,
        acme: { ...config.acme, environment: 'production' },
      });
      expect(((variant.values.acme as Values).issuers as Values[]).map((i) => i.name)).toEqual([
        'letsencrypt-staging',
        'letsencrypt-production',
      ]);
    });

    const failure = (components: Values): string => {
      try {
        renderComponent(ingress, { ...config, components: { ingress: components } });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('expected a ConfigError');
    };

    it('names the key of a bad option', () => {
      expect(failure({ serviceType: 'ClusterIP' })).toMatch(/components\.ingress\.serviceType: /);
      expect(failure({ trustedProxies: ['0.0.0.0/0'] })).toMatch(
        /components\.ingress\.trustedProxies\[0\]: .*forge X-Forwarded-For/,
      );
      expect(failure({ trustedProxies: ['not-an-ip'] })).toMatch(
        /components\.ingress\.trustedProxies\[0\]: /,
      );
      expect(failure({ streamTimeout: 'forever' })).toMatch(/components\.ingress\.streamTimeout: /);
      expect(failure({ replicas: 0 })).toMatch(/components\.ingress\.replicas: /);
      expect(failure({ loadBalancerIP: '300.1.1.1' })).toMatch(/components\.ingress\.loadBalancerIP: /);
      expect(failure({ serviceTyp: 'NodePort' })).toMatch(/components\.ingress\.serviceTyp: unknown key/);
    });

    it('refuses a LoadBalancer address on a NodePort Service, naming the key', () => {
      expect(failure({ serviceType: 'NodePort', loadBalancerIP: '192.168.1.240' })).toMatch(
        /components\.ingress\.loadBalancerIP: only applies to serviceType LoadBalancer/,
      );
    });
  });

  it('renders byte-identical output twice', async () => {
    const again = renderComponent(ingress, config);
    expect([...again.files.entries()]).toEqual([...rendered.files.entries()]);
    expect(await renderOwnTemplates(again)).toEqual(objects);
  });
});
