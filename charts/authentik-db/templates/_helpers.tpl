{{/* Labels of this chart's own resources. */}}
{{- define "authentik-db.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: idstack
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/*
Annotations of a custom resource whose CRD arrives in this sync (CNPG) or from an earlier Application (Traefik,
cert-manager): skip Argo CD's dry run, which fails while the CRD is unknown, and apply it in the given wave, after
the CRDs and the webhooks that admit it are up. Argument: the wave, as a string.
*/}}
{{- define "authentik-db.crAnnotations" -}}
argocd.argoproj.io/sync-wave: {{ . | quote }}
argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true
{{- end -}}
