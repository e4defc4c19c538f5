import type { ComponentContext, RequiredSecret } from '@idstack/core';
import { type Options, PLACEHOLDER_TUNNEL_ID } from './options.js';
import { traefikOrigin, tunnelRoutes } from './routes.js';
import { tokenSecret } from './values.js';

const NAMESPACE = 'cloudflared';

export function secrets({ options }: ComponentContext<Options>): RequiredSecret[] {
  if (options.mode === 'remote') {
    return [
      {
        name: tokenSecret.name,
        purpose: `Token of the dashboard-managed tunnel; the cloudflare-tunnel-remote chart reads it as TUNNEL_TOKEN. Create it with \`kubectl -n ${NAMESPACE} create secret generic ${tokenSecret.name} --from-literal=${tokenSecret.key}=<token> --dry-run=client -o yaml | kubectl apply -f -\` (the token is shown in Zero Trust > Networks > Tunnels > your tunnel > Configure).`,
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
      purpose: `Credentials of the locally managed tunnel "${options.tunnelName}", mounted by the cloudflare-tunnel chart as /etc/cloudflared/creds/credentials.json. Create it once with \`cloudflared tunnel create ${options.tunnelName}\`, then \`kubectl -n ${NAMESPACE} create secret generic ${options.credentialsSecret} --from-file=credentials.json=$HOME/.cloudflared/${options.tunnelId}.json\`.`,
      keys: [
        {
          key: 'credentials.json',
          description:
            'The tunnel credentials file cloudflared wrote to ~/.cloudflared/<tunnel-id>.json (AccountTag, TunnelID, TunnelSecret).',
          random: false,
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
      steps.push(
        `In the tunnel's Public Hostnames, add ${r.host}: service ${traefikOrigin}; under Additional application settings > TLS set Origin Server Name ${r.host}, turn on HTTP2 connection${options.verifyOriginTLS ? '' : ' and No TLS Verify'}. The dashboard creates the DNS record (a proxied CNAME to ${target}).`,
      );
    }
  }
  if (routes.some((r) => r.key === 'netbird' || r.key === 'argocd')) {
    steps.push(
      'Turn on gRPC for the zone (Cloudflare dashboard > Network > gRPC): Netbird signal/management (and the Argo CD CLI) speak gRPC through the tunnel.',
    );
  }
  steps.push(
    `UDP never passes through a Cloudflare Tunnel: forward Netbird's STUN/relay port UDP 3478 on your router to the Netbird UDP Service${routes.some((r) => r.key === 'netbird') ? ', and since the Netbird host goes through the tunnel, set components.netbird.stun.host to a DNS-only (grey cloud) name whose A record is your public IP' : ''}.`,
  );
  return steps;
}
