import { deepMerge, isPlainObject, type PlannedComponent, type Values } from '@idstack/core';
import { describeObject } from '../context.js';
import { isBuiltInGroup, isNamespaced, knownCrds, ownCrds, splitApiVersion } from '../crds.js';
import type { ChartDependency, CheckContext, Finding, K8sObject, Rule } from '../types.js';
import { type CrdInfo, crdKey } from '../upstream.js';

const WAVE = 'argocd.argoproj.io/sync-wave';
const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
const SKIP_DRY_RUN = 'SkipDryRunOnMissingResource=true';
/** Namespaces every cluster has, plus Argo CD's own (created when Argo CD is bootstrapped, before any sync). */
const PREEXISTING = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'argocd']);

const PHASES = ['PreSync', 'Sync', 'PostSync'] as const;
const HELM_HOOK_PHASE: Record<string, (typeof PHASES)[number]> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
};

/**
 * Which values switch on the CRDs an upstream chart ships (its `crds/` folder or CRD templates). A chart missing
 * here installs its CRDs unconditionally (Helm's `crds/` folder, which Argo CD applies).
 */
const CRD_SWITCHES: Record<string, { readonly when: (v: Values) => boolean; readonly how: string }> = {
  'cert-manager': {
    when: (v) => get(v, 'crds.enabled') === true || get(v, 'installCRDs') === true,
    how: 'crds.enabled: true',
  },
  tetragon: {
    // The default `operator` creates the CRDs at runtime only: nothing a sync can wait for.
    when: (v) => get(v, 'crds.installMethod') === 'helm',
    how: 'crds.installMethod: helm',
  },
  'argo-cd': { when: (v) => get(v, 'crds.install') !== false, how: 'crds.install: true' },
  'cloudnative-pg': { when: (v) => get(v, 'crds.create') !== false, how: 'crds.create: true' },
};

/** Upstream values that make a chart render Namespace objects itself (invisible to own-template renders). */
const NAMESPACE_SWITCHES: Record<string, (v: Values) => string[]> = {
  cilium: (v) =>
    get(v, 'tls.secretsNamespace.create') === true ? [String(get(v, 'tls.secretsNamespace.name'))] : [],
  spire: (v) =>
    (['system', 'server'] as const)
      .filter(
        (which) =>
          get(v, 'global.spire.namespaces.create') === true ||
          get(v, `global.spire.namespaces.${which}.create`) === true,
      )
      .map((which) => String(get(v, `global.spire.namespaces.${which}.name`))),
};

function get(values: unknown, path: string): unknown {
  let node = values;
  for (const part of path.split('.')) node = isPlainObject(node) ? node[part] : undefined;
  return node;
}

/**
 * A resource's place in its app's sync: phase, then wave. Within one wave Argo CD applies a CRD before its CRs (kind
 * order) but does not wait for it to be established, so only an earlier phase or wave orders a CR after its CRD.
 */
interface Position {
  readonly phase: number;
  readonly wave: number;
}

function position(o: Values): Position {
  const meta = (o.metadata ?? {}) as Values;
  const annotations = (meta.annotations ?? {}) as Record<string, string>;
  const argoHook = annotations['argocd.argoproj.io/hook'];
  const helmHook = annotations['helm.sh/hook']?.split(',').map((s) => s.trim());
  let phase: string = 'Sync';
  if (argoHook) phase = argoHook.split(',')[0]?.trim() ?? 'Sync';
  else if (helmHook) phase = helmHook.map((h) => HELM_HOOK_PHASE[h]).find(Boolean) ?? 'Sync';
  const waveText = annotations[WAVE] ?? (helmHook ? annotations['helm.sh/hook-weight'] : undefined) ?? '0';
  return {
    phase: Math.max(0, PHASES.indexOf(phase as (typeof PHASES)[number])),
    wave: Number.parseInt(waveText, 10) || 0,
  };
}

const CRD_POSITION: Position = { phase: 1, wave: 0 };
const describePosition = (p: Position) => `phase ${PHASES[p.phase]}, wave ${p.wave}`;
const before = (a: Position, b: Position) => a.phase < b.phase || (a.phase === b.phase && a.wave < b.wave);

/** An Application as Argo CD will sync it. */
interface App {
  readonly name: string;
  readonly file: string;
  readonly wave: number | undefined;
  readonly namespace: string;
  readonly syncOptions: readonly string[];
  readonly project: string;
}

/**
 * Simulates the sync: Applications by wave, inside each by phase / wave / kind. Fails when a custom resource can
 * be applied before its CRD exists, a component before something it needs, or into a namespace nothing creates.
 */
