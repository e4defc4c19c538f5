import type { z } from 'zod';
import type {
  ArgoOptions,
  Component,
  ComponentContext,
  RequiredSecret,
  RouterForward,
  UpstreamChart,
} from './component.js';
import { capped, plainErrors } from './config/messages.js';
import type { Stack } from './config/schema.js';
import { ConfigError, formatPath, type Problem } from './errors.js';
import type { ComponentIdentity, IdentityDeclaration } from './identity.js';
import { deepMerge, type Values } from './merge.js';
import type { NetworkWorkload } from './network.js';
import { type PackageInfo, readPackageInfo } from './package-info.js';
import { computeWaves, unknownNeeds } from './waves.js';

/** One enabled component, resolved against the stack: everything the renderers need, computed once. */
export interface PlannedComponent {
  readonly component: Component;
  readonly package: PackageInfo;
  readonly wave: number;
  readonly needs: readonly string[];
  /** Upstream dependencies, repositories already pointed at the mirror when one is set. */
  readonly charts: readonly UpstreamChart[];
  /** The umbrella's values.yaml content (stack.yaml's `values` overrides merged in). */
  readonly values: Values;
  readonly argocd: Required<Omit<ArgoOptions, 'retry' | 'namespaceMetadata'>> &
    Pick<ArgoOptions, 'namespaceMetadata'> & {
      readonly retry: NonNullable<ArgoOptions['retry']>;
    };
  /** Namespaces besides its own that its charts install into (and create). */
  readonly otherNamespaces: readonly string[];
  /** The operator's own namespaces it puts objects into (they must exist before the sync). */
  readonly externalNamespaces: readonly string[];
  /** Public hosts whose traffic reaches the cluster only through it (a tunnel). */
  readonly carries: readonly string[];
  /** Ports the router forwards to it from the public IP. */
  readonly forwards: readonly RouterForward[];
  /** Its workloads and their flows (rendered as CiliumNetworkPolicies unless `networkPolicy: off`). */
  readonly network: readonly NetworkWorkload[];
  readonly secrets: readonly RequiredSecret[];
  /** What it needs from the identity provider (Authentik objects generated for it). */
  readonly identity: IdentityDeclaration;
  /** The README's "How it works" section (markdown), if any. */
  readonly notes: string;
  /** Option values that cannot work in a real cluster (`idstack check` warns). */
  readonly placeholders: readonly Problem[];
  readonly manualSteps: readonly string[];
}

/** The whole stack as it will be rendered. */
export interface Plan {
  readonly stack: Stack;
  /** Enabled components, in sync order (wave, then name). */
  readonly components: readonly PlannedComponent[];
}

const DEFAULT_RETRY = { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '3m' } } as const;

/** Resolves every enabled component of a validated stack. Throws {@link ConfigError} on a bad graph or options. */
export function planStack(all: readonly Component[], stack: Stack): Plan {
  const declared = unknownNeeds(all);
  if (declared.length) throw new ConfigError(declared, 'the component declarations');
  const enabled = all.filter((c) => stack.components[c.name]?.enabled !== false);
  const extraNeeds = Object.fromEntries(all.map((c) => [c.name, stack.components[c.name]?.needs ?? []]));
  const disabled = all.filter((c) => !enabled.includes(c));
  const missing = enabled.flatMap((c) =>
    (c.required ?? [])
      .filter((r) => disabled.some((d) => d.name === r))
      .map((r) => ({
        path: `components.${r}.enabled`,
        message: `${c.name} cannot work without ${r}: enable ${r}, or disable ${c.name} too`,
      })),
  );
  if (missing.length) throw new ConfigError(missing);
  const placements = computeWaves(enabled, extraNeeds, disabled);
  const enabledNames = new Set(enabled.map((c) => c.name));
  const byName = new Map(all.map((c) => [c.name, c]));

  const contextOf = (component: Component): ComponentContext<Values> => ({
    stack,
    options: (stack.components[component.name] ?? {}) as Values,
    enabled: (name) => enabledNames.has(name),
    namespaceOf: (name) => {
      const other = byName.get(name);
      if (!other) throw new Error(`${component.name} asks for the namespace of unknown component "${name}"`);
      return other.namespace;
    },
    identities,
  });
  // Computed once, on first use (only the identity provider's component asks), in sync order.
  let identityDeclarations: readonly ComponentIdentity[] | undefined;
  function identities(): readonly ComponentIdentity[] {
    identityDeclarations ??= placements.map(({ component }) => ({
      component: component.name,
      namespace: component.namespace,
      identity: component.identity?.(contextOf(component)) ?? {},
    }));
    return identityDeclarations;
  }

  const components = placements.map(({ component, wave, needs }): PlannedComponent => {
    const settings = stack.components[component.name];
    const ctx = contextOf(component);
    const rendered = component.values(ctx);
    const values = deepMerge(rendered, (settings?.values ?? {}) as Values);
    if (component.knobs) checkKnobs(component, values);
    const argo = typeof component.argocd === 'function' ? component.argocd(ctx) : (component.argocd ?? {});
    return {
      component,
      package: readPackageInfo(component.packageDir),
      wave,
      needs,
      charts: component.charts.map((c) => ({ ...c, repository: mirrored(c, stack.mirror) })),
      values,
      argocd: {
        syncOptions: argo.syncOptions ?? [],
        serverSideApply: argo.serverSideApply ?? false,
        ignoreDifferences: argo.ignoreDifferences ?? [],
        retry: argo.retry ?? DEFAULT_RETRY,
        prune: argo.prune ?? true,
        selfHeal: argo.selfHeal ?? true,
        ...(argo.namespaceMetadata ? { namespaceMetadata: argo.namespaceMetadata } : {}),
      },
      otherNamespaces:
        typeof component.otherNamespaces === 'function'
          ? component.otherNamespaces(ctx)
          : (component.otherNamespaces ?? []),
      externalNamespaces: component.externalNamespaces?.(ctx) ?? [],
      carries: component.carries?.(ctx) ?? [],
      forwards: component.forwards?.(ctx) ?? [],
      network: component.network?.(ctx) ?? [],
      secrets: component.secrets?.(ctx) ?? [],
      identity: identities().find((i) => i.component === component.name)?.identity ?? {},
      notes: component.notes?.(ctx) ?? '',
      placeholders: component.placeholders?.(ctx) ?? [],
      manualSteps: component.manualSteps?.(ctx) ?? [],
    };
  });
  return { stack, components };
}

/** The repository a dependency is fetched from: the mirror when one is configured. */
export function mirrored(chart: UpstreamChart, mirror: string | undefined): string {
  return mirror ? mirror.replace(/\/+$/, '') : chart.repository;
}

/** The umbrella's own knobs (non-dependency keys) must match its declared knobs schema. */
function checkKnobs(component: Component, values: Values): void {
  const aliases = new Set(['global', ...component.charts.map((c) => c.alias ?? c.name)]);
  const own = Object.fromEntries(Object.entries(values).filter(([k]) => !aliases.has(k)));
  const knobs = component.knobs as z.ZodObject;
  const result = knobs.strict().safeParse(own, { error: plainErrors });
  if (!result.success) {
    throw new ConfigError(
      capped(
        result.error.issues.map((i) => ({
          path: formatPath(['components', component.name, 'values', ...i.path]),
          message:
            i.code === 'unrecognized_keys'
              ? `unknown chart value(s) ${i.keys.join(', ')}; the chart's own values are: ${Object.keys(knobs.shape).join(', ')}`
              : i.message,
        })),
      ),
    );
  }
}
