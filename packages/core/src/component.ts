import type { z } from 'zod';
import type { Problem } from './errors.js';
import type { ComponentIdentity, IdentityDeclaration } from './identity.js';
import type { Values } from './merge.js';
import type { NetworkWorkload } from './network.js';

/** Layers of the stack. */
export const TIERS = ['platform', 'infra', 'security', 'networking'] as const;
export type Tier = (typeof TIERS)[number];

/**
 * The tiers each tier must land after (every component of those tiers healthy first). Platform and infra come before
 * everything else (the seed's rule); networking is not ordered after security as a whole: the Cloudflare Tunnel
 * carries the HTTP-01 challenges of the security tier's certificates, so it comes right after Traefik, and Netbird
 * comes after its identity provider through its own needs.
 */
export const TIER_AFTER: Readonly<Record<Tier, readonly Tier[]>> = {
  platform: [],
  infra: ['platform'],
  security: ['platform', 'infra'],
  networking: ['platform', 'infra'],
};

/** An upstream Helm chart the umbrella depends on (one entry of `Chart.yaml` `dependencies`). */
export interface UpstreamChart {
  /** The chart's name in its repository. */
  readonly name: string;
  /** Where users' clusters fetch it: an `https://` Helm repository or an `oci://` registry prefix. */
  readonly repository: string;
  /** The exact pinned version (no ranges: renders must be reproducible). */
  readonly version: string;
  /** Key the chart's values live under in the umbrella. @default the chart name */
  readonly alias?: string;
  /** Values path that switches the dependency on or off, e.g. `tetragon.enabled`. @default always installed */
  readonly condition?: string;
}

/** A Kubernetes Secret the operator creates once, by hand or through `idstack secrets`. Never rendered. */
export interface RequiredSecret {
  /** Secret name, as the chart references it. */
  readonly name: string;
  /** Namespace it must be created in. @default the component's namespace */
  readonly namespace?: string;
  /** Why it exists. */
  readonly purpose: string;
  /** Labels the Secret must carry for its reader to see it (e.g. Argo CD's `app.kubernetes.io/part-of`). @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Its keys: what each holds, and whether `idstack secrets --create` may generate a random value. */
  readonly keys: readonly SecretKey[];
}

/** One key of a {@link RequiredSecret}. */
export interface SecretKey {
  readonly key: string;
  /** What the value is. */
  readonly description: string;
  /** May `idstack secrets --create` generate it (32 random bytes)? @default false: only the operator has it */
  readonly random?: boolean;
  /** How a generated value is written. @default 'hex' */
  readonly encoding?: 'hex' | 'base64';
  /**
   * A file-shaped value: the path (shell syntax, `$HOME` allowed) of the file the operator has, so `idstack secrets`
   * prints `--from-file=<key>=<file>`. @default a literal value, read from an environment variable the output names
   */
  readonly file?: string;
  /**
   * The very value of another Secret's key (a credential two namespaces hold, e.g. a client secret both the client
   * and Authentik read): `idstack secrets` copies it from the cluster once that Secret exists. @default not a copy
   */
  readonly copyOf?: { readonly namespace: string; readonly name: string; readonly key: string };
}

/** A port the router forwards from the public IP into the cluster. */
export interface RouterForward {
  readonly protocol: 'TCP' | 'UDP';
  /** The public port. */
  readonly port: number;
  /** The public host name(s) clients use for it (whose DNS record is the public IP). */
  readonly hosts: readonly string[];
  /** What it carries. */
  readonly purpose: string;
}

/** One `ignoreDifferences` entry of an Argo CD Application. */
export interface IgnoreDifference {
  readonly group?: string;
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly jsonPointers?: readonly string[];
  readonly jqPathExpressions?: readonly string[];
}