export const syncOrder: Rule = {
  id: 'sync-order',
  description:
    'simulates the Argo CD sync: every CR after its CRD, every component after what it needs, every namespace created first',
  run: async (ctx) => {
    const found: Finding[] = [];
    const error = (chart: string, where: string, message: string, fix: string) =>
      found.push({ severity: 'error', rule: 'sync-order', chart, where, message, fix });

    // --- Applications: waves, needs, projects ---
    const cluster = ctx.clusterObjects();
    const projects = new Map<string, number>();
    for (const o of cluster)
      if (o.object.kind === 'AppProject' && o.file === 'cluster/apps/project.yaml')
        projects.set(String((o.object.metadata as Values)?.name), waveOf(o.object) ?? 0);
    const apps = new Map<string, App>();
    for (const o of cluster) {
      if (o.object.kind !== 'Application' || !o.file.startsWith('cluster/apps/')) continue;
      const spec = (o.object.spec ?? {}) as Values;
      const policy = (spec.syncPolicy ?? {}) as Values;
      const name = String((o.object.metadata as Values)?.name);
      apps.set(name, {
        name,
        file: o.file,
        wave: waveOf(o.object),
        namespace: String(((spec.destination ?? {}) as Values).namespace ?? 'default'),
        syncOptions: ((policy.syncOptions ?? []) as unknown[]).map(String),
        project: String(spec.project ?? 'default'),
      });
    }
    const waveOfApp = (name: string) => apps.get(name)?.wave ?? 0;
    for (const planned of ctx.plan.components) {
      const app = apps.get(planned.component.name);
      if (!app) continue; // in-sync reports the missing file
      const raw = ((cluster.find((o) => o.file === app.file)?.object.metadata as Values)?.annotations ??
        {}) as Values;
      if (app.wave === undefined) {
        const neighbours = [...apps.values()]
          .filter((a) => a.name !== app.name && (a.wave ?? 0) === 0)
          .map((a) => a.name);
        error(
          app.name,
          `${app.file}: metadata.annotations["${WAVE}"]`,
          raw[WAVE] === undefined
            ? `the Application has no sync wave: it defaults to wave 0${neighbours.length ? ` and syncs together with ${neighbours.join(', ')}` : ''}, not after what it needs`
            : `the sync wave ${JSON.stringify(raw[WAVE])} is not an integer`,
          `set ${WAVE}: "${expectedWave(planned, apps)}" (run \`pnpm build\`)`,
        );
      }
      for (const need of planned.needs) {
        if (!apps.has(need)) {
          error(
            app.name,
            app.file,
            `needs ${need}, but cluster/apps has no Application for it`,
            'enable it, or run `pnpm build`',
          );
        } else if (waveOfApp(need) >= waveOfApp(app.name)) {
          error(
            app.name,
            `${app.file}: metadata.annotations["${WAVE}"]`,
            `wave ${waveOfApp(app.name)} does not come after ${need} (wave ${waveOfApp(need)}), which it needs: Argo CD would start it before ${need} is healthy`,
            `give it a wave after ${waveOfApp(need)} (run \`pnpm build\`)`,
          );
        }
      }
      const projectWave = projects.get(app.project);
      if (app.project !== 'default' && projectWave === undefined) {
        error(
          app.name,
          `${app.file}: spec.project`,
          `AppProject "${app.project}" is not in cluster/apps`,
          'run `pnpm build`',
        );
      } else if (projectWave !== undefined && projectWave >= waveOfApp(app.name)) {
        error(
          app.name,
          `${app.file}: spec.project`,
          `AppProject "${app.project}" (wave ${projectWave}) is not created before the Application (wave ${waveOfApp(app.name)})`,
          'give the AppProject a lower wave',
        );
      }
    }

    // --- Custom resources after their CRDs ---
    const crds = await knownCrds(ctx);
    const providers = await crdProviders(ctx);
    const objectsOf = new Map(
      (await ctx.render()).applications.map((a) => [a.application.name, a.objects] as const),
    );
    const renders = ctx.plan.components.map((p) => ({
      planned: p,
      objects: objectsOf.get(p.component.name) ?? [],
    }));
    for (const { planned, objects } of renders) {
      const app = apps.get(planned.component.name);
      if (!app) continue;
      for (const o of objects) {
        const { group } = splitApiVersion(o.object.apiVersion);
        if (isBuiltInGroup(group) || o.object.kind === undefined) continue;
        const key = crdKey(group, String(o.object.kind));
        const where = `${o.file}: ${describeObject(o.object)}`;
        const pos = position(o.object);
        const skipDryRun =
          String(
            ((o.object.metadata as Values)?.annotations as Values | undefined)?.[SYNC_OPTIONS] ?? '',
          ).includes(SKIP_DRY_RUN) || app.syncOptions.includes(SKIP_DRY_RUN);
        const sources = providers.get(key) ?? [];
        const same = sources.find((s) => s.app === app.name);
        if (same) {
          if (!before(same.position, pos)) {
            error(
              app.name,
              where,
              `applied in ${describePosition(pos)}, but its CRD (${same.from}) is applied in the same app at ${describePosition(same.position)}: the CR can reach the API server before the CRD is established`,
              `annotate it ${WAVE}: "${same.position.wave + 1}" (after the CRD) and ${SYNC_OPTIONS}: ${SKIP_DRY_RUN}`,
            );
          }
          continue;
        }
        const earlier = sources.filter((s) => waveOfApp(s.app) < waveOfApp(app.name));
        if (sources.length === 0 && !crds.has(key) && ctx.upstreamDir === undefined) {
          // Only an upstream render or the pinned data knows which chart ships this CRD.
          ctx.notVerified(
            `sync-order: which Application installs the CRD of ${key} (used by ${where}): not in the render, no pinned upstream data`,
          );
          continue;
        }
        if (earlier.length === 0) {
          const later = sources.map((s) => `${s.app} (wave ${waveOfApp(s.app)}, ${s.from})`);
          const hint = crdHint(ctx, key, crds.get(key));
          error(
            app.name,
            where,
            later.length
              ? `its CRD ${key} only arrives with ${later.join(', ')}, not before this app (wave ${waveOfApp(app.name)}): the sync fails on a fresh cluster`
              : `no Application of the stack installs the CRD of ${key}${hint ? ` (${hint})` : ''}: the sync fails on a fresh cluster`,
            later.length
              ? `make ${planned.component.name} need the component that ships the CRD`
              : 'ship the CRD with a component this one needs (enable the upstream switch that renders it)',
          );
        } else if (!skipDryRun) {
          error(
            app.name,
            where,
            `its CRD comes from an earlier app (${earlier.map((s) => s.app).join(', ')}) but the CR lacks ${SKIP_DRY_RUN}: the dry run of a first sync can fail before that CRD exists`,
            `annotate it ${SYNC_OPTIONS}: ${SKIP_DRY_RUN}`,
          );
        }
      }
    }

    // --- Namespaces: every one used is created by something, no later than its first use ---
    // Who creates each namespace: an app (its wave) and, for a Namespace it renders, where in its own sync.
    const created = new Map<string, { app: string; wave: number; position?: Position }[]>();
    const create = (ns: string, app: string, at?: Position) =>
      created.set(ns, [
        ...(created.get(ns) ?? []),
        { app, wave: waveOfApp(app), ...(at ? { position: at } : {}) },
      ]);
    for (const app of apps.values())
      if (app.syncOptions.includes('CreateNamespace=true')) create(app.namespace, app.name);
    for (const { planned, objects } of renders) {
      for (const o of objects)
        if (o.object.kind === 'Namespace' && o.object.apiVersion === 'v1')
          create(String((o.object.metadata as Values)?.name), planned.component.name, position(o.object));
      for (const [, dep, merged] of dependencyValues(ctx, planned.component.name))
        for (const ns of NAMESPACE_SWITCHES[dep.name]?.(merged) ?? []) create(ns, planned.component.name);
    }
    const external = new Map(
      renders.map(({ planned }) => [planned.component.name, new Set(planned.externalNamespaces)]),
    );
    const requireNamespace = (ns: string, appName: string, where: string, what: string, at?: Position) => {
      if (PREEXISTING.has(ns)) return;
      const by = created.get(ns) ?? [];
      // The same app creates it in time unless it renders the Namespace in a later phase or wave than `at` (within
      // one wave a Namespace is applied first: kind order).
      const inTime = (c: { app: string; position?: Position }) =>
        c.app === appName && !(at && c.position && before(at, c.position));
      if (by.some((c) => inTime(c) || c.wave < waveOfApp(appName))) return;
      const ownLater = by.find((c) => c.app === appName)?.position;
      if (at && ownLater) {
        error(
          appName,
          where,
          `${what} namespace "${ns}" in ${describePosition(at)}, but ${appName} renders that Namespace only in ${describePosition(ownLater)}: Argo CD applies the object first and the sync fails (namespace not found)`,
          `annotate the Namespace "${ns}" ${WAVE}: "${at.wave}" or lower (within one wave a Namespace is applied first)`,
        );
        return;
      }
      if (by.length === 0 && ctx.renderMode === 'own' && ctx.upstreamDir === undefined) {
        // Offline without pinned data, an upstream chart that creates it cannot be seen.
        ctx.notVerified(
          `sync-order: that something creates namespace "${ns}" before ${appName} uses it (offline, no pinned upstream data)`,
        );
        return;
      }
      if (external.get(appName)?.has(ns)) {
        found.push({
          severity: 'warning',
          rule: 'sync-order',
          chart: appName,
          where,
          message: `${what} namespace "${ns}", one of your own namespaces (externalNamespaces): it must exist before ${appName} syncs`,
          fix: `create namespace "${ns}" (your workloads live there), or drop it from the component's options`,
        });
        return;
      }
      error(
        appName,
        where,
        by.length
          ? `${what} namespace "${ns}", which is only created later by ${by.map((c) => `${c.app} (wave ${c.wave})`).join(', ')}`
          : `${what} namespace "${ns}", which nothing in the stack creates`,
        `render a v1 Namespace "${ns}" in this chart's templates, or deploy into a namespace that exists`,
      );
    };
    for (const { planned, objects } of renders) {
      const app = apps.get(planned.component.name);
      if (!app) continue;
      if (!app.syncOptions.includes('CreateNamespace=true'))
        requireNamespace(app.namespace, app.name, `${app.file}: spec.destination.namespace`, 'deploys into');
      for (const ns of planned.otherNamespaces)
        requireNamespace(
          ns,
          app.name,
          `component ${app.name}: otherNamespaces`,
          'declares (otherNamespaces)',
        );
      for (const o of objects) {
        if (!isNamespaced(o.object, crds)) continue;
        const ns = String((o.object.metadata as Values)?.namespace ?? app.namespace);
        requireNamespace(
          ns,
          app.name,
          `${o.file}: ${describeObject(o.object)}`,
          'is created in',
          position(o.object),
        );
      }
    }
    return found;
  },
};

