import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { helmBinary } from '@idstack/core';
import { describe, expect, it } from 'vitest';
import { diffTrees } from './diff.js';
import { RenderError } from './errors.js';
import { formatDiff } from './format/index.js';
import { MARKDOWN_LIMITS, MARKDOWN_MARKER } from './format/markdown.js';
import { offlineRenderer } from './offline.js';
import { type AppSpec, configMap, tempDir, tree } from './test-support/trees.js';
import type { DiffResult } from './types.js';

/** Both trees rendered by real helm (the offline renderer), then compared. */
const diff = (base: Record<string, AppSpec>, head: Record<string, AppSpec>) =>
  diffTrees({
    baseRoot: tree(base),
    headRoot: tree(head),
    renderer: offlineRenderer(),
    base: { revision: 'base', commit: 'a'.repeat(40) },
    head: 'head',
  });

const app = (result: DiffResult, name: string) => {
  const found = result.applications.find((a) => a.name === name);
  if (!found) throw new Error(`no Application ${name} in the diff`);
  return found;
};

const allFormats = (result: DiffResult) =>
  (['text', 'markdown', 'json'] as const).map((f) => formatDiff(result, f, { color: true })).join('\n');

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
stringData:
  username: app
  password: {{ .Values.password | quote }}
data:
  token: {{ .Values.token | b64enc }}
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    tier: {{ .Values.tier }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: {{ .Values.image }}
          env:
            - name: DB_PASSWORD
              value: {{ .Values.password | quote }}
            - name: LOG_LEVEL
              value: {{ .Values.logLevel }}
`;

const web = (values: Record<string, unknown>): AppSpec => ({
  templates: { 'deployment.yaml': DEPLOYMENT },
  values: { tier: 'front', replicas: 1, image: 'web:1', password: 'pw-before', logLevel: 'info', ...values },
});

describe('idstack diff over two rendered trees (real helm)', () => {
  it('shows that a Secret changed, which key, and never a value, in every format', async () => {
    const values = { password: 'hunter2-before', token: 'tok-before-123' };
    const result = await diff(
      { db: { templates: { 'secret.yaml': SECRET }, values } },
      {
        db: {
          templates: { 'secret.yaml': SECRET, 'other.yaml': SECRET.replace('name: db', 'name: db-new') },
          values: { password: 'hunter2-after', token: 'tok-after-456' },
        },
      },
    );
    const db = app(result, 'db');
    const changed = db.objects.find((o) => o.name === 'db');
    expect(changed?.change).toBe('changed');
    expect(changed?.fields).toEqual([
      { path: 'data.token', op: 'changed', masked: true },
      { path: 'stringData.password', op: 'changed', masked: true },
    ]);
    const added = db.objects.find((o) => o.name === 'db-new');
    expect(added?.change).toBe('added');
    expect(added?.object?.stringData).toEqual({ username: '(hidden)', password: '(hidden)' });
    const printed = allFormats(result);
    expect(printed).toContain('stringData.password: changed (value hidden)');
    for (const value of ['hunter2', 'tok-', Buffer.from('tok-after-456').toString('base64')])
      expect(printed).not.toContain(value);
  });

  it('shows exactly the changed field of a Deployment, named list items by name, and masks a credential env var', async () => {
    const result = await diff({ web: web({}) }, { web: web({ image: 'web:2', password: 'pw-after' }) });
    expect(result.summary).toEqual({ applications: 1, added: 0, removed: 0, changed: 1, moved: 0 });
    expect(app(result, 'web').objects[0]?.fields).toEqual([
      {
        path: 'spec.template.spec.containers[name=web].env[name=DB_PASSWORD].value',
        op: 'changed',
        masked: true,
      },
      { path: 'spec.template.spec.containers[name=web].image', op: 'changed', old: 'web:1', new: 'web:2' },
    ]);
    const text = formatDiff(result, 'text');
    expect(text).toContain('~ Deployment web/web (apps)');
    expect(text).toContain('- spec.template.spec.containers[name=web].image: web:1');
    expect(text).toContain('+ spec.template.spec.containers[name=web].image: web:2');
    expect(text).not.toContain('pw-after');
    expect(text).not.toContain('\x1b[');
    expect(formatDiff(result, 'text', { color: true })).toContain('\x1b[32m');
  });

  it("leaves out what the Application's ignoreDifferences name (jsonPointers, jq paths) and says which it cannot evaluate", async () => {
    const webhook = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: hook
webhooks:
  - name: a.example.com
    clientConfig:
      caBundle: {{ .Values.ca }}
      service: { name: hook, namespace: web }
    sideEffects: None
    admissionReviewVersions: [v1]
`;
    const spec = (values: Record<string, unknown>): AppSpec => ({
      ...web(values),
      templates: { 'deployment.yaml': DEPLOYMENT, 'webhook.yaml': webhook },
      values: { ...web(values).values, ca: 'AAAA', ...values },
      ignoreDifferences: [
        { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
        {
          group: 'admissionregistration.k8s.io',
          kind: 'ValidatingWebhookConfiguration',
          jqPathExpressions: ['.webhooks[]?.clientConfig.caBundle', '.webhooks[] | select(.name == "x")'],
        },
      ],
    });
    const result = await diff({ web: spec({}) }, { web: spec({ replicas: 3, ca: 'BBBB', tier: 'back' }) });
    const objects = app(result, 'web').objects;
    expect(objects.map((o) => `${o.kind}:${(o.fields ?? []).map((f) => f.path)}`)).toEqual([
      'Deployment:metadata.labels.tier',
    ]);
    expect(result.notes).toEqual([
      'Application web: ignoreDifferences jqPathExpression `.webhooks[] | select(.name == "x")` is more than a plain path; the fields it selects are compared',
    ]);
  });

  it("ignores key order and Argo CD's own tracking annotations, and says when nothing differs", async () => {
    const ordered = configMap('settings', { a: '1', b: '2' });
    const reordered = `kind: ConfigMap
data:
  b: "2"
  a: "1"
metadata:
  annotations:
    argocd.argoproj.io/tracking-id: "x:/ConfigMap:x/settings"
  name: settings
  labels: {}
apiVersion: v1
`;
    const result = await diff(
      { x: { templates: { 'cm.yaml': ordered } } },
      { x: { templates: { 'cm.yaml': reordered } } },
    );
    expect(result.identical).toBe(true);
    expect(formatDiff(result, 'text')).toContain('No difference');
    const markdown = formatDiff(result, 'markdown');
    expect(markdown.startsWith(`${MARKDOWN_MARKER}\n`)).toBe(true);
    expect(markdown).toContain('**No difference');
    expect(markdown).not.toContain('<details>');
  });

  it('calls out an object moving between Applications and an Application changing wave', async () => {
    const shared = configMap('shared', { k: 'v' });
    const result = await diff(
      {
        a: { wave: '1', templates: { 'shared.yaml': shared, 'own.yaml': configMap('a-own', { k: 'v' }) } },
        b: { wave: '2', namespace: 'a', templates: { 'own.yaml': configMap('b-own', { k: 'v' }) } },
      },
      {
        a: { wave: '1', templates: { 'own.yaml': configMap('a-own', { k: 'v' }) } },
        b: {
          wave: '3',
          namespace: 'a',
          templates: { 'shared.yaml': shared, 'own.yaml': configMap('b-own', { k: 'v' }) },
        },
      },
    );
    const b = app(result, 'b');
    expect(b.wave).toEqual({ base: '2', head: '3' });
    expect(b.status).toBe('changed');
    expect(b.objects).toEqual([
      expect.objectContaining({
        kind: 'ConfigMap',
        namespace: 'a',
        name: 'shared',
        change: 'moved',
        from: 'a',
        fields: [],
      }),
    ]);
    const text = formatDiff(result, 'text');
    expect(text).toContain('b  wave 2 → 3 · 1 moved');
    expect(text).toContain('> ConfigMap a/shared moved from a');
  });

  it('keeps the markdown within its bounds when hundreds of objects change, and the JSON complete', async () => {
    const many = `{{- range $i := until 200 }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-{{ $i }}
data:
  config.yaml: |
    setting: {{ $.Values.setting }}
    {{- range $j := until 20 }}
    line{{ $j }}: {{ $.Values.setting }}-{{ $j }}
    {{- end }}
{{- end }}
`;
    const apps = (setting: string) =>
      Object.fromEntries(
        ['one', 'two', 'three', 'four', 'five', 'six'].map((name) => [
          name,
          { templates: { 'many.yaml': many }, values: { setting } },
        ]),
      );
    const result = await diff(apps('old'), apps('new'));
    expect(result.summary.changed).toBe(1200);
    const markdown = formatDiff(result, 'markdown');
    expect(markdown.length).toBeLessThanOrEqual(MARKDOWN_LIMITS.comment);
    expect(markdown).toMatch(/^\| one +\| 0 +\| changed \| +0 \| +0 \| +200 \| +0 \|$/m);
    expect(markdown).toContain('170 more objects:');
    expect(markdown).toContain('- … and 70 more');
    expect(markdown).toMatch(/more lines/);
    expect(markdown).toMatch(/_Details of .*`six`.* are left out/);
    const json = JSON.parse(formatDiff(result, 'json')) as DiffResult;
    expect(json.applications.find((a) => a.name === 'one')?.objects).toHaveLength(200);
  });

  it('renders a chart that is the same on both sides once: a diff costs the charts that changed', async () => {
    const dir = tempDir();
    const log = join(dir, 'calls');
    const wrapper = join(dir, 'helm');
    writeFileSync(wrapper, `#!/bin/sh\necho "$1 $2" >> ${log}\nexec ${await helmBinary()} "$@"\n`, {
      mode: 0o755,
    });
    const same = { templates: { 'cm.yaml': configMap('same', { k: 'v' }) } };
    process.env.IDSTACK_HELM = wrapper;
    try {
      const result = await diff({ same, web: web({}) }, { same, web: web({ image: 'web:2' }) });
      expect(result.summary.changed).toBe(1);
    } finally {
      delete process.env.IDSTACK_HELM;
    }
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort()).toEqual([
      'template same',
      'template web',
      'template web',
    ]);
  });

  it('fails with the chart and helm message when a side does not render', async () => {
    const broken = { x: { templates: { 'bad.yaml': '{{ fail "the value is missing" }}' } } };
    await expect(diff({ x: { templates: { 'cm.yaml': configMap('c', {}) } } }, broken)).rejects.toThrow(
      RenderError,
    );
    await expect(diff(broken, broken)).rejects.toThrow(
      /charts\/x \(Application x\): helm template failed: .*the value is missing/,
    );
  });
});
