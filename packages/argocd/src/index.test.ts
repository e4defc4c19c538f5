import { defineComponent } from '@idstack/core';
import { renderComponent, renderOwnTemplates } from '@idstack/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import argocd, { applicationHealthLua, argocdServer } from './index.js';

describe('argocd component', () => {
  const rendered = renderComponent(argocd, {
    domain: 'lab.example.org',
    acme: { environment: 'production' },
  });
  const values = rendered.values['argo-cd'];

  it('installs the Application health check into argocd-cm', () => {
    expect(values.configs.cm['resource.customizations.health.argoproj.io_Application']).toBe(
      applicationHealthLua,
    );
  });

  it('serves the UI behind Traefik: insecure server, TLS at the ingress from the ACME issuer', () => {
    expect(values.configs.params['server.insecure']).toBe(true);
    expect(values.server.ingress).toMatchObject({
      enabled: true,
      ingressClassName: 'traefik',
      hostname: 'argocd.lab.example.org',
      tls: true,
      annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt-production' },
    });
    expect(values.global.domain).toBe('argocd.lab.example.org');
  });

  it('leaves no Helm hook on: the Redis password comes from a declared Secret', () => {
    expect(values.redisSecretInit.enabled).toBe(false);
    expect(rendered.planned.secrets).toEqual([
      expect.objectContaining({
        name: 'argocd-redis',
        keys: [expect.objectContaining({ key: 'auth', random: true })],
      }),
    ]);
  });

  it('never prunes or cascade-deletes itself', () => {
    expect(rendered.application.spec.syncPolicy.automated.prune).toBe(false);
    expect(rendered.application.metadata.finalizers).toBeUndefined();
  });

  it('is the first wave', () => {
    expect(rendered.application.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('0');
  });

  it('passes helm lint --strict and renders its own templates', async () => {
    const objects = await renderOwnTemplates(rendered);
    // Only NOTES.txt of its own: everything else comes from the argo-cd chart.
    expect(objects).toEqual([]);
  });

  it('exports the server Service the chart creates for release "argocd" (nameOverride argocd)', () => {
    expect(argocdServer).toEqual({
      service: 'argocd-server',
      namespace: rendered.planned.component.namespace,
      port: 80,
    });
  });

  it('renders byte-identical output twice', () => {
    const again = renderComponent(argocd, { domain: 'lab.example.org', acme: { environment: 'production' } });
    expect([...again.files]).toEqual([...rendered.files]);
  });
});

describe('argocd behind Authentik forward-auth', () => {
  // authentik-db itself needs argocd (a package cycle), so a stand-in declares the one option read here.
  const authentikDb = defineComponent({
    name: 'authentik-db',
    description: 'stand-in',
    tier: 'security',
    namespace: 'authentik',
    needs: [argocd],
    charts: [],
    options: z.object({ protect: z.array(z.string()).default(['hubble']) }),
    values: () => ({}),
    packageDir: rendered().planned.component.packageDir,
  });

  it('leaves its host to authentik-db when authentik-db protects Argo CD', () => {
    const guarded = renderComponent(
      argocd,
      { components: { 'authentik-db': { protect: ['argocd'] } } },
      { with: [authentikDb] },
    );
    expect(guarded.values['argo-cd'].server.ingress.enabled).toBe(false);
    const open = renderComponent(argocd, {}, { with: [authentikDb] });
    expect(open.values['argo-cd'].server.ingress.enabled).toBe(true);
    const disabled = renderComponent(
      argocd,
      { components: { 'authentik-db': { enabled: false, protect: ['argocd'] } } },
      { with: [authentikDb] },
    );
    expect(disabled.values['argo-cd'].server.ingress.enabled).toBe(true);
  });
});

function rendered() {
  return renderComponent(argocd, {});
}