function waveOf(o: Values): number | undefined {
  const text = ((o.metadata as Values)?.annotations as Values | undefined)?.[WAVE];
  if (typeof text !== 'string' || !/^-?[0-9]+$/.test(text.trim())) return undefined;
  return Number.parseInt(text, 10);
}

function expectedWave(planned: PlannedComponent, apps: ReadonlyMap<string, App>): number {
  return Math.max(0, ...planned.needs.map((n) => (apps.get(n)?.wave ?? 0) + 1));
}

/** Each enabled dependency of a chart with its effective values (upstream defaults, idstack's values, global). */
function dependencyValues(ctx: CheckContext, chart: string): [string, ChartDependency, Values][] {
  const values = ctx.chartValues(chart) ?? {};
  const out: [string, ChartDependency, Values][] = [];
  for (const dep of ctx.chartDependencies(chart)) {
    const data = ctx.upstream.chart(dep.name, dep.version);
    if (!data || (dep.condition && get(values, dep.condition) === false)) continue;
    const alias = dep.alias ?? dep.name;
    const merged = deepMerge(data.values, isPlainObject(values[alias]) ? values[alias] : {});
    if (isPlainObject(values.global))
      merged.global = deepMerge(isPlainObject(merged.global) ? merged.global : {}, values.global);
    out.push([alias, dep, merged]);
  }
  return out;
}

