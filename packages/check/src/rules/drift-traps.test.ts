import type { Component, Values } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { ruleContext, runRule } from '../test-support/context.js';
import { throwawayComponent } from '../test-support/fixture.js';
import { type PinnedChart, pinnedUpstream } from '../test-support/upstream.js';
import type { Finding } from '../types.js';

const FIX_TEMPLATE =
  'render a fixed value, reference a Secret the operator creates (`secrets`), or let a controller generate it in-cluster';
const CHANGES =
  'the output changes on every render, so Argo CD shows the resource OutOfSync forever (and regenerates it on each sync)';

/** Each finding as [chart, where, message] (all of rule drift-traps). */
const brief = (findings: readonly Finding[]) => {
  for (const f of findings) expect(f.rule).toBe('drift-traps');
  return findings.map((f) => [f.chart, f.where, f.message]);
};

const configMap = (name: string, annotations: Values = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, annotations } });

describe('drift-traps', () => {
  describe('own template sources', () => {
    const scan = async (templates: Record<string, string>, output: Record<string, string> = {}) => {
      const ctx = ruleContext({ components: [throwawayComponent('app', templates)], output });
      return runRule('drift-traps', ctx);
    };

    it('finds a non-deterministic function in an action, with its line and the fix', async () => {
      const text =
        'kind: Secret\nmetadata:\n  name: x\ndata:\n  password: {{- randAlphaNum 16 | b64enc -}}\n';
      expect(await scan({ 'secret.yaml': text })).toEqual([
        {
          severity: 'error',
          rule: 'drift-traps',
          chart: 'app',
          where: 'charts/app/templates/secret.yaml:5',
          message: `uses \`randAlphaNum\`: ${CHANGES}`,
          fix: FIX_TEMPLATE,
        },
      ]);
    });

    it('explains lookup differently: it returns nothing under helm template', async () => {
      const text = 'a: 1\n{{ $s := lookup "v1" "Secret" "ns" "name" }}\nb: {{ now | date "2006" }}\n';
      expect(brief(await scan({ 'x.yaml': text }))).toEqual([
        [
          'app',
          'charts/app/templates/x.yaml:2',
          'uses `lookup`: Argo CD renders with `helm template`, where lookup returns nothing',
        ],
        ['app', 'charts/app/templates/x.yaml:3', `uses \`now\`: ${CHANGES}`],
      ]);
    });

    it.each([
      ['a comment', '{{/* randAlphaNum would drift */}}'],
      ['a comment inside trim markers', '{{- /* now would drift */ -}}'],
      ['a field named like a function', '{{ .Values.now }}'],
      ['a variable named like a function', '{{ $now := 1 }}'],
      ['a longer name', '{{ include "nowhere" . }}'],
      ['a name with a suffix', '{{ randAlphaNumX 3 }}'],
      ['text outside an action', 'now: lookup\n'],
    ])('ignores %s', async (_, text) => {
      expect(await scan({ 'x.yaml': `a: b\n${text}\n` })).toEqual([]);
    });

    it('reads only the templates, not other files of the chart nor an unpacked subchart', async () => {
      expect(
        await scan(
          {},
          {
            'charts/app/values.yaml': 'a: "{{ now }}"\n# helm.sh/hook\n',
            'charts/app/files/x.tpl': '{{ now }}\nhelm.sh/hook\n',
            'cluster/apps/x.yaml': '{{ now }}\n',
            'charts/app/charts/sub/templates/x.yaml': '{{ now }}\nhelm.sh/hook\n',
          },
        ),
      ).toEqual([]);
    });

    it('finds a Helm hook annotation, at its first line', async () => {
      const text =
        'kind: Job\nmetadata:\n  annotations:\n    "helm.sh/hook": post-install\n    helm.sh/hook-weight: "1"\n';
      expect(await scan({ 'job.yaml': text })).toEqual([
        {
          severity: 'error',
          rule: 'drift-traps',
          chart: 'app',
          where: 'charts/app/templates/job.yaml:4',
          message:
            "declares a Helm hook: Argo CD turns it into a sync hook that reruns on every sync and never shows in the app's diff",
          fix: 'render a plain resource (with a sync wave if it must come later), or an Argo CD hook only if it truly must rerun',
        },
      ]);
    });
  });

  describe('rendered objects', () => {
    const render = (
      objects: Record<string, string>,
      templates: Record<string, string> = {},
      renderMode?: 'own',
    ) =>
      ruleContext({
        components: [throwawayComponent('app', templates)],
        objects: { app: objects },
        ...(renderMode ? { renderMode } : {}),
      });

    it('records offline that the upstream charts were not rendered', async () => {
      const ctx = render({}, {}, 'own');
      expect(await runRule('drift-traps', ctx)).toEqual([]);
      expect(ctx.unverified()).toContain(
        'drift-traps: Helm hooks the upstream charts render (offline: their templates were not rendered)',
      );
      const full = render({});
      await runRule('drift-traps', full);
      expect(full.unverified()).not.toContain(
        'drift-traps: Helm hooks the upstream charts render (offline: their templates were not rendered)',
      );
    });

    it('finds a hook an own template renders through a helper (its source does not say so), once', async () => {
      const hooked = configMap('cm', { 'helm.sh/hook': 'pre-install' });
      const ctx = render(
        { 'templates/cm.yaml': hooked, 'templates/plain.yaml': configMap('plain') },
        { 'cm.yaml': '{{ include "app.hooked" . }}\n', 'plain.yaml': 'x: 1\n' },
      );
      expect(await runRule('drift-traps', ctx)).toEqual([
        {
          severity: 'error',
          rule: 'drift-traps',
          chart: 'app',
          where: 'charts/app/templates/cm.yaml: ConfigMap/cm',
          message: 'renders a Helm hook (pre-install)',
          fix: 'render a plain resource instead',
        },
      ]);
      const declared = render(
        { 'templates/cm.yaml': hooked },
        { 'cm.yaml': 'metadata:\n  annotations:\n    helm.sh/hook: pre-install\n' },
      );
      expect(brief(await runRule('drift-traps', declared))).toEqual([
        [
          'app',
          'charts/app/templates/cm.yaml:3',
          "declares a Helm hook: Argo CD turns it into a sync hook that reruns on every sync and never shows in the app's diff",
        ],
      ]);
    });

    it('finds a hook an own object renders from a template the output lacks', async () => {
      const ctx = render({ 'templates/gone.yaml': configMap('cm', { 'helm.sh/hook': 'post-install' }) });
      expect(brief(await runRule('drift-traps', ctx))).toEqual([
        ['app', 'charts/app/templates/gone.yaml: ConfigMap/cm', 'renders a Helm hook (post-install)'],
      ]);
    });

    it.each<[string, Values, string | undefined]>([
      ['a pre-install hook', { 'helm.sh/hook': 'pre-install' }, 'PreSync'],
      ['pre-install and pre-upgrade (one phase)', { 'helm.sh/hook': 'pre-install, pre-upgrade' }, 'PreSync'],
      ['post-install and pre-upgrade', { 'helm.sh/hook': 'post-install,pre-upgrade' }, 'PostSync/PreSync'],
      [
        'post-install and pre-upgrade, spaced',
        { 'helm.sh/hook': 'post-install, pre-upgrade' },
        'PostSync/PreSync',
      ],
      ['pre-install and a test hook', { 'helm.sh/hook': 'pre-install,test' }, 'PreSync'],
      ['post-upgrade', { 'helm.sh/hook': 'post-upgrade' }, 'PostSync'],
      ['post-delete', { 'helm.sh/hook': 'post-delete' }, 'PostDelete'],
      ['a test hook (Argo CD never runs it)', { 'helm.sh/hook': 'test' }, undefined],
      ['a non-string hook', { 'helm.sh/hook': 1 }, undefined],
      ['an Argo CD hook', { 'argocd.argoproj.io/hook': 'PostSync' }, 'PostSync'],
      [
        'an Argo CD hook over a Helm hook',
        { 'argocd.argoproj.io/hook': 'Sync', 'helm.sh/hook': 'pre-install' },
        'Sync',
      ],
      [
        'an Argo CD Skip',
        { 'argocd.argoproj.io/hook': ' Skip ,PreSync', 'helm.sh/hook': 'pre-install' },
        undefined,
      ],
      ['no hook', {}, undefined],
    ])('judges an upstream chart rendering %s', async (_, annotations, phase) => {
      const ctx = render({ 'charts/demo/templates/job.yaml': configMap('job', annotations) });
      const found = await runRule('drift-traps', ctx);
      const shown = annotations['helm.sh/hook'] ?? annotations['argocd.argoproj.io/hook'];
      expect(found).toEqual(
        phase
          ? [
              {
                severity: 'error',
                rule: 'drift-traps',
                chart: 'app',
                where: 'charts/app/charts/demo/templates/job.yaml: ConfigMap/job',
                message: `an upstream chart renders a hook (${String(shown)}) that Argo CD runs as a ${phase} hook on every sync, outside the app's diff`,
                fix: 'switch it off in the chart values (the upstream chart documents a hook-free mode), or accept it by design',
              },
            ]
          : [],
      );
    });
  });

  describe('upstream values that leave hooks on', () => {
    const dep = (name: string, extra: Values = {}) => ({
      name,
      repository: 'https://charts.example.org',
      version: '1.0.0',
      ...extra,
    });
    const judge = (
      charts: Component['charts'],
      upstream: Record<string, PinnedChart>,
      values: Values,
      output: Record<string, string> = {},
    ) =>
      runRule(
        'drift-traps',
        ruleContext({
          components: [throwawayComponent('app', {}, { charts, values: () => values })],
          upstreamDir: pinnedUpstream(upstream),
          output,
        }),
      );

    it('records what it could not verify without pinned upstream data', async () => {
      const ctx = ruleContext({ components: [throwawayComponent('app', {})] });
      expect(await runRule('drift-traps', ctx)).toEqual([]);
      expect(ctx.unverified()).toEqual([
        'drift-traps: upstream values known to leave hooks or regenerating certificates on (no pinned upstream data: set IDSTACK_UPSTREAM)',
      ]);
    });

    const hubble = (tls: Values, extra: Values = {}) => ({
      hubble: { enabled: true, tls: { enabled: true, auto: tls } },
      ...extra,
    });
    const clustermesh = (useAPIServer: unknown, auto: Values) => ({
      clustermesh: { useAPIServer, apiserver: { tls: { auto } } },
    });
    it.each<[string, string, Values, Values, string[] | undefined]>([
      [
        'cilium Hubble certificates generated by helm (upstream default)',
        'cilium',
        hubble({ enabled: true, method: 'helm' }),
        {},
        [
          'error',
          'cilium.hubble.tls.auto.method',
          '"helm" (upstream default): the chart generates the Hubble CA and certificates with genCA/genSignedCert on every render: permanent OutOfSync, and certificates rotate on each sync (cilium/cilium#14550, #36012)',
          'set cilium.hubble.tls.auto.method: cronJob (or certmanager)',
        ],
      ],
      [
        'cilium Hubble certificates by cronJob',
        'cilium',
        hubble({ method: 'helm' }),
        { hubble: { tls: { auto: { method: 'cronJob' } } } },
        undefined,
      ],
      ['cilium Hubble off', 'cilium', hubble({ method: 'helm' }), { hubble: { enabled: false } }, undefined],
      [
        'cilium Hubble TLS off',
        'cilium',
        hubble({ method: 'helm' }),
        { hubble: { tls: { enabled: false } } },
        undefined,
      ],
      [
        'cilium Hubble auto TLS off',
        'cilium',
        hubble({ method: 'helm' }),
        { hubble: { tls: { auto: { enabled: false } } } },
        undefined,
      ],
      [
        'cilium clustermesh certificates by helm, set by idstack',
        'cilium',
        clustermesh(false, { enabled: true, method: 'cronJob' }),
        { clustermesh: { useAPIServer: true, apiserver: { tls: { auto: { method: 'helm' } } } } },
        [
          'error',
          'cilium.clustermesh.apiserver.tls.auto.method',
          '"helm": the clustermesh-apiserver certificates are generated with genCA/genSignedCert on every render',
          'set cilium.clustermesh.apiserver.tls.auto.method: cronJob (or certmanager)',
        ],
      ],
      [
        'cilium clustermesh without its API server',
        'cilium',
        clustermesh('true', { method: 'helm' }),
        {},
        undefined,
      ],
      [
        'cilium clustermesh auto TLS off',
        'cilium',
        clustermesh(true, { enabled: false, method: 'helm' }),
        {},
        undefined,
      ],
      ['cilium clustermesh by cronJob', 'cilium', clustermesh(true, { method: 'cronJob' }), {}, undefined],
      [
        'spire install hooks',
        'spire',
        { global: { installAndUpgradeHooks: { enabled: true } } },
        {},
        [
          'error',
          'spire.global.installAndUpgradeHooks.enabled',
          'true (upstream default): install/upgrade hook Jobs patch the webhook after install, a permanent diff under Argo CD (upstream: "should be disabled when using helm template")',
          'set spire.global.installAndUpgradeHooks.enabled: false',
        ],
      ],
      [
        'spire install hooks "true"',
        'spire',
        { global: { installAndUpgradeHooks: { enabled: 'true' } } },
        {},
        undefined,
      ],
      [
        'spire delete hooks',
        'spire',
        { global: { deleteHooks: { enabled: false } } },
        { global: { deleteHooks: { enabled: true } } },
        [
          'error',
          'spire.global.deleteHooks.enabled',
          'true: delete hook Jobs (upstream: "should be disabled when using helm template")',
          'set spire.global.deleteHooks.enabled: false',
        ],
      ],
      ['spire delete hooks off', 'spire', { global: { deleteHooks: { enabled: 1 } } }, {}, undefined],
      [
        'cert-manager startupapicheck',
        'cert-manager',
        { startupapicheck: { enabled: true } },
        {},
        [
          'error',
          'cert-manager.startupapicheck.enabled',
          'true (upstream default): startupapicheck is a post-install Helm hook Job: Argo CD turns it into a PostSync hook that reruns on every sync; the sync waits for the webhook through retries anyway',
          'set cert-manager.startupapicheck.enabled: false',
        ],
      ],
      [
        'cert-manager startupapicheck off',
        'cert-manager',
        { startupapicheck: { enabled: true } },
        { startupapicheck: { enabled: false } },
        undefined,
      ],
      [
        'argo-cd redis-secret-init',
        'argo-cd',
        { redisSecretInit: { enabled: true }, externalRedis: { host: '' }, redis: { enabled: true } },
        {},
        [
          'warning',
          'argo-cd.redisSecretInit.enabled',
          'true (upstream default): redis-secret-init is a pre-install/pre-upgrade Helm hook Job (argo-cd 10.x) that creates the argocd-redis Secret; Argo CD reruns it as a PreSync hook on every sync (idempotent, hence a warning)',
          "set argo-cd.redisSecretInit.enabled: false and declare the argocd-redis Secret (key `auth`) in the component's secrets",
        ],
      ],
      [
        'argo-cd with an external Redis',
        'argo-cd',
        { redisSecretInit: { enabled: true } },
        { externalRedis: { host: 'redis' } },
        undefined,
      ],
      [
        'argo-cd without Redis',
        'argo-cd',
        { redisSecretInit: { enabled: true } },
        { redis: { enabled: false } },
        undefined,
      ],
      ['argo-cd redis-secret-init off', 'argo-cd', { redisSecretInit: { enabled: 'yes' } }, {}, undefined],
      ['a chart no trap is known of', 'other', { startupapicheck: { enabled: true } }, {}, undefined],
    ])('judges %s', async (_, name, upstreamValues, ours, expected) => {
      const found = await judge(
        [dep(name)],
        { [`${name}/1.0.0`]: { values: upstreamValues } },
        { [name]: ours },
      );
      expect(found).toEqual(
        expected
          ? [
              {
                severity: expected[0],
                rule: 'drift-traps',
                chart: 'app',
                where: `charts/app/values.yaml: ${expected[1]}`,
                message: `${expected[1]} is ${expected[2]}`,
                fix: expected[3],
              },
            ]
          : [],
      );
    });

    it("applies the umbrella's global over upstream's, and names the alias", async () => {
      const upstream = {
        'spire/1.0.0': {
          values: { global: { deleteHooks: { enabled: true }, installAndUpgradeHooks: { enabled: false } } },
        },
      };
      const found = await judge([dep('spire', { alias: 'identity' })], upstream, {
        identity: { x: 1 },
        global: { installAndUpgradeHooks: { enabled: true } },
      });
      expect(found.map((f) => [f.where, f.fix])).toEqual([
        [
          'charts/app/values.yaml: identity.global.installAndUpgradeHooks.enabled',
          'set identity.global.installAndUpgradeHooks.enabled: false',
        ],
        [
          'charts/app/values.yaml: identity.global.deleteHooks.enabled',
          'set identity.global.deleteHooks.enabled: false',
        ],
      ]);
      expect(found[0]?.message).toMatch(/^identity\.global\.installAndUpgradeHooks\.enabled is true: /);
      expect(found[1]?.message).toMatch(
        /^identity\.global\.deleteHooks\.enabled is true \(upstream default\): /,
      );
    });

    it("takes a non-global path set outside the dependency's key as upstream's default", async () => {
      const upstream = { 'cert-manager/1.0.0': { values: { startupapicheck: { enabled: true } } } };
      const found = await judge([dep('cert-manager')], upstream, {
        'cert-manager': {},
        startupapicheck: { enabled: true },
      });
      expect(found.map((f) => f.message)).toEqual([
        expect.stringMatching(/^cert-manager\.startupapicheck\.enabled is true \(upstream default\): /),
      ]);
    });

    it('skips a dependency switched off by its condition, one not pinned, and unreadable values', async () => {
      const upstream = { 'cert-manager/1.0.0': { values: { startupapicheck: { enabled: true } } } };
      const cm = dep('cert-manager', { condition: 'cert-manager.enabled' });
      expect(await judge([cm], upstream, { 'cert-manager': { enabled: false } })).toEqual([]);
      expect(await judge([cm], upstream, { 'cert-manager': { enabled: true } })).toHaveLength(1);
      expect(await judge([dep('cert-manager', { version: '9.9.9' })], upstream, {})).toEqual([]);
      expect(await judge([cm], upstream, {}, { 'charts/app/values.yaml': '- not a map\n' })).toEqual([]);
    });
  });
});
