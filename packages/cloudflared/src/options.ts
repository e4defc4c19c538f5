import { z } from 'zod';

/** The management-plane hosts the tunnel carries unless `routes` says otherwise (keys of `hosts:`). */
export const MANAGEMENT_HOSTS = ['auth', 'argocd', 'netbird', 'hubble'] as const;

/** The credentials Secret's default name (locally managed tunnel). */
export const DEFAULT_CREDENTIALS_SECRET = 'cloudflared-credentials';

/** Placeholder tunnel id of the default config; `cloudflared tunnel create` prints the real one. */
export const PLACEHOLDER_TUNNEL_ID = '00000000-0000-0000-0000-000000000000';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// cloudflared accepts any string as a tunnel name; the stack keeps it DNS-like so it is safe in commands and labels.
const TUNNEL_NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;
const SECRET_NAME = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

/** `components.cloudflared` in stack.yaml. */
export const options = z.object({
  mode: z
    .enum(['local', 'remote'])
    .default('local')
    .describe(
      'local: a locally managed tunnel (cloudflare-tunnel chart) whose ingress rules live in git, credentials from a Secret; remote: a dashboard-managed tunnel (cloudflare-tunnel-remote chart) run with a token from a Secret, its public hostnames configured in the Cloudflare dashboard. Default: local.',
    ),
  tunnelName: z
    .string()
    .regex(
      TUNNEL_NAME,
      'must be a DNS-like tunnel name: 1-63 characters of a-z, 0-9, ".", "_" and "-", starting and ending with a letter or digit',
    )
    .default('idstack')
    .describe('Name of the tunnel, as given to `cloudflared tunnel create <name>`. Default: idstack.'),
  tunnelId: z
    .string()
    .regex(
      UUID,
      'must be the tunnel UUID printed by `cloudflared tunnel create` (lower-case, e.g. "6ff42ae2-765d-4adf-8112-31c55c1551ef")',
    )
    .default(PLACEHOLDER_TUNNEL_ID)
    .describe(
      'The tunnel UUID (`cloudflared tunnel create` prints it; `cloudflared tunnel list` shows it); DNS records point at <tunnelId>.cfargotunnel.com. Default: 00000000-0000-0000-0000-000000000000 (a placeholder: the tunnel cannot connect until you set it).',
    ),
  credentialsSecret: z
    .string()
    .regex(SECRET_NAME, 'must be a Kubernetes Secret name (lower-case DNS subdomain)')
    .default(DEFAULT_CREDENTIALS_SECRET)
    .describe(
      'local mode: the Secret (in the cloudflared namespace) holding the tunnel credentials file under the key credentials.json. Default: cloudflared-credentials.',
    ),
  routes: z
    .array(z.string().min(1, 'must be a host key such as "auth"'))
    .default([...MANAGEMENT_HOSTS])
    .refine((keys) => new Set(keys).size === keys.length, 'lists a host key twice')
    .describe(
      'Host keys (as under `hosts:`) the tunnel carries to Traefik. auth, argocd, netbird and hubble are routed only when their component is enabled; any other key must be a host some component declares. Default: [auth, argocd, netbird, hubble].',
    ),
  verifyOriginTLS: z
    .boolean()
    .default(false)
    .describe(
      "Make cloudflared verify Traefik's certificate for each host (SNI is always the public host). Needs acme.environment production and hosts whose certificates the stack issues (auth, argocd, netbird, hubble when protected); each host's ACME challenge path keeps a rule without verification, so the first certificate can be issued through the tunnel. The hop is inside the cluster either way. Default: false.",
    ),
  replicas: z
    .number()
    .int()
    .min(1, 'must be at least 1')
    .max(10, 'must be at most 10')
    .default(2)
    .describe('cloudflared replicas (each holds its own connections to the Cloudflare edge). Default: 2.'),
});

export type Options = z.output<typeof options>;