/** How Argo CD syncs a component's Application. */
export interface ArgoOptions {
  /** Extra sync options beside the defaults (`CreateNamespace=true`, `PruneLast=true`). @default none */
  readonly syncOptions?: readonly string[];
  /** Apply with server-side apply (needed for CRDs over 256 KiB). @default false */
  readonly serverSideApply?: boolean;
  /** Fields Argo CD must not diff (controllers that mutate what they own). @default none */
  readonly ignoreDifferences?: readonly IgnoreDifference[];
  /** Bounded retry of a failed sync. @default 5 tries, 10s backoff doubling up to 3m */
  readonly retry?: {
    readonly limit: number;
    readonly backoff: { readonly duration: string; readonly factor: number; readonly maxDuration: string };
  };
  /**
   * Delete what disappears from git, and cascade-delete on Application deletion (finalizer).
   * @default true; false for things that must never be removed by Argo CD (the CNI, Argo CD itself)
   */
  readonly prune?: boolean;
  /** Undo manual changes in the cluster. @default true */
  readonly selfHeal?: boolean;
  /**
   * Labels and annotations Argo CD puts on the destination namespace it creates (`managedNamespaceMetadata`), e.g.
   * Pod Security levels. @default none
   */
  readonly namespaceMetadata?: {
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
}

/** What a component's functions see: the validated stack config and this component's own options. */
export interface ComponentContext<Options> {
  /** The validated stack config (global settings, every component's options, resolved hosts). */
  readonly stack: import('./config/schema.js').Stack;
  /** This component's validated options (its block under `components:`), defaults applied. */
  readonly options: Options;
  /** Is another component enabled in this stack? */
  readonly enabled: (component: string) => boolean;
  /** The namespace another component installs into. */
  readonly namespaceOf: (component: string) => string;
  /**
   * Every enabled component's {@link Component.identity} declaration (in sync order): what the identity provider's
   * component turns into Authentik objects. Only that component reads it; an `identity` function must not.
   */
  readonly identities: () => readonly ComponentIdentity[];
}

/** A public host name a component serves, `<prefix>.<domain>` unless `hosts.<key>` overrides it. */
export interface HostDeclaration {
  /** Sub-domain prefix under the stack's domain. */
  readonly prefix: string;
  /** What is served there. */
  readonly description: string;
  /**
   * Host keys this host may be the same name as: a service that is not HTTP (UDP) can share a UI's name, since
   * neither the ingress nor a tunnel routes it by host. Any other two hosts on one name are refused. @default none
   */
  readonly mayShareWith?: readonly string[];
}

/**
 * The component contract: everything idstack needs to render one umbrella chart and one Argo CD Application.
 * A component package exports one of these, built with {@link defineComponent}, and reads like a declaration.
 */
export interface Component<Options extends Values = Values> {
  /** Name of the package, chart, Application and release (DNS-1123 label). */
  readonly name: string;
  /** One line: what it installs. Goes to Chart.yaml and the READMEs. */
  readonly description: string;
  /** Its layer: platform and infra land before every security and networking component ({@link TIER_AFTER}). */
  readonly tier: Tier;
  /** Namespace the Application deploys into (the Helm release namespace). */
  readonly namespace: string;
  /**
   * Other namespaces its charts install into (beside `namespace`, which the Application creates): the AppProject
   * allows them, and the chart must create them itself. @default none
   */
  readonly otherNamespaces?: readonly string[] | ((ctx: ComponentContext<Options>) => readonly string[]);
  /**
   * The operator's own namespaces it puts objects into (e.g. per-namespace policies): they exist outside the stack,
   * so the AppProject allows them and `idstack check` only warns that they must exist before the sync. @default none
   */
  readonly externalNamespaces?: (ctx: ComponentContext<Options>) => readonly string[];
  /** Names of the components that must be synced and healthy first (when enabled): the sync-wave edges. @default none */
  readonly needs: readonly string[];
  /**
   * Those of `needs` it cannot work without: the build refuses to enable it while one of them is disabled.
   * The others only order the sync. @default none
   */
  readonly required?: readonly string[];
  /** The needed components themselves (set by {@link defineComponent}). @default none */
  readonly requires?: readonly Component[];
  /** Upstream charts the umbrella depends on. */
  readonly charts: readonly UpstreamChart[];
  /**
   * This component's block under `components.<name>` in stack.yaml (beside the common `enabled`, `needs`, `values`).
   * Every field should carry a `.describe()` and a default, so an empty block is a working one.
   */
  readonly options: z.ZodObject;
  /**
   * The umbrella's values.yaml: one key per dependency alias for the upstream charts, plus the chart's own knobs
   * (the keys described by {@link knobs}).
   */
  readonly values: (ctx: ComponentContext<Options>) => Values;
  /**
   * The umbrella's own knobs (the top-level values keys its own templates read). Becomes values.schema.json and the
   * README's values table. @default no own knobs
   */
  readonly knobs?: z.ZodObject;
  /**
   * Values paths (`<alias>.a.b`) below which upstream takes free-form keys although its values.yaml does not show
   * them (e.g. argo-cd's `configs.cm`, which becomes the argocd-cm ConfigMap). `idstack check` allows anything below
   * them; each needs its reason. @default none
   */
  readonly freeFormValues?: readonly { readonly path: string; readonly reason: string }[];
  /** Public hosts this component serves, by key (`auth`, `argocd`, ...). @default none */
  readonly hosts?: Readonly<Record<string, HostDeclaration>>;
  /**
   * Its workloads and the network flows they need: who may connect to each (another component's workload, Traefik,
   * the kube-apiserver, the node) on which ports, and where egress is restricted, what each may reach. Rendered as
   * CiliumNetworkPolicies (default-deny ingress in its namespaces, one rule per flow) unless `networkPolicy: off`;
   * `idstack check` (rule `network-flows`) proves every flow allowed and nothing else open. @default none
   */
  readonly network?: (ctx: ComponentContext<Options>) => readonly NetworkWorkload[];
  /**
   * It runs the network policy engine (Cilium), whose CRDs exist only once its agent runs: the policies of
   * components that sync before it land in its own chart, after its workloads (resource wave 1), behind the boolean
   * umbrella value `switch` (one of its knobs; `bootstrap.set` turns it off while the engine is not running yet).
   * @default not the engine
   */
  readonly networkPolicyEngine?: { readonly switch: string };
  /**
   * Public hosts whose traffic reaches the cluster only through this component (a tunnel). The ACME HTTP-01
   * challenges of their certificates pass only once it runs, so `idstack check` (rule `certificate-order`) fails on
   * an Application holding a Certificate for one of them in a wave not after this one's. @default none
   */
  readonly carries?: (ctx: ComponentContext<Options>) => readonly string[];
  /**
   * Ports the router forwards from the public IP to this component: the direct part of the public topology
   * (`cluster/README.md` draws it beside the tunnelled hosts of {@link carries}). @default none
   */
  readonly forwards?: (ctx: ComponentContext<Options>) => readonly RouterForward[];
  /** Secrets the operator must create; listed by `idstack secrets` and the chart README. @default none */
  readonly secrets?: (ctx: ComponentContext<Options>) => readonly RequiredSecret[];
  /**
   * What it needs from the identity provider (OIDC clients, forward-auth hosts, groups, service accounts): the
   * identity provider's component generates them (Authentik blueprints), so nobody clicks them together.
   * @default none
   */
  readonly identity?: (ctx: ComponentContext<Options>) => IdentityDeclaration;
  /**
   * How it works, for the chart README (markdown): what the component does that a user should understand before
   * relying on it (what a policy kills, how to see an identity issued). @default none
   */
  readonly notes?: (ctx: ComponentContext<Options>) => string;
  /**
   * Option values that render but cannot work in a real cluster (a placeholder tunnel id, an example address):
   * `idstack check` warns about each, with its key path under stack.yaml. @default none
   */
  readonly placeholders?: (ctx: ComponentContext<Options>) => readonly Problem[];
  /** Steps outside the cluster the operator must do by hand (router ports, DNS, upstream accounts). @default none */
  readonly manualSteps?: (ctx: ComponentContext<Options>) => readonly string[];
  /**
   * Installed with helm before Argo CD exists (the CNI, Argo CD itself), from this very chart, then adopted by its
   * Application: `idstack bootstrap` runs `helm upgrade --install` with these `--set` overrides (for what cannot be
   * installed by plain helm on a fresh cluster, e.g. a CR whose CRD the same release brings). @default not bootstrapped
   */
  readonly bootstrap?: {
    /** Install order among the bootstrapped components (lowest first): the CNI before anything that runs pods. */
    readonly order: number;
    /** `--set` overrides for the bootstrap install only. @default none */
    readonly set?: Readonly<Record<string, string>>;
  };
  /** How Argo CD syncs it. */
  readonly argocd?: ArgoOptions | ((ctx: ComponentContext<Options>) => ArgoOptions);
  /**
   * The package directory: its `package.json` gives the chart version, `chart/` holds the chart's own files
   * (templates/, copied verbatim), `CHANGELOG.md` feeds Artifact Hub's changes annotation.
   */
  readonly packageDir: string;
}

/** What a component package writes: the contract, with `needs` and `after` given as the components themselves. */
export type ComponentDeclaration<Schema extends z.ZodObject> = Omit<
  Component<z.output<Schema>>,
  'options' | 'needs' | 'required' | 'requires'
> & {
  readonly options: Schema;
  /**
   * The components it cannot work without (their CRDs, their services): synced and healthy first, and enabled
   * whenever this one is. Import them (they are this package's workspace dependencies), so turbo's task graph and
   * the sync-wave DAG are the same graph. @default none
   */
  readonly needs?: readonly Component[];
  /** Components that, when enabled, must be synced and healthy first (ordering only). @default none */
  readonly after?: readonly Component[];
};

/** Declares a component; typed so `values` and friends see its own options. */
export function defineComponent<Schema extends z.ZodObject>(
  declaration: ComponentDeclaration<Schema>,
): Component {
  const { needs = [], after = [], ...rest } = declaration;
  const requires = [...needs, ...after];
  return {
    ...rest,
    needs: requires.map((c) => c.name),
    required: needs.map((c) => c.name),
    requires,
  } as unknown as Component;
}

/** A component and everything it needs, transitively (needed ones first): what a test must render together. */
export function withRequirements(component: Component): Component[] {
  const out: Component[] = [];
  const visit = (c: Component): void => {
    if (out.some((o) => o.name === c.name)) return;
    for (const r of c.requires ?? []) visit(r);
    out.push(c);
  };
  visit(component);
  return out;
}
