import { isIP } from 'node:net';
import { dnsLabel, dnsNameProblem } from '@idstack/core';
import { z } from 'zod';

/** Kubernetes distributions whose Cilium needs differ (API endpoint, Talos's capability and cgroup rules). */
export const DISTRIBUTIONS = ['k3s', 'talos', 'generic'] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

/**
 * Shell binaries as the kernel sees them at exec time: `linux_binprm` is the real file after symlinks, so
 * `/bin/sh` shows up as `/usr/bin/dash`, `/bin/bash` on merged-/usr images as `/usr/bin/bash`, and every Alpine or
 * busybox shell (ash, sh) as `/bin/busybox`. The symlink paths stay listed for images where they are real files.
 */
export const DEFAULT_SHELL_BINARIES = [
  '/bin/sh',
  '/usr/bin/sh',
  '/bin/bash',
  '/usr/bin/bash',
  '/bin/dash',
  '/usr/bin/dash',
  '/bin/ash',
  '/bin/zsh',
  '/usr/bin/zsh',
  '/bin/busybox',
  '/usr/bin/busybox',
] as const;

/**
 * Kubernetes namespaces the policy spares by default: the ones whose pods really exec a shell.
 * - kube-system: Cilium's init containers run `sh -c` (cgroup mount, sysctl fix), CoreDNS and Tetragon live here.
 * - argocd: the GitOps engine itself (repo-server tooling, redis init); killing it locks you out of every fix.
 * - ingress: Traefik's Alpine image starts through `/entrypoint.sh`.
 * - spire-server, spire-system: the SPIRE charts' init containers are busybox (chown, fsGroup fix, waits).
 * - authentik: Authentik starts through its bash `ak` script; PostgreSQL (CNPG) runs archive_command via /bin/sh.
 * - netbird: the dashboard image renders its config with shell scripts at start.
 * Not spared: cloudflared (distroless, no shell at all: a shell there is exactly the signal to kill) and every
 * namespace of your own workloads.
 */
export const DEFAULT_SPARED_NAMESPACES = [
  'kube-system',
  'argocd',
  'ingress',
  'spire-server',
  'spire-system',
  'authentik',
  'netbird',
] as const;

/**
 * Namespaces a distribution runs its own shell-based system pods in, outside kube-system, spared by default on that
 * distribution: on Talos, the usual local-path provisioner (`local-path-storage`) creates and deletes volumes with
 * `/bin/sh` helper pods, so without it no PVC (SPIRE, CloudNativePG, Netbird) would ever bind. k3s runs its
 * local-path provisioner in kube-system, already spared.
 */
export const DISTRIBUTION_NAMESPACES: Readonly<Record<'k3s' | 'talos' | 'generic', readonly string[]>> = {
  k3s: [],
  talos: ['local-path-storage'],
  generic: [],
};

/** Label key (with optional DNS prefix) as Kubernetes accepts it. */
const labelKey = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    'must be a Kubernetes label key such as "idstack.dev/allow-shell"',
  )
  .refine((key) => !key.startsWith('k8s:'), 'must be a plain pod label key, not a "k8s:" Tetragon key');

/** An absolute path of an executable, as the kernel reports it (no trailing "/", no "." or ".." parts). */
const binaryPath = z
  .string()
  .regex(
    /^(\/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)+$/,
    'must be an absolute file path such as "/usr/bin/bash" (no trailing "/", spaces or globs)',
  )
  .refine((p) => !p.split('/').some((part) => part === '.' || part === '..'), 'must not contain "." or ".."');

const uniqueList = <T extends z.ZodType<string>>(item: T) =>
  z.array(item).refine((list) => new Set(list).size === list.length, 'must not list the same entry twice');

/** The Kubernetes API server endpoint Cilium talks to before any Service works (never `auto`). */
const apiHost = z.string().superRefine((value, ctx) => {
  if (value === 'auto') {
    ctx.addIssue({
      code: 'custom',
      message:
        '"auto" looks the API server up at install time, which fails under `helm template` (Argo CD); write the host or IP',
    });
  } else if (value.includes('://') || value.includes('/')) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is a URL; write the bare host name or IP of the API server (the port goes in k8sServicePort)`,
    });
  } else if (!isIP(value) && dnsNameProblem(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is neither an IP address nor a DNS name (${dnsNameProblem(value)}); no port here, it goes in k8sServicePort`,
    });
  }
});

const ipv4Cidr = z
  .string()
  .regex(
    /^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\/([0-9]|[12][0-9]|3[0-2])$/,
    'must be an IPv4 CIDR such as "10.42.0.0/16"',
  );