/** Who installs each CRD in the stack: the app, where it comes from, and its place in that app's sync. */
async function crdProviders(
  ctx: CheckContext,
): Promise<Map<string, { app: string; from: string; position: Position }[]>> {
  const out = new Map<string, { app: string; from: string; position: Position }[]>();
  const add = (key: string, entry: { app: string; from: string; position: Position }) =>
    out.set(key, [...(out.get(key) ?? []), entry]);
  for (const planned of ctx.plan.components) {
    const chart = planned.component.name;
    for (const [, dep, merged] of dependencyValues(ctx, chart)) {
      const data = ctx.upstream.chart(dep.name, dep.version);
      if (!data?.crds.length) continue;
      const gate = CRD_SWITCHES[dep.name];
      if (gate && !gate.when(merged)) continue;
      for (const crd of data.crds)
        add(crdKey(crd.group, crd.kind), {
          app: chart,
          from: `${dep.name} ${dep.version}`,
          position: CRD_POSITION,
        });
    }
    const rendered =
      (await ctx.render()).applications.find((a) => a.application.name === chart)?.objects ?? [];
    for (const { crd, owner } of ownCrds(rendered as K8sObject[]))
      add(crdKey(crd.group, crd.kind), { app: chart, from: owner.file, position: position(owner.object) });
  }
  return out;
}

/** Why a pinned CRD is not installed: the upstream switch that is off. */
function crdHint(ctx: CheckContext, _key: string, crd: CrdInfo | undefined): string | undefined {
  if (!crd?.chart) return undefined;
  const name = crd.chart.split('/')[0] as string;
  const gate = CRD_SWITCHES[name];
  const user = ctx.plan.components.find((p) => p.charts.some((c) => c.name === name));
  if (!user) return `it comes with ${name}, which no enabled component installs`;
  return gate
    ? `${name} ships it only with ${gate.how} under its alias in charts/${user.component.name}/values.yaml`
    : undefined;
}
