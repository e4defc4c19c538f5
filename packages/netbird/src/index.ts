import { fileURLToPath } from 'node:url';
import authentikDb from '@idstack/authentik-db';
import { defineComponent } from '@idstack/core';
import ingress from '@idstack/ingress';
import { z } from 'zod';

// STUB: replaced by the real declaration (values, templates, options, tests).
export default defineComponent({
  name: 'netbird',
  description: 'Self-hosted Netbird (management, signal, relay/STUN, dashboard) logging in through Authentik',
  tier: 'networking',
  namespace: 'netbird',
  needs: [authentikDb, ingress],
  charts: [{ name: 'netbird', repository: 'https://netbirdio.github.io/helms', version: '1.9.0' }],
  options: z.object({}),
  values: () => ({ netbird: {} }),
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
});