export const shellPolicyOptions = z
  .object({
    mode: z
      .enum(['enforce', 'audit', 'off'])
      .default('enforce')
      .describe(
        'enforce: SIGKILL every exec of a listed shell binary in a matching pod (the exec never runs). audit: only report it (Tetragon event, action Post) so you can watch what would be killed first. off: no policy. Default: enforce.',
      ),
    scope: z
      .enum(['cluster', 'namespaced'])
      .default('cluster')
      .describe(
        'cluster: one TracingPolicy for every pod outside sparedNamespaces. namespaced: one TracingPolicyNamespaced in each of `namespaces` only (those namespaces must exist and be allowed by the idstack AppProject). Default: cluster.',
      ),
    namespaces: uniqueList(dnsLabel)
      .default([])
      .describe(
        'With scope namespaced: the Kubernetes namespaces that get the policy (required then, ignored with scope cluster). Default: [].',
      ),
    sparedNamespaces: uniqueList(dnsLabel)
      .default([...DEFAULT_SPARED_NAMESPACES])
      .describe(
        `Kubernetes namespaces whose pods may run shells (scope cluster): the stack's system namespaces that start through shell scripts or busybox init containers. cloudflared is deliberately not spared (distroless). Default: ${DEFAULT_SPARED_NAMESPACES.join(', ')}.`,
      ),
    spareDistributionNamespaces: z
      .boolean()
      .default(true)
      .describe(
        `Also spare the distribution's own namespaces of shell-based system pods (scope cluster): ${Object.entries(
          DISTRIBUTION_NAMESPACES,
        )
          .map(([d, ns]) => `${d}: ${ns.length ? ns.join(', ') : 'none beyond kube-system'}`)
          .join('; ')}. Default: true.`,
      ),
    optOutLabel: labelKey
      .default('idstack.dev/allow-shell')
      .describe(
        'Pod label that spares a single workload: pods labelled `<key>: "true"` are never matched. Default: idstack.dev/allow-shell.',
      ),
    binaries: uniqueList(binaryPath)
      .min(1, 'must list at least one shell binary (set mode: off to drop the policy instead)')
      .default([...DEFAULT_SHELL_BINARIES])
      .describe(
        `Executables whose exec is killed, as real paths after symlinks (the kernel matches the file, so /bin/sh is usually /usr/bin/dash or /bin/busybox). Listing /bin/busybox blocks every busybox applet, not only sh. Default: ${DEFAULT_SHELL_BINARIES.join(', ')}.`,
      ),
  })
  .prefault({})
  .describe('The Tetragon TracingPolicy that kills shell execution inside pods (never host processes).');

/** This component's block under `components.cilium-tetragon` in stack.yaml. */
export const options = z.object({
  distribution: z
    .enum(DISTRIBUTIONS)
    .default('k3s')
    .describe(
      'Kubernetes distribution: k3s, talos (drops SYS_MODULE, uses the cgroup2 and bpffs mounts Talos provides, KubePrism) or generic (kubeadm and friends). Default: k3s.',
    ),
  k8sServiceHost: apiHost
    .optional()
    .describe(
      'Host or IP of the Kubernetes API server that every node can reach without kube-proxy (never a URL, never "auto"). Default: localhost on talos (KubePrism), 127.0.0.1 otherwise (fine on a single-node cluster; set the server IP or a VIP when you have agent nodes).',
    ),
  k8sServicePort: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .describe('Port of that API endpoint. Default: 7445 on talos (KubePrism), 6443 otherwise.'),
  kubeProxyReplacement: z
    .boolean()
    .default(true)
    .describe(
      'Let Cilium replace kube-proxy (eBPF services); turn kube-proxy off in the distribution then (see the manual steps). Default: true.',
    ),
  ipam: z
    .enum(['kubernetes', 'cluster-pool'])
    .default('kubernetes')
    .describe(
      "Pod IP allocation: kubernetes (each node's podCIDR, as k3s and Talos allocate them) or cluster-pool (Cilium hands out /24s from clusterPoolCidr). Default: kubernetes.",
    ),
  clusterPoolCidr: ipv4Cidr
    .default('10.42.0.0/16')
    .describe(
      "With ipam cluster-pool: the pod CIDR Cilium allocates from (Cilium's own default 10.0.0.0/8 collides with most home networks). Default: 10.42.0.0/16.",
    ),
  operatorReplicas: z
    .number()
    .int()
    .min(1)
    .max(3)
    .default(1)
    .describe(
      'cilium-operator replicas (upstream runs 2 with anti-affinity, which leaves one Pending on a single node). Default: 1.',
    ),
  selfHeal: z
    .boolean()
    .default(true)
    .describe(
      'Let Argo CD revert manual changes to Cilium and Tetragon (it never prunes them either way). Default: true.',
    ),
  shellPolicy: shellPolicyOptions,
});

export type Options = z.output<typeof options>;
