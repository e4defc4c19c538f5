import { describe, expect, it } from 'vitest';
import { validateStack } from './config/load.js';
import { planStack } from './plan.js';
import { fakeComponent } from './test-support/fixtures.js';

/** An identity provider that says, in its values, which clients it would register (as authentik-db does). */
const idp = fakeComponent('idp', 'security', [], {
  identity: () => ({ protectedHosts: [{ slug: 'ui', name: 'UI', host: 'ui.example.org' }] }),
  values: (ctx) => ({
    upstream: { replicas: 1 },
    greeting: ctx
      .identities()
      .flatMap((i) => [
        ...(i.identity.oidcClients ?? []).map((c) => `${i.component}:${c.clientId}`),
        ...(i.identity.protectedHosts ?? []).map((h) => `${i.component}:${h.host}`),
      ])
      .join(','),
  }),
});
/** A client whose declaration follows its own options (the redirect URI comes from its greeting). */
const client = fakeComponent('client', 'security', [], {
  identity: (ctx) => ({
    oidcClients: [
      {
        name: 'Client',
        slug: 'client',
        clientId: String(ctx.options.greeting),
        issuer: 'https://auth.example.org/application/o/client/',
        clientType: 'public',
        redirectUris: ['https://client.example.org/cb'],
        scopes: ['openid'],
      },
    ],
  }),
});
const all = [idp, client];

describe('identity declarations', () => {
  it("reach the identity provider's values from every enabled component, each computed with its own options", () => {
    const plan = planStack(all, validateStack({ components: { client: { greeting: 'my-client' } } }, all));
    const planned = plan.components.find((p) => p.component.name === 'idp');
    expect(planned?.values.greeting).toBe('client:my-client,idp:ui.example.org');
    expect(
      plan.components.find((p) => p.component.name === 'client')?.identity.oidcClients?.[0]?.clientId,
    ).toBe('my-client');
  });

  it("disappear with their component: a disabled component's objects leave the identity provider's input", () => {
    const plan = planStack(all, validateStack({ components: { client: { enabled: false } } }, all));
    expect(plan.components.find((p) => p.component.name === 'idp')?.values.greeting).toBe(
      'idp:ui.example.org',
    );
  });

  it('default to none for a component that declares nothing', () => {
    const plain = fakeComponent('plain', 'platform');
    const plan = planStack([plain], validateStack({}, [plain]));
    expect(plan.components[0]?.identity).toEqual({});
  });
});
