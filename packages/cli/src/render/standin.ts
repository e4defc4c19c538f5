import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Component, helm } from '@idstack/core';
import { z } from 'zod';

/**
 * TEST STAND-IN for an upstream chart: named and versioned like the pinned cert-manager (so an umbrella that
 * depends on cert-manager v1.21.1 resolves it), with small templates of its own (never upstream's) that reproduce,
 * one per `defect` value, each class of deploy blocker the full render must find:
 * - `namespace`: a Role in a namespace the AppProject does not permit;
 * - `hook`: a pre-install Helm hook Job (Argo CD runs it as a PreSync hook);
 * - `random`: a ConfigMap with a `randAlphaNum` value (differs between two renders);
 * - `cr`: a custom resource with a field its CRD (shipped in `crds/`) lacks;
 * - `latest`: a Deployment on an image without a tag.
 * Returns the packaged chart (`helm package`).
 */
export async function packageStandIn(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'idstack-standin-'));
  const chart = join(dir, 'cert-manager');
  mkdirSync(join(chart, 'templates'), { recursive: true });
  mkdirSync(join(chart, 'crds'), { recursive: true });
  writeFileSync(
    join(chart, 'Chart.yaml'),
    'apiVersion: v2\nname: cert-manager\nversion: v1.21.1\nappVersion: v1.21.1\ndescription: TEST STAND-IN\n',
  );
  writeFileSync(join(chart, 'values.yaml'), 'defect: none\nimage: quay.io/example/controller:v1.0.0\n');
  writeFileSync(
    join(chart, 'crds', 'widgets.yaml'),
    `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.standin.example
spec:
  group: standin.example
  names: { kind: Widget, plural: widgets, singular: widget, listKind: WidgetList }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: { type: integer }
`,
  );
  writeFileSync(
    join(chart, 'templates', 'controller.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-controller
spec:
  selector:
    matchLabels: { app: controller }
  template:
    metadata:
      labels: { app: controller }
    spec:
      containers:
        - name: controller
          image: {{ if eq .Values.defect "latest" }}quay.io/example/controller{{ else }}{{ .Values.image }}{{ end }}
`,
  );
  writeFileSync(
    join(chart, 'templates', 'defects.yaml'),
    `{{- if eq .Values.defect "namespace" }}
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: secrets-reader
  namespace: elsewhere
rules: []
{{- else if eq .Values.defect "hook" }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-startup
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: check
          image: quay.io/example/check:v1.0.0
{{- else if eq .Values.defect "random" }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-seed
data:
  seed: {{ randAlphaNum 16 | quote }}
{{- else if eq .Values.defect "cr" }}
apiVersion: standin.example/v1
kind: Widget
metadata:
  name: widget
  annotations:
    argocd.argoproj.io/sync-wave: "1"
    argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true
spec:
  size: 3
  colour: blue
{{- end }}
`,
  );
  const out = join(dir, 'out');
  const result = await helm(['package', chart, '--destination', out]);
  if (result.exitCode !== 0) throw new Error(`helm package of the stand-in failed: ${result.stderr}`);
  return join(out, readdirSync(out)[0] as string);
}

/** TEST FIXTURE: an umbrella depending on the stand-in cert-manager, with one template of its own. */
export function standInComponent(): Component {
  const packageDir = mkdtempSync(join(tmpdir(), 'idstack-standin-component-'));
  writeFileSync(
    join(packageDir, 'package.json'),
    JSON.stringify({ name: '@test/standin', version: '1.0.0' }),
  );
  mkdirSync(join(packageDir, 'chart', 'templates'), { recursive: true });
  writeFileSync(
    join(packageDir, 'chart', 'templates', 'settings.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: standin-settings\ndata:\n  mode: test\n',
  );
  return {
    name: 'standin',
    description: 'TEST FIXTURE: an umbrella over the stand-in cert-manager',
    tier: 'platform',
    namespace: 'standin',
    needs: [],
    charts: [{ name: 'cert-manager', repository: 'https://charts.jetstack.io', version: 'v1.21.1' }],
    options: z.object({ defect: z.string().default('none').describe('Which defect the stand-in renders.') }),
    // startupapicheck off as the real ingress component sets it (drift-traps reads the pinned default when present).
    values: (ctx) => ({
      'cert-manager': {
        defect: (ctx.options as { defect: string }).defect,
        startupapicheck: { enabled: false },
      },
    }),
    packageDir,
  } as Component;
}
