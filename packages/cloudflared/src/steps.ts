import type { ComponentContext, RequiredSecret } from '@idstack/core';
import { type Options, PLACEHOLDER_TUNNEL_ID } from './options.js';
import { ACME_CHALLENGE_PATH, traefikOrigin, tunnelRoutes } from './routes.js';
import { tokenSecret } from './values.js';

export function secrets({ options }: ComponentContext<Options>): RequiredSecret[] {
  if (options.mode === 'remote') {
    return [
      {
        name: tokenSecret.name,
        purpose: `Token of the dashboard-managed tunnel; the cloudflare-tunnel-remote chart reads it as TUNNEL_TOKEN (the token is shown in Zero Trust > Networks > Tunnels > your tunnel > Configure).`,
        keys: [
          {
            key: tokenSecret.key,
            description: 'The tunnel token (base64 JSON of account, tunnel id and secret).',
            random: false,
          },
        ],
      },
    ];
  }
  return [
    {
      name: options.credentialsSecret,
      purpose: `Credentials of the locally managed tunnel "${options.tunnelName}", mounted by the cloudflare-tunnel chart as /etc/cloudflared/creds/credentials.json; \`cloudflared tunnel create ${options.tunnelName}\` writes the file.`,
      keys: [
        {
          key: 'credentials.json',
          description:
            'The tunnel credentials file cloudflared wrote to ~/.cloudflared/<tunnel-id>.json (AccountTag, TunnelID, TunnelSecret).',
          random: false,
          file: `$HOME/.cloudflared/${options.tunnelId}.json`,
        },
      ],
    },
  ];
}

export function manualSteps(ctx: ComponentContext<Options>): string[] {
  const { options } = ctx;
  const routes = tunnelRoutes(ctx);
  const target = `${options.tunnelId}.cfargotunnel.com`;
  const steps: string[] = [];
  if (options.mode === 'local') {
    steps.push(
      `Create the tunnel once, on any machine: \`cloudflared tunnel login\` (pick the zone), then \`cloudflared tunnel create ${options.tunnelName}\`; put the UUID it prints into components.cloudflared.tunnelId${options.tunnelId === PLACEHOLDER_TUNNEL_ID ? ' (still the placeholder)' : ''} and store ~/.cloudflared/<UUID>.json as the Secret ${options.credentialsSecret} (see Secrets).`,
    );
    if (routes.length) {
      steps.push(
        `Point each routed host at the tunnel with a proxied CNAME to ${target}, either in the Cloudflare DNS dashboard or with ${routes
          .map((r) => `\`cloudflared tunnel route dns ${options.tunnelName} ${r.host}\``)
          .join(', ')}.`,
      );
    }
  } else {
    steps.push(
      `Create the tunnel in the Cloudflare dashboard (Zero Trust > Networks > Tunnels > Create a tunnel > Cloudflared), store its token in the Secret ${tokenSecret.name}, key ${tokenSecret.key} (see Secrets), and put its UUID into components.cloudflared.tunnelId.`,
    );
    for (const r of routes) {
      const challenge = options.verifyOriginTLS
        ? `First add ${r.host} with path ${ACME_CHALLENGE_PATH}: the same service, Origin Server Name and No TLS Verify (Let's Encrypt's HTTP-01 challenge must pass before Traefik holds a certificate cloudflared can verify). Then `
        : '';
      steps.push(
        `${challenge}In the tunnel's Public Hostnames, add ${r.host}: service ${traefikOrigin}; under Additional application settings > TLS set Origin Server Name ${r.host}, turn on HTTP2 connection${options.verifyOriginTLS ? '' : ' and No TLS Verify'}. The dashboard creates the DNS record (a proxied CNAME to ${target}).`,
      );
    }
  }
  if (routes.some((r) => r.key === 'netbird' || r.key === 'argocd')) {
    steps.push(
      'Turn on gRPC for the zone (Cloudflare dashboard > Network > gRPC): Netbird signal/management (and the Argo CD CLI) speak gRPC through the tunnel.',
    );
  }
  steps.push(
    `Topology: every HTTP host goes through the tunnel, so the router forwards no TCP port (remove any TCP 80/443 forward and any A record for ${routes.length ? routes.map((r) => r.host).join(', ') : 'the routed hosts'}: \`cloudflared tunnel route dns\` fails where one exists). UDP never passes a tunnel: the only router forwards are the data plane's UDP ports (Netbird's STUN and relay, on a DNS-only host: see the netbird chart README).`,
  );
  return steps;
}
