import { deepMerge, isPlainObject, type Values } from '@idstack/core';
import { describeObject } from '../context.js';
import { isOwnObject, renderedObjects } from '../crds.js';
import type { CheckContext, Finding, Rule } from '../types.js';

/** Template functions whose output changes from one render to the next (or is empty under `helm template`). */
const NON_DETERMINISTIC = [
  'randAlphaNum',
  'randAlpha',
  'randNumeric',
  'randAscii',
  'randBytes',
  'randInt',
  'genCA',
  'genCAWithKey',
  'genPrivateKey',
  'genSelfSignedCert',
  'genSelfSignedCertWithKey',
  'genSignedCert',
  'genSignedCertWithKey',
  'derivePassword',
  'uuidv4',
  'now',
  'lookup',
];
const FUNCTION = new RegExp(`(?<![\\w.$])(${NON_DETERMINISTIC.join('|')})(?![\\w])`);

/**
 * Upstream values that leave a Helm hook or a self-regenerating resource on where upstream offers a hook-free mode.
 * Each entry was verified against the pinned chart (values.yaml) and its templates upstream.
 */
export const HOOK_VALUES: readonly {
  readonly chart: string;
  readonly path: string;
  /** Is the (merged: upstream default + idstack) value a trap? */
  readonly trap: (value: unknown, values: Values) => boolean;
  readonly reason: string;
  readonly fix: string;
  readonly severity: 'error' | 'warning';
}[] = [
  {
    chart: 'cilium',
    path: 'hubble.tls.auto.method',
    trap: (v, all) =>
      v === 'helm' &&
      get(all, 'hubble.enabled') !== false &&
      get(all, 'hubble.tls.enabled') !== false &&
      get(all, 'hubble.tls.auto.enabled') !== false,
    reason:
      'the chart generates the Hubble CA and certificates with genCA/genSignedCert on every render: permanent OutOfSync, and certificates rotate on each sync (cilium/cilium#14550, #36012)',
    fix: 'set hubble.tls.auto.method: cronJob (or certmanager)',
    severity: 'error',
  },
  {
    chart: 'cilium',
    path: 'clustermesh.apiserver.tls.auto.method',
    trap: (v, all) =>
      v === 'helm' &&
      get(all, 'clustermesh.useAPIServer') === true &&
      get(all, 'clustermesh.apiserver.tls.auto.enabled') !== false,
    reason: 'the clustermesh-apiserver certificates are generated with genCA/genSignedCert on every render',
    fix: 'set clustermesh.apiserver.tls.auto.method: cronJob (or certmanager)',
    severity: 'error',
  },
  {
    chart: 'spire',
    path: 'global.installAndUpgradeHooks.enabled',
    trap: (v) => v === true,
    reason:
      'install/upgrade hook Jobs patch the webhook after install, a permanent diff under Argo CD (upstream: "should be disabled when using helm template")',
    fix: 'set global.installAndUpgradeHooks.enabled: false',
    severity: 'error',
  },
  {
    chart: 'spire',
    path: 'global.deleteHooks.enabled',
    trap: (v) => v === true,
    reason: 'delete hook Jobs (upstream: "should be disabled when using helm template")',
    fix: 'set global.deleteHooks.enabled: false',
    severity: 'error',
  },
  {
    chart: 'cert-manager',
    path: 'startupapicheck.enabled',
    trap: (v) => v === true,
    reason:
      'startupapicheck is a post-install Helm hook Job: Argo CD turns it into a PostSync hook that reruns on every sync; the sync waits for the webhook through retries anyway',
    fix: 'set startupapicheck.enabled: false',
    severity: 'error',
  },
  {
    chart: 'argo-cd',
    path: 'redisSecretInit.enabled',
    trap: (v, all) => v === true && !get(all, 'externalRedis.host') && get(all, 'redis.enabled') !== false,
    reason:
      'redis-secret-init is a pre-install/pre-upgrade Helm hook Job (argo-cd 10.x) that creates the argocd-redis Secret; Argo CD reruns it as a PreSync hook on every sync (idempotent, hence a warning)',
    fix: "set redisSecretInit.enabled: false and declare the argocd-redis Secret (key `auth`) in the component's secrets",
    severity: 'warning',
  },
];

function get(values: unknown, path: string): unknown {
  let node = values;
  for (const part of path.split('.')) node = isPlainObject(node) ? node[part] : undefined;
  return node;
}

/**
 * Anything that makes Argo CD show a permanent OutOfSync or breaks under `helm template`: non-deterministic
 * template functions, Helm hooks in own templates, and upstream values that leave hooks or regenerating
 * certificates on where a hook-free mode exists.
 */
