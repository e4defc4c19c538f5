import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ruleContext } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';
import { needsPinned, PINNED_UPSTREAM } from '../testing.js';
import { blueprints } from './blueprints.js';

// Rule blueprints against Authentik's real blueprint schema, as pinned (blueprints.test.ts uses a small one).

const idp = throwawayComponent(
  'idp',
  {},
  {
    charts: [{ name: 'authentik', repository: 'https://charts.goauthentik.io', version: '2026.8.0' }],
    values: () => ({ authentik: { blueprints: { configMaps: ['idp-blueprints'] } } }),
  },
);
const check = (text: string) => {
  const data = { 'idp.yaml': text };
  const configMap = stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'idp-blueprints' },
    data,
  });
  const ctx = ruleContext({
    components: [idp],
    objects: { idp: { 'templates/blueprints.yaml': configMap } },
    ...(PINNED_UPSTREAM ? { upstreamDir: PINNED_UPSTREAM } : {}),
  });
  return blueprints.run(ctx);
};
const WHERE = 'charts/idp/templates/blueprints.yaml: ConfigMap/idp-blueprints idp.yaml';

describe.skipIf(!PINNED_UPSTREAM)(
  needsPinned('blueprints against the pinned Authentik 2026.8.0 schema'),
  () => {
    it('passes on a blueprint of the shape authentik-db generates', async () => {
      const text = `version: 1
metadata:
  name: idstack
entries:
  - model: authentik_blueprints.metaapplyblueprint
    attrs:
      identifiers:
        name: Default - Provider invalidation flow
      required: false
  - model: authentik_core.group
    id: admins
    identifiers:
      name: admins
    attrs:
      is_superuser: false
  - model: authentik_providers_oauth2.oauth2provider
    id: oauth2-app
    identifiers:
      name: App
    attrs:
      client_type: public
      client_id: app
      redirect_uris:
        - matching_mode: strict
          url: https://app.lab.example.org/cb
          redirect_uri_type: authorization
      invalidation_flow: !Find [ authentik_flows.flow, [ slug, default-provider-invalidation-flow ] ]
      signing_key: !Find [ authentik_crypto.certificatekeypair, [ name, authentik Self-signed Certificate ] ]
`;
      expect(await check(text)).toEqual([]);
    });

    it("reports an unknown model, and the errors of a known model's own schema", async () => {
      const text = `version: 1
metadata:
  name: idstack
entries:
  - model: authentik_core.groups
    identifiers:
      name: x
  - model: authentik_core.group
    identifiers:
      name: admins
    attrs:
      is_superuser: maybe
    permissions:
      - permission: everything
`;
      expect((await check(text)).map((f) => [f.where, f.message])).toEqual([
        [
          `${WHERE} entries[0].model`,
          "unknown model authentik_core.groups (not in Authentik 2026.8.0's blueprint schema)",
        ],
        [
          `${WHERE} entries[1].permissions.0.permission`,
          'must be one of ["add_group","add_user_to_group","change_group","delete_group","disable_group_superuser","enable_group_superuser","remove_user_from_group","view_group"] (Authentik 2026.8.0 blueprint schema)',
        ],
        [`${WHERE} entries[1].attrs.is_superuser`, 'must be boolean (Authentik 2026.8.0 blueprint schema)'],
      ]);
    });
  },
);