export const driftTraps: Rule = {
  id: 'drift-traps',
  description:
    'no random/time/lookup template functions, no Helm hooks, no upstream hook or self-regenerating values left on',
  run: async (ctx) => {
    const found: Finding[] = [];
    const add = (f: Omit<Finding, 'rule'>) => found.push({ rule: 'drift-traps', ...f });

    // Template sources: every action ({{ ... }}) of every own template file.
    for (const [path, text] of ctx.output) {
      const m = /^charts\/([^/]+)\/templates\//.exec(path);
      if (!m) continue;
      const chart = m[1] as string;
      for (const action of text.matchAll(/\{\{-?([\s\S]*?)-?\}\}/g)) {
        const body = (action[1] ?? '').trim();
        if (body.startsWith('/*')) continue;
        const fn = FUNCTION.exec(body)?.[1];
        if (!fn) continue;
        const line = text.slice(0, action.index).split('\n').length;
        add({
          severity: 'error',
          chart,
          where: `${path}:${line}`,
          message: `uses \`${fn}\`: ${fn === 'lookup' ? 'Argo CD renders with `helm template`, where lookup returns nothing' : 'the output changes on every render, so Argo CD shows the resource OutOfSync forever (and regenerates it on each sync)'}`,
          fix: 'render a fixed value, reference a Secret the operator creates (`secrets`), or let a controller generate it in-cluster',
        });
      }
      if (/helm\.sh\/hook/.test(text)) {
        const line = text.split('\n').findIndex((l) => l.includes('helm.sh/hook')) + 1;
        add({
          severity: 'error',
          chart,
          where: `${path}:${line}`,
          message:
            "declares a Helm hook: Argo CD turns it into a sync hook that reruns on every sync and never shows in the app's diff",
          fix: 'render a plain resource (with a sync wave if it must come later), or an Argo CD hook only if it truly must rerun',
        });
      }
    }

    if (ctx.renderMode !== 'full')
      ctx.notVerified(
        'drift-traps: Helm hooks the upstream charts render (offline: their templates were not rendered)',
      );
    // Rendered objects: a hook that slipped in through a helper or library, or one an upstream chart renders.
    for (const o of await renderedObjects(ctx)) {
      const annotations = ((o.object.metadata as Values)?.annotations ?? {}) as Values;
      const helmHook = annotations['helm.sh/hook'];
      if (isOwnObject(o)) {
        if (helmHook && !ctx.output.get(o.file)?.includes('helm.sh/hook'))
          add({
            severity: 'error',
            chart: o.chart,
            where: `${o.file}: ${describeObject(o.object)}`,
            message: `renders a Helm hook (${String(helmHook)})`,
            fix: 'render a plain resource instead',
          });
        continue;
      }
      const phase = argoHookPhase(annotations);
      if (phase)
        add({
          severity: 'error',
          chart: o.chart,
          where: `${o.file}: ${describeObject(o.object)}`,
          message: `an upstream chart renders a hook (${String(helmHook ?? annotations['argocd.argoproj.io/hook'])}) that Argo CD runs as a ${phase} hook on every sync, outside the app's diff`,
          fix: 'switch it off in the chart values (the upstream chart documents a hook-free mode), or accept it by design',
        });
    }

    found.push(...hookValues(ctx));
    return found;
  },
};

function hookValues(ctx: CheckContext): Finding[] {
  const found: Finding[] = [];
  if (ctx.upstreamDir === undefined) {
    ctx.notVerified(
      'drift-traps: upstream values known to leave hooks or regenerating certificates on (no pinned upstream data: set IDSTACK_UPSTREAM)',
    );
    return found;
  }
  for (const { component } of ctx.plan.components) {
    const chart = component.name;
    const values = ctx.chartValues(chart);
    if (!values) continue;
    for (const dep of ctx.chartDependencies(chart)) {
      const alias = dep.alias ?? dep.name;
      if (dep.condition && get(values, dep.condition) === false) continue;
      const data = ctx.upstream.chart(dep.name, dep.version);
      if (!data) continue;
      const ours = isPlainObject(values[alias]) ? values[alias] : {};
      const merged = deepMerge(data.values, ours);
      if (isPlainObject(values.global))
        merged.global = deepMerge(isPlainObject(merged.global) ? merged.global : {}, values.global);
      for (const entry of HOOK_VALUES) {
        if (entry.chart !== dep.name) continue;
        const value = get(merged, entry.path);
        if (!entry.trap(value, merged)) continue;
        // Set by idstack: under the dependency's key, or (a `global.` path) in the umbrella's global.
        const setByIdstack =
          get(ours, entry.path) !== undefined ||
          (entry.path.startsWith('global.') && get(values, entry.path) !== undefined);
        found.push({
          severity: entry.severity,
          rule: 'drift-traps',
          chart,
          where: `charts/${chart}/values.yaml: ${alias}.${entry.path}`,
          message: `${alias}.${entry.path} is ${JSON.stringify(value)}${setByIdstack ? '' : ' (upstream default)'}: ${entry.reason}`,
          fix: entry.fix.replace(/set /, `set ${alias}.`),
        });
      }
    }
  }
  return found;
}

/** Helm hooks Argo CD maps to its own phases; any other Helm hook (tests, rollbacks) it never runs. */
const ARGO_PHASE_OF_HELM_HOOK: Record<string, string> = {
  'pre-install': 'PreSync',
  'pre-upgrade': 'PreSync',
  'post-install': 'PostSync',
  'post-upgrade': 'PostSync',
  'post-delete': 'PostDelete',
};

/** The Argo CD phase a rendered hook runs in (undefined: not a hook, or one Argo CD skips). */
function argoHookPhase(annotations: Values): string | undefined {
  const argo = annotations['argocd.argoproj.io/hook'];
  if (typeof argo === 'string') return argo.split(',')[0]?.trim() === 'Skip' ? undefined : argo;
  const helmHook = annotations['helm.sh/hook'];
  if (typeof helmHook !== 'string') return undefined;
  const phases = helmHook
    .split(',')
    .map((h) => ARGO_PHASE_OF_HELM_HOOK[h.trim()])
    .filter(Boolean);
  return phases.length ? [...new Set(phases)].join('/') : undefined;
}
